/*
 * tsc.c: the TSC rate, which every other clock is measured against.
 *
 * Sources in order: lde's vmm (LDE_PORT_TSC_KHZ, from KVM_GET_TSC_KHZ);
 * CPUID 0x15 when it names the crystal; the PIT, only when not on lde
 * (lde's vmm has none); CPUID 0x16's nominal MHz.  On this machine CPUID
 * 0x15 and 0x16 are empty, so QEMU runs measure against the PIT.
 */
#include <lde/ports.h>

#include "defs.h"
#include "x86.h"

uint64_t tsc_khz;
const char *tsc_source = "none";

static uint64_t cpuid_15(void)
{
	uint32_t r[4];

	if (cpu.max_leaf < 0x15)
		return 0;
	cpuid(0x15, 0, r); /* eax: denominator, ebx: numerator, ecx: crystal Hz */
	if (!r[0] || !r[1] || !r[2])
		return 0;
	return (uint64_t)r[2] * r[1] / r[0] / 1000;
}

static uint64_t cpuid_16(void)
{
	uint32_t r[4];

	if (cpu.max_leaf < 0x16)
		return 0;
	cpuid(0x16, 0, r); /* eax: base MHz */
	return (uint64_t)(r[0] & 0xffff) * 1000;
}

void tsc_init(void)
{
	if (on_lde && (tsc_khz = inl(LDE_PORT_TSC_KHZ)))
		tsc_source = "lde vmm";
	else if ((tsc_khz = cpuid_15()))
		tsc_source = "CPUID 0x15";
	else if (!on_lde && (tsc_khz = pit_measure_tsc_khz()))
		tsc_source = "PIT";
	else if ((tsc_khz = cpuid_16()))
		tsc_source = "CPUID 0x16";
	else
		panic("tsc: no way to learn the TSC rate (no lde vmm, CPUID 0x15/0x16, PIT)");
}

uint64_t tsc_to_us(uint64_t cycles)
{
	return cycles * 1000 / tsc_khz;
}
