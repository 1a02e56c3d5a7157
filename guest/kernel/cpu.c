/*
 * cpu.c: what the CPU offers (CPUID, read once) and the control-register
 * bits every later part relies on: CR0.WP (ring 0 honours read-only
 * pages), CR4.PGE (global kernel mappings survive CR3 switches), and
 * FXSR/SSE enabled for user programs (the kernel itself never uses SSE).
 * EFER.LME and EFER.NXE are set by entry.asm before paging.
 */
#include "defs.h"
#include "x86.h"

struct cpu_features cpu;

void cpu_init(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	cpu.max_leaf = r[0];
	memcpy(cpu.vendor + 0, &r[1], 4);
	memcpy(cpu.vendor + 4, &r[3], 4);
	memcpy(cpu.vendor + 8, &r[2], 4);
	cpu.vendor[12] = 0;
	cpuid(1, 0, r);
	cpu.pge = r[3] & (1u << 13);
	cpu.x2apic = r[2] & (1u << 21);
	cpu.tsc_deadline = r[2] & (1u << 24);
	cpu.hypervisor = r[2] & (1u << 31);
	cpuid(0x80000000u, 0, r);
	cpu.max_ext_leaf = r[0];
	if (cpu.max_ext_leaf >= 0x80000001u) {
		cpuid(0x80000001u, 0, r);
		cpu.nx = r[3] & (1u << 20);
		cpu.pdpe1gb = r[3] & (1u << 26);
	}
	if (cpu.max_ext_leaf >= 0x80000007u) {
		cpuid(0x80000007u, 0, r);
		cpu.invariant_tsc = r[3] & (1u << 8);
	}

	lcr0((rcr0() | CR0_WP | CR0_MP | CR0_NE) & ~(uint64_t)(CR0_EM | CR0_TS));
	lcr4(rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | (cpu.pge ? CR4_PGE : 0));
}
