/*
 * Helpers shared by the fuzz targets (see fuzz.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"

#define PAGE 4096ull

uint8_t fin_u8(struct fin *f)
{
	uint8_t v = 0;

	if (f->n) {
		v = *f->p++;
		f->n--;
	}
	return v;
}

uint16_t fin_u16(struct fin *f)
{
	return (uint16_t)(fin_u8(f) | fin_u8(f) << 8);
}

uint32_t fin_u32(struct fin *f)
{
	uint32_t lo = fin_u16(f);

	return lo | (uint32_t)fin_u16(f) << 16;
}

uint64_t fin_u64(struct fin *f)
{
	uint64_t lo = fin_u32(f);

	return lo | (uint64_t)fin_u32(f) << 32;
}

const uint8_t *fin_take(struct fin *f, size_t n, size_t *got)
{
	const uint8_t *p = f->p;

	if (n > f->n)
		n = f->n;
	f->p += n;
	f->n -= n;
	*got = n;
	return p;
}

static uint64_t span(uint64_t size)
{
	return (size + PAGE - 1) / PAGE * PAGE;
}

uint8_t *fuzz_ram(uint64_t size)
{
	const uint64_t s = span(size);
	uint8_t *m =
	    mmap(NULL, s + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED || (s && mprotect(m + PAGE, s, PROT_READ | PROT_WRITE) != 0)) {
		perror("fuzz_ram");
		abort();
	}
	/* The last byte of RAM is the last byte before the upper guard. */
	return m + PAGE + (s - size);
}

void fuzz_ram_free(uint8_t *ram, uint64_t size)
{
	const uint64_t s = span(size);

	munmap(ram - (s - size) - PAGE, s + 2 * PAGE);
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
