/*
 * lapic.h: the local APIC's registers (xAPIC, memory-mapped) and the EOI,
 * inline because the timer interrupt's hot path needs it.
 */
#ifndef LAPIC_H
#define LAPIC_H

#include <stdint.h>

#define LAPIC_ID    0x020
#define LAPIC_VER   0x030
#define LAPIC_TPR   0x080
#define LAPIC_EOI   0x0b0
#define LAPIC_SVR   0x0f0
#define LAPIC_ESR   0x280
#define LAPIC_ICRLO 0x300
#define LAPIC_ICRHI 0x310
#define LAPIC_TIMER 0x320
#define LAPIC_LINT0 0x350
#define LAPIC_LINT1 0x360
#define LAPIC_ERROR 0x370
#define LAPIC_TICR  0x380
#define LAPIC_TCCR  0x390
#define LAPIC_TDCR  0x3e0

#define LAPIC_SVR_ENABLE   0x100
#define LVT_MASKED         0x10000
#define LVT_NMI            0x400
#define LVT_EXTINT         0x700
#define LVT_TIMER_PERIODIC 0x20000
#define TDCR_DIV16         0x3
#define ICR_NMI            0x400
#define ICR_ASSERT         0x4000
#define ICR_PENDING        0x1000

extern volatile uint32_t *lapic; /* PHYSMAP address of the xAPIC page */

static inline uint32_t lapic_read(uint32_t reg)
{
	return lapic[reg / 4];
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static inline void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

#endif
