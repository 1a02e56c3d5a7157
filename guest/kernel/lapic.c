/*
 * lapic.c: the local APIC in xAPIC mode (memory-mapped at its PHYSMAP
 * address, uncached) and its timer.
 *
 * The timer runs periodic at kopts.hz on vector T_TIMER.  Its rate is
 * measured against the TSC: lapic_calibrate_begin() starts a one-shot
 * countdown from 0xffffffff and samples it; lapic_timer_start() samples
 * it again at least 2 ms of TSC later, so the boot work done in between
 * (finding the TSC rate, printing the banner) hides the wait.  Each
 * sample brackets the LAPIC read between two rdtsc and takes their
 * midpoint, so a slow emulated register read costs no accuracy.  TCG has neither x2APIC nor
 * TSC-deadline, so xAPIC periodic mode is what works everywhere.
 */
#include <lde/errno.h>

#include "defs.h"
#include "lapic.h"
#include "memlayout.h"
#include "proc.h" /* copyout */
#include "trap.h"
#include "x86.h"

#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
#define CALIBRATE_US     2000

volatile uint32_t *lapic;
uint64_t lapic_timer_khz;   /* timer input rate after the divider */
uint32_t lapic_timer_count; /* initial count of one period */

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	/* x2APIC -> xAPIC must pass through disabled (SDM 10.12.5). */
	if (base & APIC_BASE_X2APIC) {
		wrmsr(MSR_APIC_BASE, base & ~(uint64_t)(APIC_BASE_ENABLE | APIC_BASE_X2APIC));
		base &= ~(uint64_t)APIC_BASE_X2APIC;
	}
	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		wrmsr(MSR_APIC_BASE, base);
	}
	if ((base & ~0xfffull) != LAPIC_PA)
		panic("lapic: at %p, not at %p where vm.c maps it", (void *)(base & ~0xfffull),
		      (void *)LAPIC_PA);
	lapic = P2V(LAPIC_PA);

	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | T_SPURIOUS);
	lapic_write(LAPIC_TIMER, LVT_MASKED | T_TIMER);
	lapic_write(LAPIC_LINT0, LVT_MASKED); /* the 8259 stays out */
	lapic_write(LAPIC_LINT1, LVT_NMI);
	lapic_write(LAPIC_ERROR, LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

/* TSC at the moment of a timer-count read, and the count.  A sample
 * whose rdtsc pair is more than 2^20 cycles apart (the vCPU was
 * preempted in between) is taken again. */
static uint32_t sample(uint64_t *tsc)
{
	for (;;) {
		uint64_t a = rdtsc();
		uint32_t c = lapic_read(LAPIC_TCCR);
		uint64_t b = rdtsc();
		if (b - a < (1u << 20)) {
			*tsc = a + (b - a) / 2;
			return c;
		}
	}
}

static uint64_t calib_t0;
static uint32_t calib_c0;

void lapic_calibrate_begin(void)
{
	lapic_write(LAPIC_TDCR, TDCR_DIV16);
	lapic_write(LAPIC_TIMER, LVT_MASKED | T_TIMER);
	lapic_write(LAPIC_TICR, 0xffffffffu);
	calib_c0 = sample(&calib_t0);
}

/* Finish the calibration (tsc.c knows the TSC rate by now), then tick. */
void lapic_timer_start(uint32_t hz)
{
	uint64_t t0 = calib_t0, t1;
	uint32_t c0 = calib_c0;

	while (rdtsc() - t0 < CALIBRATE_US * tsc_khz / 1000)
		pause();
	uint32_t c1 = sample(&t1);

	lapic_timer_khz = (uint64_t)(c0 - c1) * tsc_khz / (t1 - t0);
	if (lapic_timer_khz == 0)
		panic("lapic: the timer does not count");
	uint64_t count = lapic_timer_khz * 1000 / hz;
	if (count == 0 || count > 0xffffffffu)
		panic("lapic: %u Hz is out of the timer's range", hz);
	lapic_timer_count = (uint32_t)count;
	lapic_write(LAPIC_TIMER, LVT_TIMER_PERIODIC | T_TIMER);
	lapic_write(LAPIC_TICR, lapic_timer_count);
}

/*
 * timerlat=N: the timer's latency, programmed deadline -> handler entry,
 * for make bench.  In periodic mode the count reloads when it reaches 0
 * (the deadline) and goes on counting down, so at the handler's entry
 * TICR - TCCR timer ticks have passed since the deadline; that, in TSC
 * ticks (instructions under icount), is one sample.  Recording starts at
 * the first SYS_timerlat (so a program can time the plain tick first);
 * the newest N samples are kept.  Until then, or without the option, the
 * tick path pays one untaken branch.  Resolution: one timer tick
 * (1 / lapic_timer_khz).
 */
#define TIMERLAT_MAX 4096
uint32_t timerlat_n;
bool timerlat_armed;
static uint32_t timerlat_buf[TIMERLAT_MAX];
static uint64_t timerlat_head, timerlat_tail, timerlat_lost;

int timerlat_set(const char *val)
{
	uint64_t n = 0;

	for (const char *p = val; p && *p; p++) {
		if (*p < '0' || *p > '9' || n > TIMERLAT_MAX)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (!val || n == 0 || n > TIMERLAT_MAX || (n & (n - 1)))
		return -1; /* a power of two, 1 .. 4096 */
	timerlat_n = (uint32_t)n;
	return 0;
}

/* In the timer interrupt, interrupts off. */
void timerlat_record(void)
{
	uint32_t since = lapic_timer_count - lapic_read(LAPIC_TCCR);
	uint64_t t = (uint64_t)since * tsc_khz / lapic_timer_khz;

	if (timerlat_head - timerlat_tail == timerlat_n) {
		timerlat_tail++; /* full: the oldest goes */
		timerlat_lost++;
	}
	timerlat_buf[timerlat_head++ & (timerlat_n - 1)] =
	    t > 0xffffffffu ? 0xffffffffu : (uint32_t)t;
}

/* Start recording if not yet; copy up to n samples, oldest first, to
 * user ubuf and forget them; returns how many.  (NULL, 0): how many were lost unread since the last
 * such call.  -EINVAL without timerlat=N, -EFAULT for a bad buffer. */
long timerlat_read(uint64_t ubuf, uint64_t n)
{
	uint64_t flags = read_rflags();
	long r = 0;

	if (!timerlat_n)
		return -EINVAL;
	cli(); /* the timer appends; nobody else reads meanwhile */
	timerlat_armed = true;
	if (ubuf == 0 && n == 0) {
		r = (long)timerlat_lost;
		timerlat_lost = 0;
	} else {
		uint64_t avail = timerlat_head - timerlat_tail;
		if (n > avail)
			n = avail;
		while (r < (long)n) {
			uint64_t i = timerlat_tail & (timerlat_n - 1);
			uint64_t k = timerlat_n - i; /* up to the ring's end */
			if (k > n - (uint64_t)r)
				k = n - (uint64_t)r;
			if (copyout(ubuf + (uint64_t)r * 4, &timerlat_buf[i], k * 4) < 0) {
				r = -EFAULT;
				break;
			}
			timerlat_tail += k;
			r += (long)k;
		}
	}
	if (flags & RFLAGS_IF)
		sti();
	return r;
}

/* An NMI to ourselves (selftest: the NMI gate and its IST stack). */
void lapic_self_nmi(void)
{
	lapic_write(LAPIC_ICRHI, lapic_id() << 24);
	lapic_write(LAPIC_ICRLO, ICR_NMI | ICR_ASSERT);
}
