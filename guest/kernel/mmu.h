/*
 * mmu.h: page-table entries, segment selectors and descriptor formats.
 */
#ifndef MMU_H
#define MMU_H

#define PGSIZE         4096ull
#define PGSHIFT        12
#define LPGSIZE        (2ull << 20) /* a PD-level ("large") page */
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

/* Page-table entry bits. */
#define PTE_P       0x001ull
#define PTE_W       0x002ull
#define PTE_U       0x004ull
#define PTE_PWT     0x008ull
#define PTE_PCD     0x010ull
#define PTE_A       0x020ull
#define PTE_D       0x040ull
#define PTE_PS      0x080ull /* in a PD entry: a 2 MiB page */
#define PTE_G       0x100ull
#define PTE_COW     0x200ull /* software (AVL bit 9): read-only until copied (uvm.c) */
#define PTE_NX      (1ull << 63)
#define PTE_ADDR(e) ((e)&0x000FFFFFFFFFF000ull)

/* Index of va in the page table at `level` (4 = PML4 ... 1 = PT). */
#define PTX(level, va) (((va) >> (PGSHIFT + 9 * ((level)-1))) & 0x1ff)

/* GDT selectors (design.md: this order is what SYSRET needs, STAR =
 * (SEG_KDATA << 48) | (SEG_KCODE << 32)). */
#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UDATA 0x18 /* | 3 */
#define SEG_UCODE 0x20 /* | 3 */
#define SEG_TSS   0x28 /* 16 bytes */
#define NSEGS     7    /* 8-byte slots, the TSS takes two */

/* #PF error code bits. */
#define PF_P    0x01 /* protection violation (else: not present) */
#define PF_W    0x02 /* write */
#define PF_U    0x04 /* user mode */
#define PF_RSVD 0x08
#define PF_I    0x10 /* instruction fetch */

/* RFLAGS bits a user program may hold: CF PF AF ZF SF TF DF OF AC ID.  A
 * context the kernel did not make itself is masked with this, then
 * RFLAGS_USER_SET forced: IF on, IOPL 0, no NT/RF/VM. */
#define RFLAGS_USER_MASK 0x00240dd5ull
#define RFLAGS_USER_SET  0x202ull

#endif
