/*
 * benchtimer [quick]: what the timer interrupt costs a running program
 * (bench/PROTOCOL.md lines on stdout).
 *
 * A calibrated user-mode spin is cut into short chunks of identical work,
 * each timed with rdtsc.  A chunk without interruption takes the pure-work
 * time; a chunk that a tick arrived in takes longer by what the tick cost
 * this program: the interrupt's delivery, the kernel's handler, the return,
 * and any cache and TLB refill after it.  Only the slow chunks are kept.
 * Which of them are ticks: the ones that keep the timer's period (1/hz),
 * found by walking a period at a time from the chunk with the most slow
 * neighbours one and two periods away; the rest are the host's doing (on
 * KVM, the vCPU thread interrupted or descheduled).  The kernel's own
 * count of ticks charged to this process (procsnap) is printed beside the
 * number matched, as a check.
 *
 *   timer.tick     per tick: chunk time minus the pure-work chunk time;
 *                  under QEMU TCG -icount shift=0 exactly the instructions
 *                  the kernel ran for the tick
 *   timer.period   between the arrivals of consecutive ticks as this
 *                  program sees them (to the chunk): the tick's period and
 *                  its jitter
 *   timer.latency  programmed deadline -> handler entry while this program
 *                  runs, from the kernel's own samples (boot option
 *                  timerlat=N, SYS_timerlat; make bench passes it)
 *   timer.latency.idle  the same while the CPU idles in hlt (this
 *                  program sleeping)
 */
#include <stdlib.h>

#include "lde_guest.h"

#define CHUNK_SPINS 500 /* ~1,000 instructions, ~0.4 us natively */
#define MAXOUT      4096

struct outlier {
	uint64_t at, d; /* chunk start, chunk time */
};
static struct outlier out[MAXOUT];
static uint64_t v[MAXOUT], cal[2000];
static struct lde_procinfo procs[64];
static uint32_t lat[4096];

static inline void spin(void)
{
	uint64_t k = CHUNK_SPINS;
	__asm__ volatile(".p2align 4\n1:\n\tdec %0\n\tjnz 1b" : "+r"(k));
}

/* Ticks the kernel has charged to this process, or -1. */
static int64_t my_ticks(void)
{
	int n = lde_procsnap(procs, sizeof procs / sizeof procs[0]);
	pid_t me = getpid();
	for (int i = 0; i < n; i++)
		if (procs[i].pid == me)
			return (int64_t)procs[i].ticks;
	return -1;
}

/* Outliers sorted by time: the index of the first with at >= x. */
static size_t first_at(size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (out[mid].at < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slowest outlier within +-w of x, or -1: a tick is the slowest thing
 * that happens near its time (host noise is mostly far cheaper; a host
 * preemption there, rarer, wins and shows in p99). */
static long near(size_t n, uint64_t x, uint64_t w)
{
	long best = -1;
	for (size_t i = first_at(n, x > w ? x - w : 0); i < n && out[i].at <= x + w; i++)
		if (best < 0 || out[i].d > out[best].d)
			best = (long)i;
	return best;
}

static int by_at(const void *a, const void *b)
{
	const struct outlier *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Which slow chunks are ticks: the ones that keep the timer's period.
 * The anchor is the slow chunk with the most others one and two periods
 * before and after it (within w); from it the walk goes a period at a
 * time both ways, taking the slowest chunk near where the next tick is
 * due and following its phase (so the LAPIC's calibration error does not
 * accumulate).  Marks ticks with tick[i] = 1; returns how many.
 */
static unsigned char tick[MAXOUT];

static size_t match_ticks(size_t n, uint64_t period, uint64_t lo, uint64_t hi)
{
	uint64_t w = period / 16;
	long anchor = -1;
	int best = 0;
	for (size_t i = 0; i < n; i++) {
		int score = 0;
		for (int m = -2; m <= 2; m++) {
			uint64_t x = out[i].at + (uint64_t)((int64_t)m * (int64_t)period);
			if (m && near(n, x, w) >= 0)
				score++;
		}
		if (score > best ||
		    (score == best && anchor >= 0 && score && out[i].d > out[anchor].d)) {
			best = score;
			anchor = (long)i;
		}
	}
	memset(tick, 0, n);
	if (anchor < 0 || best == 0)
		return 0;
	size_t found = 1;
	tick[anchor] = 1;
	for (int dir = -1; dir <= 1; dir += 2) {
		uint64_t last = out[anchor].at;
		for (;;) {
			uint64_t x = dir > 0 ? last + period : last - period;
			if (dir > 0 ? x > hi : (last < lo + period))
				break;
			long j = near(n, x, w);
			if (j >= 0 && !tick[j]) {
				tick[j] = 1;
				found++;
				last = out[j].at;
			} else {
				last = x;
			}
		}
	}
	return found;
}

/* A tick is the same kernel work every time: a match costing less than a
 * quarter of the median match is host noise in the window of a tick that
 * came late (its vCPU descheduled), not the tick.  Unmarks those; returns
 * how many. */
static size_t drop_small(size_t n, uint64_t chunk)
{
	size_t k = 0, dropped = 0;
	for (size_t i = 0; i < n; i++)
		if (tick[i])
			v[k++] = out[i].d - chunk;
	if (k == 0)
		return 0;
	uint64_t med = gb_median(v, k);
	for (size_t i = 0; i < n; i++)
		if (tick[i] && out[i].d - chunk < med / 4) {
			tick[i] = 0;
			dropped++;
		}
	return dropped;
}

/* Keeps only the outliers slower than `thresh` (the array filled up with
 * host noise: the threshold doubles, ticks are far slower still). */
static size_t compact(size_t n, uint64_t thresh)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (out[i].d > thresh)
			out[k++] = out[i];
	return k;
}

/* The kernel's samples since the last read as a figure. */
static void emit_latency(const char *name)
{
	long n = lde_timerlat(lat, sizeof lat / sizeof lat[0]);
	for (long i = 0; i < n; i++)
		v[i] = lat[i];
	if (n > 0)
		gb_emit(name, "tsc", v, (size_t)n, 1, 0);
	else
		gb_skip(name, "the kernel recorded no tick");
}

/* timer.latency: ticks that interrupt this program spinning `want`
 * periods (after timer.tick, whose figure must not include the kernel's
 * recording); .idle: ticks that wake the idle CPU while it sleeps as long. */
static void latency(uint64_t want, uint64_t period, uint32_t hz)
{
	if (lde_timerlat(lat, sizeof lat / sizeof lat[0]) < 0) { /* starts the recording */
		gb_skip("timer.latency", "boot the kernel with timerlat=N (make bench does)");
		gb_skip("timer.latency.idle", "boot the kernel with timerlat=N (make bench does)");
		return;
	}
	for (uint64_t end = lb_rdtsc() + want * period; lb_rdtsc() < end;)
		spin();
	emit_latency("timer.latency");
	msleep((unsigned)(want * 1000 / hz));
	emit_latency("timer.latency.idle");
}

int main(int argc, char **argv)
{
	int quick = gb_quick(argc, argv);
	struct lde_sysinfo si;
	char line[240];

	if (gb_info(&si) < 0 || !si.hz || !si.tsc_khz) {
		gb_skip("timer.tick", "sysinfo gives no tick rate or TSC rate");
		return 1;
	}
	/* Every array written while timing is touched first: a zero-fill
	 * fault (~950 instructions) next to a tick would pass for it. */
	memset(out, 0, sizeof out);
	memset(cal, 0, sizeof cal);
	memset(v, 0, sizeof v);
	memset(tick, 0, sizeof tick);
	/* Pure work: the median of many chunks (a tick hits few of them);
	 * slow: beyond the calibration's 99th percentile, by 1/16 and 8. */
	size_t ncal = sizeof cal / sizeof cal[0];
	uint64_t prev = lb_rdtsc();
	for (size_t i = 0; i < ncal; i++) {
		spin();
		uint64_t t = lb_rdtsc();
		cal[i] = t - prev;
		prev = t;
	}
	struct lb_stats cs;
	lb_compute(cal, ncal, 1, 0, &cs);
	uint64_t chunk = cs.med, thresh = cs.p99 + cs.p99 / 16 + 8;

	/* Spin for `want` tick periods, keeping only the slow chunks. */
	uint64_t want = quick ? 4 : 60;
	uint64_t period = si.tsc_khz * 1000 / si.hz;
	int64_t ticks0 = my_ticks();
	size_t nout = 0;
	uint64_t nchunks = 0, start = lb_rdtsc(), end = start + want * period;
	prev = lb_rdtsc();
	for (;;) {
		spin();
		uint64_t t = lb_rdtsc(), d = t - prev;
		nchunks++;
		if (d > thresh) {
			if (nout == MAXOUT) {
				thresh *= 2;
				nout = compact(nout, thresh);
			}
			if (d > thresh && nout < MAXOUT)
				out[nout++] = (struct outlier){prev, d};
			t = lb_rdtsc(); /* the bookkeeping is in no chunk */
		}
		prev = t;
		if (t >= end)
			break;
	}
	uint64_t elapsed = prev - start;
	int64_t ticks1 = my_ticks();
	if (ticks0 < 0 || ticks1 < 0) {
		gb_skip("timer.tick", "procsnap does not list this process");
		return 1;
	}
	/* procsnap's own ticks, if any, fell outside the spin: at most one. */
	size_t charged = (size_t)(ticks1 - ticks0);
	qsort(out, nout, sizeof out[0], by_at);
	size_t nticks = match_ticks(nout, period, start, prev);
	size_t dropped = drop_small(nout, chunk);
	nticks -= dropped;
	int len = snprintf(
	    line, sizeof line,
	    "BENCHINFO timer_ticks_charged=%zu timer_ticks_matched=%zu "
	    "timer_ticks_too_cheap=%zu timer_slow_chunks=%zu timer_chunk=%lu "
	    "timer_chunks=%lu timer_lost_permille=%lu\n",
	    charged, nticks, dropped, nout, (unsigned long)chunk, (unsigned long)nchunks,
	    (unsigned long)(elapsed > nchunks * chunk ? (elapsed - nchunks * chunk) * 1000 / elapsed
	                                              : 0));
	gb_write(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
	if (nticks == 0) {
		gb_skip("timer.tick", "no two ticks a period apart among the slow chunks");
		gb_skip("timer.period", "no ticks found");
	} else {
		size_t k = 0, np = 0;
		for (size_t i = 0; i < nout; i++)
			if (tick[i])
				v[k++] = out[i].d - chunk;
		gb_emit("timer.tick", "tsc", v, k, 1, 0);
		/* Arrival to arrival, between ticks matched one period apart. */
		long last = -1;
		for (size_t i = 0; i < nout; i++) {
			if (!tick[i])
				continue;
			if (last >= 0) {
				uint64_t gap = out[i].at - out[last].at;
				if (gap < period + period / 2)
					v[np++] = gap;
			}
			last = (long)i;
		}
		if (np)
			gb_emit("timer.period", "tsc", v, np, 1, 0);
		else
			gb_skip("timer.period", "no two consecutive ticks were seen");
	}
	latency(want, period, si.hz);
	return 0;
}
