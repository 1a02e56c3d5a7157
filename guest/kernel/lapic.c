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
#include "defs.h"
#include "lapic.h"
#include "memlayout.h"
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

/* An NMI to ourselves (selftest: the NMI gate and its IST stack). */
void lapic_self_nmi(void)
{
	lapic_write(LAPIC_ICRHI, lapic_id() << 24);
	lapic_write(LAPIC_ICRLO, ICR_NMI | ICR_ASSERT);
}
