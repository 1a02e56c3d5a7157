/*
 * gdt.c: the final GDT and the TSS.
 *
 * GDT order is fixed by SYSRET (notes/design.md, mmu.h): null, kernel
 * code, kernel data, user data, user code, then the 16-byte TSS
 * descriptor.  The TSS holds rsp0 -- the stack the CPU switches to on a
 * ring 3 -> 0 transition, which the scheduler points at the running
 * process's kernel stack with tss_set_rsp0(); syscall_entry takes the
 * same stack from it -- and the IST
 * stacks: #DF, NMI and #MC always run on a known-good stack of their own.
 * The I/O bitmap offset points past the TSS: with IOPL 0, every port is
 * closed to ring 3.
 */
#include "defs.h"
#include "mmu.h"
#include "trap.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

/* Accessed bits preset, so loading a selector never writes the GDT. */
static uint64_t gdt[NSEGS] __attribute__((aligned(16))) = {
    [SEG_KCODE >> 3] = 0x00af9b000000ffffull, /* 64-bit code, DPL 0 */
    [SEG_KDATA >> 3] = 0x00cf93000000ffffull, /* data, DPL 0 */
    [SEG_UDATA >> 3] = 0x00cff3000000ffffull, /* data, DPL 3 */
    [SEG_UCODE >> 3] = 0x00affb000000ffffull, /* 64-bit code, DPL 3 */
};

/* Global: syscall_entry (trap.asm) loads its stack from rsp0. */
struct tss kernel_tss __attribute__((aligned(16)));

static char ist_df_stack[IST_STACK] __attribute__((aligned(16)));
char ist_nmi_stack[IST_STACK] __attribute__((aligned(16)));
static char ist_mc_stack[IST_STACK] __attribute__((aligned(16)));
extern char boot_stack_top[];

void tss_set_rsp0(uint64_t rsp0)
{
	kernel_tss.rsp[0] = rsp0;
}

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&kernel_tss, limit = sizeof(kernel_tss) - 1;

	gdt[SEG_TSS >> 3] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
	                    ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[(SEG_TSS >> 3) + 1] = base >> 32;
}

void gdt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint64_t)gdt};

	kernel_tss.rsp[0] = (uint64_t)boot_stack_top;
	kernel_tss.ist[IST_DF - 1] = (uint64_t)(ist_df_stack + IST_STACK);
	kernel_tss.ist[IST_NMI - 1] = (uint64_t)(ist_nmi_stack + IST_STACK);
	kernel_tss.ist[IST_MC - 1] = (uint64_t)(ist_mc_stack + IST_STACK);
	kernel_tss.iomap_base = sizeof(kernel_tss);
	set_tss_descriptor();

	/* Load it, reload CS with a far return, the data segments, and TR. */
	asm volatile("lgdt %0\n\t"
	             "pushq %1\n\t"
	             "leaq 1f(%%rip), %%rax\n\t"
	             "pushq %%rax\n\t"
	             "lretq\n"
	             "1:\n\t"
	             "movl %2, %%eax\n\t"
	             "movw %%ax, %%ds\n\t"
	             "movw %%ax, %%es\n\t"
	             "movw %%ax, %%ss\n\t"
	             "xorl %%eax, %%eax\n\t"
	             "movw %%ax, %%fs\n\t"
	             "movw %%ax, %%gs\n\t"
	             "movw %3, %%ax\n\t"
	             "ltr %%ax"
	             :
	             : "m"(gdtr), "i"(SEG_KCODE), "i"(SEG_KDATA), "i"(SEG_TSS)
	             : "rax", "memory");
}
