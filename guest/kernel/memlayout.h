/*
 * memlayout.h: the kernel's virtual layout (notes/design.md).
 *
 *   0x0000000000400000 ..     user programs (issue 3); PML4 slots 0..255
 *                             are per address space
 *   0xFFFF800000000000        PHYSMAP: physical memory, P2V(pa) = pa + PHYSMAP,
 *                             2 MiB pages RW NX; LAPIC and IOAPIC uncached
 *   0xFFFFFF0000000000        KSTACKS: kernel stacks with guard gaps (issue 3)
 *   0xFFFFFFFF80000000        KERNBASE: the kernel image, virtual = KERNBASE + pa
 *
 * PML4 slots 256..511 are the kernel half; their lower tables are made at
 * boot and shared by every address space, so a kernel mapping added later
 * is seen everywhere.
 */
#ifndef MEMLAYOUT_H
#define MEMLAYOUT_H

#define KERNBASE 0xFFFFFFFF80000000ull
#define PHYSMAP  0xFFFF800000000000ull
#define KSTACKS  0xFFFFFF0000000000ull
#define KLOAD_PA 0x100000ull /* kernel.ld: .boot, then the image */

#define USER_BASE 0x400000ull
#define USER_TOP  0x7FFFFFFFF000ull /* last page below 1 << 47 stays unmapped */

/* A process's stack: [USER_STACK_LO, USER_TOP), pages made on first touch
 * (uvm.c); the page under it is the guard, never mapped, and the heap
 * (sbrk) stops below the guard. */
#define USER_STACK_MAX (1ull << 20)
#define USER_STACK_LO  (USER_TOP - USER_STACK_MAX)
#define USER_GUARD     (USER_STACK_LO - 4096)

/* Kernel stacks: slot i of KSTACK_SLOT bytes at KSTACKS + i * KSTACK_SLOT;
 * its top KSTACK_SIZE bytes are mapped, the pages below stay unmapped (a
 * kernel stack overflow faults there and ends in #DF on its IST stack). */
#define KSTACK_SIZE (16 * 1024)
#define KSTACK_SLOT (32 * 1024)

#define LAPIC_PA  0xFEE00000ull
#define IOAPIC_PA 0xFEC00000ull

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *P2V(uint64_t pa)
{
	return (void *)(pa + PHYSMAP);
}

/* Physical address of a kernel-image or PHYSMAP address. */
static inline uint64_t V2P(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNBASE ? v - KERNBASE : v - PHYSMAP;
}
#endif

#endif
