/*
 * pit.c: the TSC rate measured against the 8254 PIT (1.193182 MHz), for
 * QEMU and other PC-like VMMs that neither tell the rate nor fill CPUID
 * 0x15.  Never called on lde's vmm: it has no PIT and ends the VM on an
 * unknown port (tsc.c decides).
 *
 * Channel 0 is used, not the usual channel 2: its gate is always on,
 * while channel 2's is port 0x61, which QEMU's microvm does not have.
 * Its IRQ 0 goes nowhere (8259 and IOAPIC pin 2 masked).  Mode 2 with
 * reload 0 counts down modulo 65536; we add up the distance between
 * successive latched reads until 10 ms have passed, bracket the first
 * and last read with rdtsc, then leave the channel in one-shot mode.
 */
#include "defs.h"
#include "x86.h"

#define PIT_HZ      1193182u
#define PIT_CH0     0x40
#define PIT_CMD     0x43
#define MEASURE_PIT (PIT_HZ / 100) /* 10 ms */

static uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	return lo | inb(PIT_CH0) << 8;
}

static uint16_t sample(uint64_t *tsc)
{
	uint64_t a = rdtsc();
	uint16_t c = pit_read();
	*tsc = a + (rdtsc() - a) / 2;
	return c;
}

/* TSC kHz, or 0 if no PIT seems to count. */
uint64_t pit_measure_tsc_khz(void)
{
	uint64_t t0, t1, elapsed = 0;

	outb(PIT_CMD, 0x34); /* channel 0, lo/hi byte, mode 2, binary */
	outb(PIT_CH0, 0);
	outb(PIT_CH0, 0);
	uint16_t prev = sample(&t0);
	for (;;) {
		uint16_t c = sample(&t1);
		elapsed += (uint16_t)(prev - c);
		prev = c;
		if (elapsed >= MEASURE_PIT)
			break;
		if (elapsed == 0 && t1 - t0 > (1ull << 32)) /* seconds at any rate */
			return 0;
	}
	outb(PIT_CMD, 0x30); /* mode 0, count 1: fires once and stops */
	outb(PIT_CH0, 1);
	outb(PIT_CH0, 0);
	return (t1 - t0) * PIT_HZ / (elapsed * 1000);
}
