/*
 * Shared by the vmm's libFuzzer targets (tests/fuzz/fuzz_*.c): a reader
 * that takes typed values off the front of the input (zeros once it runs
 * dry, so every input is valid), guest RAM with inaccessible pages on both
 * sides (an access past either end faults, and ASan reports it), and a
 * check that aborts with a message (a finding).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fin {
	const uint8_t *p;
	size_t n;
};

uint8_t fin_u8(struct fin *f);
uint16_t fin_u16(struct fin *f);
uint32_t fin_u32(struct fin *f);
uint64_t fin_u64(struct fin *f);
/* Up to n bytes (fewer at the end of the input); *got says how many. */
const uint8_t *fin_take(struct fin *f, size_t n, size_t *got);

/* Guest RAM of `size` bytes ending exactly at an inaccessible page, with
 * another before it; zero-filled, reserved not committed (a 3 GiB RAM
 * costs what is touched).  fuzz_ram_free unmaps it. */
uint8_t *fuzz_ram(uint64_t size);
void fuzz_ram_free(uint8_t *ram, uint64_t size);

/* A broken invariant: one line on stderr, then abort (libFuzzer saves the
 * input as a crash). */
__attribute__((noreturn, format(printf, 1, 2))) void fuzz_fail(const char *fmt, ...);
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__VA_ARGS__);                                                    \
	} while (0)

#endif
