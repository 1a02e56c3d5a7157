/*
 * bench/lde_bench.h: the benchmark result protocol's one implementation
 * (bench/PROTOCOL.md): timing with rdtsc, statistics over samples and the
 * `BENCH` line format.  Header-only and freestanding (no libc, no
 * floating point, no SSE), so the same code serves the host baselines and
 * lde's guest user programs, which include it with -Ibench.
 *
 * A benchmark takes n samples; each sample is the rdtsc delta over `iters`
 * repetitions of the operation.  The figures printed are per operation:
 * sample / iters, minus the measured timing overhead, with two decimals.
 * The caller supplies the output function, so this file never writes.
 */
#ifndef LDE_BENCH_H
#define LDE_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Ordered reads of the time stamp counter: under QEMU TCG -icount shift=0
 * it counts retired guest instructions, elsewhere TSC cycles.  The lfence
 * keeps earlier instructions from drifting past the read. */
static inline uint64_t lb_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

struct lb_stats {
	uint64_t n;                  /* samples */
	uint64_t iters;              /* operations per sample */
	uint64_t min, med, p99, max; /* per sample, overhead removed */
	uint64_t ovh;                /* per-sample overhead already subtracted */
};

/* Sift-down heapsort: O(n log n) without recursion or a libc qsort. */
static inline void lb_sift(uint64_t *v, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		if (c >= n)
			return;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[root] >= v[c])
			return;
		uint64_t t = v[root];
		v[root] = v[c];
		v[c] = t;
		root = c;
	}
}

static inline void lb_sort(uint64_t *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		lb_sift(v, i, n);
	for (size_t end = n; end > 1; end--) {
		uint64_t t = v[0];
		v[0] = v[end - 1];
		v[end - 1] = t;
		lb_sift(v, 0, end - 1);
	}
}

/* Statistics of n > 0 samples (sorted in place), each the cost of `iters`
 * operations; `ovh` (the cost of an empty sample, see lb_overhead) is
 * taken off every sample, never below zero.  Median: the lower middle;
 * p99: nearest rank, ceil(0.99 n). */
static inline void lb_compute(uint64_t *v, size_t n, uint64_t iters, uint64_t ovh,
                              struct lb_stats *s)
{
	lb_sort(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = v[i] > ovh ? v[i] - ovh : 0;
	s->n = n;
	s->iters = iters ? iters : 1;
	s->ovh = ovh;
	s->min = v[0];
	s->med = v[(n - 1) / 2];
	s->p99 = v[(99 * n + 99) / 100 - 1];
	s->max = v[n - 1];
}

/* The minimum over `tries` empty timed regions: what lb_rdtsc() twice
 * costs by itself, to subtract from samples of very short operations. */
static inline uint64_t lb_overhead(unsigned tries)
{
	uint64_t best = ~(uint64_t)0;
	for (unsigned i = 0; i < tries; i++) {
		uint64_t t0 = lb_rdtsc();
		uint64_t t1 = lb_rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

/* Small formatting helpers writing into a bounded buffer. */
struct lb_buf {
	char *p;
	size_t len, pos;
};

static inline void lb_putc(struct lb_buf *b, char c)
{
	if (b->pos + 1 < b->len)
		b->p[b->pos] = c;
	b->pos++;
}

static inline void lb_puts(struct lb_buf *b, const char *s)
{
	while (*s)
		lb_putc(b, *s++);
}

static inline void lb_putu(struct lb_buf *b, uint64_t v)
{
	char d[20];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		lb_putc(b, d[--n]);
}

/* v / div with two decimals, rounded half up, trailing ".00" dropped. */
static inline void lb_putfrac(struct lb_buf *b, uint64_t v, uint64_t div)
{
	uint64_t whole = v / div, rem = v % div;
	/* rem < div, so rem * 100 overflows only for div > 2^57: not a
	 * number of iterations anyone runs. */
	uint64_t cents = (rem * 100 + div / 2) / div;
	if (cents == 100) {
		whole++;
		cents = 0;
	}
	lb_putu(b, whole);
	if (cents) {
		lb_putc(b, '.');
		lb_putc(b, (char)('0' + cents / 10));
		if (cents % 10)
			lb_putc(b, (char)('0' + cents % 10));
	}
}

static inline void lb_field(struct lb_buf *b, const char *key, uint64_t v, uint64_t div)
{
	lb_putc(b, ' ');
	lb_puts(b, key);
	lb_putc(b, '=');
	lb_putfrac(b, v, div);
}

/* Formats "BENCH <name> unit=<unit> n=.. iters=.. min=.. med=.. p99=..
 * max=.. ovh=..\n" into buf (NUL-terminated, truncated to len).  Returns
 * the length the whole line needs, as snprintf does. */
static inline size_t lb_format(char *buf, size_t len, const char *name, const char *unit,
                               const struct lb_stats *s)
{
	struct lb_buf b = {buf, len, 0};
	lb_puts(&b, "BENCH ");
	lb_puts(&b, name);
	lb_puts(&b, " unit=");
	lb_puts(&b, unit);
	lb_field(&b, "n", s->n, 1);
	lb_field(&b, "iters", s->iters, 1);
	lb_field(&b, "min", s->min, s->iters);
	lb_field(&b, "med", s->med, s->iters);
	lb_field(&b, "p99", s->p99, s->iters);
	lb_field(&b, "max", s->max, s->iters);
	lb_field(&b, "ovh", s->ovh, s->iters);
	lb_putc(&b, '\n');
	if (len)
		buf[b.pos < len ? b.pos : len - 1] = '\0';
	return b.pos;
}

/* Formats "BENCHSKIP <name> <reason>\n": a figure this program cannot
 * measure on this platform (the report lists it as not run). */
static inline size_t lb_format_skip(char *buf, size_t len, const char *name, const char *reason)
{
	struct lb_buf b = {buf, len, 0};
	lb_puts(&b, "BENCHSKIP ");
	lb_puts(&b, name);
	lb_putc(&b, ' ');
	lb_puts(&b, reason);
	lb_putc(&b, '\n');
	if (len)
		buf[b.pos < len ? b.pos : len - 1] = '\0';
	return b.pos;
}

#endif
