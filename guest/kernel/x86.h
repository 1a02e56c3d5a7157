/*
 * x86.h: thin wrappers for the instructions C cannot express.
 *
 * Every one is a single instruction (ring 0 costs ~600 cycles an
 * instruction under this machine's KVM, shared/reference.md).  Never add
 * `int n` or int3 here: they kill the VM in ring 0 on that KVM.
 */
#ifndef X86_H
#define X86_H

#include <stdint.h>

/* -std=c11 reserves only __asm__; the kernel spells it asm. */
#ifndef asm
#define asm __asm__
#endif

/* Port I/O is a device access: the "memory" clobber keeps the compiler
 * from moving loads and stores across it (lde's port calls hand the vmm
 * buffers in guest memory, read as the instruction executes). */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid"
	             : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	             : "a"(leaf), "c"(sub));
}

static inline uint64_t rcr0(void)
{
	uint64_t v;
	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void lcr0(uint64_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t rcr2(void)
{
	uint64_t v;
	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t rcr3(void)
{
	uint64_t v;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void lcr3(uint64_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t rcr4(void)
{
	uint64_t v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void lcr4(uint64_t v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(uintptr_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

/* Enable interrupts and halt until one arrives: sti's one-instruction
 * shadow makes the pair atomic, so no wakeup is lost between them. */
static inline void sti_hlt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static inline void pause(void)
{
	asm volatile("pause" : : : "memory");
}

static inline void *read_rsp(void)
{
	void *v;
	asm volatile("mov %%rsp, %0" : "=r"(v));
	return v;
}

static inline void clts(void)
{
	asm volatile("clts" : : : "memory");
}

/* The architecture's BUG(): #UD, reported by the trap handler.  ud2, not
 * int3: int n in ring 0 kills the VM under this machine's KVM. */
#define ud2() asm volatile("ud2")

#define MSR_EFER       0xc0000080u
#define MSR_STAR       0xc0000081u
#define MSR_LSTAR      0xc0000082u
#define MSR_FMASK      0xc0000084u
#define MSR_APIC_BASE  0x0000001bu
#define EFER_SCE       (1u << 0)
#define EFER_LME       (1u << 8)
#define EFER_NXE       (1u << 11)
#define CR0_PE         (1u << 0)
#define CR0_MP         (1u << 1)
#define CR0_EM         (1u << 2)
#define CR0_TS         (1u << 3)
#define CR0_NE         (1u << 5)
#define CR0_WP         (1u << 16)
#define CR0_PG         (1u << 31)
#define CR4_PAE        (1u << 5)
#define CR4_PGE        (1u << 7)
#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define RFLAGS_CF      (1u << 0)
#define RFLAGS_TF      (1u << 8)
#define RFLAGS_IF      (1u << 9)
#define RFLAGS_DF      (1u << 10)
#define RFLAGS_NT      (1u << 14)
#define RFLAGS_AC      (1u << 18)

#endif
