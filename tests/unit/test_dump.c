/*
 * Guest page walks for the register dump: every paging mode, large pages,
 * absent entries and tables outside RAM.
 */
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "unit.h"

#define RAM_SIZE (4u << 20)
#define P        0x3ull /* present, writable */
#define PS       0x80ull
#define NX       (1ull << 63)
#define CR0_PE   0x1ull
#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

static uint8_t *ram;

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(ram + pa, &v, 8);
}

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(ram + pa, &v, 4);
}

/* Tables for every mode, in one RAM image:
 *   long mode: PML5 0x8000 -> PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000
 *   PAE:       PDPT 0x9000 -> PD 0xa000 -> PT 0xb000
 *   32-bit:    PD 0xd000 -> PT 0xe000 */
static void build(void)
{
	ram = calloc(1, RAM_SIZE);
	assert_non_null(ram);
	put64(0x8000 + 511 * 8, 0x1000 | P);
	put64(0x1000 + 511 * 8, 0x2000 | P);
	put64(0x1000 + 0 * 8, 0x2000 | P);
	put64(0x2000 + 510 * 8, 0x3000 | P);
	put64(0x2000 + 0 * 8, 0x40000000 | P | PS); /* 1 GiB page */
	put64(0x2000 + 3 * 8, 0x7ffff000 | P);      /* a PD outside RAM */
	put64(0x3000 + 1 * 8, 0x4000 | P);
	put64(0x3000 + 2 * 8, 0x200000 | P | PS); /* 2 MiB page */
	put64(0x4000 + 1 * 8, 0x5000 | P);
	put64(0x4000 + 3 * 8, 0x6000 | P | NX);
	/* PT entry 2: absent */

	put64(0x9000 + 0 * 8, 0xa000 | 1);
	put64(0xa000 + 0 * 8, 0xb000 | P);
	put64(0xa000 + 1 * 8, 0x200000 | P | PS);
	put64(0xb000 + 5 * 8, 0xc000 | P);

	put32(0xd000 + 0 * 4, 0xe000 | P);
	put32(0xd000 + 1 * 4, 0x400000 | P | PS); /* 4 MiB page with PSE */
	put32(0xe000 + 1 * 4, 0xf000 | P);
}

struct walk_case {
	const char *name;
	uint64_t cr0, cr3, cr4, efer, va;
	int ok;
	uint64_t pa;
};

#define LM (CR0_PE | CR0_PG), 0x1000, CR4_PAE, EFER_LME | EFER_LMA
static const struct walk_case cases[] = {
    {"paging off: identity, 32 bits", CR0_PE, 0, 0, 0, 0x123456789abcull, 1, 0x56789abc},
    {"4-level, 4 KiB page", LM, 0xffffffff80201234ull, 1, 0x5234},
    {"4-level, 2 MiB page", LM, 0xffffffff80401234ull, 1, 0x201234},
    {"4-level, 1 GiB page", LM, 0x12345ull, 1, 0x40012345},
    {"4-level, NX bit is not address", LM, 0xffffffff80203010ull, 1, 0x6010},
    {"4-level, absent PTE", LM, 0xffffffff80202000ull, 0, 0},
    {"4-level, absent PML4E", LM, 0x0000700000000000ull, 0, 0},
    {"4-level, table outside RAM", LM, 0x00000000c0000000ull, 0, 0},
    {"5-level, 4 KiB page", CR0_PE | CR0_PG, 0x8000, CR4_PAE | CR4_LA57, EFER_LME | EFER_LMA,
     0xffffffff80201234ull, 1, 0x5234},
    {"PAE, 4 KiB page", CR0_PE | CR0_PG, 0x9000, CR4_PAE, 0, 0x5123, 1, 0xc123},
    {"PAE, 2 MiB page", CR0_PE | CR0_PG, 0x9000, CR4_PAE, 0, 0x201234, 1, 0x201234},
    {"PAE, absent PDPTE", CR0_PE | CR0_PG, 0x9000, CR4_PAE, 0, 0x40000000, 0, 0},
    {"32-bit, 4 KiB page", CR0_PE | CR0_PG, 0xd000, 0, 0, 0x1abc, 1, 0xfabc},
    {"32-bit, 4 MiB page with PSE", CR0_PE | CR0_PG, 0xd000, CR4_PSE, 0, 0x412345, 1, 0x412345},
    {"32-bit, PS without PSE is a table (outside RAM)", CR0_PE | CR0_PG, 0xd000, 0, 0, 0x412345, 0,
     0},
    {"CR3 beyond RAM", CR0_PE | CR0_PG, RAM_SIZE, CR4_PAE, EFER_LME | EFER_LMA,
     0xffffffff80201234ull, 0, 0},
};

static void walk(void **state)
{
	const struct walk_case *k = *state;
	struct kvm_sregs s = {.cr0 = k->cr0, .cr3 = k->cr3, .cr4 = k->cr4, .efer = k->efer};
	uint64_t pa = 0;

	if (!ram)
		build();
	assert_int_equal(dump_translate(ram, RAM_SIZE, &s, k->va, &pa), k->ok ? 0 : -1);
	if (k->ok)
		assert_int_equal(pa, k->pa);
}

static void table_at_ram_end(void **state)
{
	struct kvm_sregs s = {.cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE, .efer = EFER_LMA};
	uint64_t pa;

	(void)state;
	if (!ram)
		build();
	/* PML4 entry 511 is the last 8 bytes of RAM: readable; 4 bytes
	 * further it straddles the end: refused. */
	s.cr3 = RAM_SIZE - 0x1000;
	put64(RAM_SIZE - 8, 0); /* absent, but read */
	assert_int_equal(dump_translate(ram, RAM_SIZE, &s, 0xffffff8000000000ull, &pa), -1);
	put64(RAM_SIZE - 8, 0x2000 | P); /* -> the PDPT */
	assert_int_equal(dump_translate(ram, RAM_SIZE, &s, 0xffffffff80201234ull, &pa), 0);
	s.cr3 = RAM_SIZE - 0x1000 + 4 + 0x1000; /* masks to RAM_SIZE: outside */
	assert_int_equal(dump_translate(ram, RAM_SIZE, &s, 0xffffffff80201234ull, &pa), -1);
	assert_int_equal(dump_translate(ram, 4, &s, 0, &pa), -1); /* RAM smaller than an entry */
}

static void rip_linear(void **state)
{
	struct kvm_regs r = {.rip = 0x10};
	struct kvm_sregs s = {0};

	(void)state;
	s.cs.base = 0x1000;
	assert_int_equal(dump_rip_linear(&r, &s), 0x1010); /* protected mode: base + eip */
	s.efer = EFER_LMA;
	s.cs.l = 1;
	r.rip = 0xffffffff80001000ull;
	assert_int_equal(dump_rip_linear(&r, &s), 0xffffffff80001000ull); /* 64-bit: rip */
}

void dump_tests(struct unit_list *l)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		unit_add(l, "dump walk", cases[i].name, walk, &cases[i]);
	unit_add(l, "dump walk", "tables at the very end of RAM", table_at_ram_end, NULL);
	unit_add(l, "dump", "linear address of RIP", rip_linear, NULL);
}
