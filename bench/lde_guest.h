/*
 * bench/lde_guest.h: what lde's guest benchmark programs
 * (guest/user/bench*.c) share on top of lde_bench.h: the quick switch,
 * writing one protocol line with one write(2), the platform facts as a
 * BENCHINFO line, and a timed loop of inline assembly whose instruction
 * count is exact, so that under QEMU TCG -icount shift=0 a figure reads
 * as the operation's own instructions (bench/PROTOCOL.md).
 *
 * Included by guest programs only (lde's libc); guest/user/build.mk passes
 * -Ibench to bench*.c.
 */
#ifndef LDE_GUEST_H
#define LDE_GUEST_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <lde.h>

#include "lde_bench.h"

/* "quick" anywhere on the command line: a handful of samples (make test). */
static inline int gb_quick(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "quick"))
			return 1;
	return 0;
}

/* Writes one line with one write(2): every console byte is a VM exit on
 * kvm_pvm, and one call keeps a line whole. */
static inline void gb_write(const char *line, size_t len)
{
	while (len) {
		ssize_t w = write(1, line, len);
		if (w <= 0)
			return;
		line += w;
		len -= (size_t)w;
	}
}

/* A BENCH line for n samples of `iters` operations, minus `ovh` per
 * sample (sorts v in place).  Returns the statistics. */
static inline struct lb_stats gb_emit(const char *name, const char *unit, uint64_t *v, size_t n,
                                      uint64_t iters, uint64_t ovh)
{
	struct lb_stats s;
	char line[200];
	lb_compute(v, n, iters, ovh, &s);
	size_t len = lb_format(line, sizeof line, name, unit, &s);
	gb_write(line, len < sizeof line ? len : sizeof line - 1);
	return s;
}

/* The median sample of v (sorts v in place): the overhead to subtract. */
static inline uint64_t gb_median(uint64_t *v, size_t n)
{
	struct lb_stats s;
	lb_compute(v, n, 1, 0, &s);
	return s.med;
}

static inline void gb_skip(const char *name, const char *reason)
{
	char line[240];
	size_t len = lb_format_skip(line, sizeof line, name, reason);
	gb_write(line, len < sizeof line ? len : sizeof line - 1);
}

/* BENCHINFO with the kernel's view of the platform (struct lde_sysinfo:
 * the trap paths the boot probe chose, the tick, the TSC rate).  Returns
 * 0, or -1 when sysinfo fails (then prints nothing). */
static inline int gb_info(struct lde_sysinfo *si)
{
	char line[200];
	if (lde_sysinfo(si) < 0)
		return -1;
	int len = snprintf(line, sizeof line,
	                   "BENCHINFO syscall_path=%u int80_path=%u hz=%u slice_ms=%u tsc_khz=%lu "
	                   "on_lde=%u\n",
	                   si->syscall_path, si->int80_path, si->hz, si->slice_ms,
	                   (unsigned long)si->tsc_khz, si->on_lde);
	if (len > 0)
		gb_write(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
	return 0;
}

#define GB_STR_(x) #x
#define GB_STR(x)  GB_STR_(x)

/*
 * GB_LOOP(fn, body, clobbers...): defines `uint64_t fn(uint64_t k)`, the
 * TSC ticks of k passes of the assembly `body` followed by `dec; jnz`.
 * The loop counter lives in a register the body must not touch (list
 * every register the body changes as a clobber).  Time an empty loop
 * with the same setup (say, `mov $N, %eax`) and subtract its median:
 * what remains is the operation alone (under icount: its instructions).
 */
#define GB_LOOP(fn, body, ...)                                                                     \
	static __attribute__((noinline)) uint64_t fn(uint64_t k)                                   \
	{                                                                                          \
		uint64_t t0 = lb_rdtsc();                                                          \
		__asm__ volatile(".p2align 4\n1:\n\t" body "\n\tdec %0\n\tjnz 1b"                  \
		                 : "+r"(k)                                                         \
		                 :                                                                 \
		                 : "memory", __VA_ARGS__);                                         \
		return lb_rdtsc() - t0;                                                            \
	}

#endif
