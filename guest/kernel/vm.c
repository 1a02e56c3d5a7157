/*
 * vm.c: page tables.
 *
 * The kernel's own tables replace entry.asm's boot map: the image with
 * text R+X, rodata R+NX, data/bss RW+NX (NX only when the CPU has it); all
 * RAM at PHYSMAP in 2 MiB (or 1 GiB) pages, RW+NX; the LAPIC and IOAPIC pages
 * uncached.  Kernel mappings are global (survive CR3 switches).  The
 * lower half is empty, so a NULL or user address faults in the kernel.
 *
 * An address space is a PML4 whose slots 256..511 are copied from kpml4;
 * vm_init makes every kernel-half PDPT it will ever need (PHYSMAP,
 * KSTACKS, KERNBASE), so those slots never change and mappings added
 * below them later are seen by every address space.  Intermediate
 * entries are P|W, plus U in the user half: leaf entries alone decide
 * access.
 *
 * Page-table pages at boot come from a pool in .bss (already zero: the
 * loader zeroes bss), afterwards from kalloc, zeroed.
 */
#include <lde/pvh.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "x86.h"

pte_t *kpml4;
uint64_t pte_nx; /* PTE_NX when EFER.NXE is on, else 0 */

#define BOOT_POOL 16
static pte_t boot_pool[BOOT_POOL][512] __attribute__((aligned(PGSIZE)));
static int boot_pool_used;
static bool booting = true;

static uint64_t ptalloc(void)
{
	if (booting && boot_pool_used < BOOT_POOL)
		return V2P(boot_pool[boot_pool_used++]);
	return kalloc_zeroed();
}

/* The entry for va at `level` (1: a 4 KiB PTE, 2: a PD entry), making the
 * tables above it when alloc.  NULL when a table is missing (and !alloc),
 * memory ran out, or a large page already covers va. */
static pte_t *walk(pte_t *pml4, uint64_t va, int level, bool alloc)
{
	pte_t *t = pml4;

	for (int l = 4; l > level; l--) {
		pte_t *e = &t[PTX(l, va)];
		if (*e & PTE_P) {
			if (*e & PTE_PS)
				return NULL;
		} else {
			uint64_t pa;
			if (!alloc || !(pa = ptalloc()))
				return NULL;
			*e = pa | PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);
		}
		t = P2V(PTE_ADDR(*e));
	}
	return &t[PTX(level, va)];
}

pte_t *vm_walk(pte_t *pml4, uint64_t va, bool alloc)
{
	return walk(pml4, va, 1, alloc);
}

/* Fill entries at `level` (1: 4 KiB, 2: 2 MiB pages) for [va, va+len):
 * one walk per table, then consecutive entries. */
static int map(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t len, uint64_t perm, int level)
{
	uint64_t step = level == 2 ? LPGSIZE : PGSIZE;
	uint64_t bits = perm | PTE_P | (level == 2 ? PTE_PS : 0);

	if ((va | pa | len) & (step - 1))
		panic("vm: unaligned mapping %p -> %p (+%lu)", (void *)va, (void *)pa, len);
	for (uint64_t off = 0; off < len;) {
		pte_t *e = walk(pml4, va + off, level, true);
		if (!e)
			return -1;
		do {
			if (*e & PTE_P)
				panic("vm: %p is already mapped", (void *)(va + off));
			*e++ = (pa + off) | bits;
			off += step;
		} while (off < len && PTX(level, va + off) != 0);
	}
	return 0;
}

/* Map [va, va+len) to [pa, pa+len) with 4 KiB pages; perm is PTE_W, PTE_U,
 * PTE_NX (use pte_nx), PTE_G, PTE_PCD ...  0, or -1 when out of memory
 * (tables made so far stay; vm_free reclaims them). */
int vm_map(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t len, uint64_t perm)
{
	return map(pml4, va, pa, len, perm, 1);
}

/* Remove the 4 KiB mappings in [va, va+len), freeing the pages if asked.
 * Returns the number of pages that were mapped. */
int vm_unmap(pte_t *pml4, uint64_t va, uint64_t len, bool free_pages)
{
	bool active = rcr3() == V2P(pml4);
	int n = 0;

	for (uint64_t off = 0; off < len; off += PGSIZE) {
		pte_t *e = walk(pml4, va + off, 1, false);
		if (!e || !(*e & PTE_P))
			continue;
		if (free_pages)
			kfree(PTE_ADDR(*e));
		*e = 0;
		if (active)
			invlpg(va + off);
		n++;
	}
	return n;
}

/* The physical address va maps to, or -1. */
uint64_t vm_translate(pte_t *pml4, uint64_t va)
{
	pte_t *t = pml4;

	for (int l = 4; l >= 1; l--) {
		pte_t e = t[PTX(l, va)];
		if (!(e & PTE_P))
			return (uint64_t)-1;
		if (l == 1 || (e & PTE_PS)) {
			uint64_t size = 1ull << (PGSHIFT + 9 * (l - 1));
			return (PTE_ADDR(e) & ~(size - 1)) + (va & (size - 1));
		}
		t = P2V(PTE_ADDR(e));
	}
	return (uint64_t)-1;
}

/* A new address space: empty user half, the shared kernel half. */
pte_t *vm_new(void)
{
	uint64_t pa = kalloc();
	pte_t *pml4;

	if (!pa)
		return NULL;
	pml4 = P2V(pa);
	memset(pml4, 0, PGSIZE / 2);
	memcpy(pml4 + 256, kpml4 + 256, PGSIZE / 2);
	return pml4;
}

static void free_table(pte_t *t, int level)
{
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P) || (t[i] & PTE_PS))
			continue;
		if (level > 2)
			free_table(P2V(PTE_ADDR(t[i])), level - 1);
		if (level > 1) /* level 1 entries are leaf pages: vm_unmap's */
			kfree(PTE_ADDR(t[i]));
	}
}

/* Free an address space's user-half tables and the PML4 itself (not the
 * pages it maps: vm_unmap(..., true) those first).  Not the active one. */
void vm_free(pte_t *pml4)
{
	assert(rcr3() != V2P(pml4) && pml4 != kpml4);
	for (int i = 0; i < 256; i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		free_table(P2V(PTE_ADDR(pml4[i])), 3);
		kfree(PTE_ADDR(pml4[i]));
	}
	kfree(V2P(pml4));
}

void vm_activate(pte_t *pml4)
{
	lcr3(V2P(pml4));
}

static void map_image(uint64_t g)
{
	const struct {
		char *start, *end;
		uint64_t perm;
	} parts[] = {
	    {_text, _etext, 0},
	    {_rodata, _erodata, pte_nx},
	    {_data, _end, PTE_W | pte_nx},
	};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		uint64_t va = (uint64_t)parts[i].start, len = parts[i].end - parts[i].start;
		if (map(kpml4, va, V2P(parts[i].start), PGROUNDUP(len), parts[i].perm | g, 1))
			panic("vm: out of memory mapping the kernel");
	}
}

/* PHYSMAP [lo, hi): a GiB with no table yet, wholly inside, becomes one
 * 1 GiB page when the CPU has them (this machine's KVM offers none);
 * otherwise 2 MiB pages fill its PD, in a loop kept to a few
 * instructions an entry: 3 GiB of RAM is 1536 of them, each ~5 us of
 * boot in this machine's ring-0 interpreter.  Entries are written
 * without looking: one rewritten by an overlapping range gets the same
 * value.  The 2 MiB chunks holding the APIC pages are skipped (they get
 * 4 KiB uncached pages).  bits includes PTE_PS: "page" at both levels. */
static void physmap_range(uint64_t lo, uint64_t hi, uint64_t bits)
{
	const uint64_t mmio_lo = IOAPIC_PA & ~(LPGSIZE - 1);
	const uint64_t mmio_hi = (LAPIC_PA | (LPGSIZE - 1)) + 1;
	const uint64_t gib = 1ull << 30;

	for (uint64_t pa = lo; pa < hi;) {
		uint64_t end = (pa | (gib - 1)) + 1;
		if (pa >= mmio_lo && pa < mmio_hi) {
			pa = mmio_hi;
			continue;
		}
		pte_t *pdpte = walk(kpml4, PHYSMAP + pa, 3, true);
		if (!pdpte)
			panic("vm: out of memory mapping PHYSMAP");
		if (*pdpte & PTE_PS) { /* a 1 GiB page covers this GiB */
			pa = end;
			continue;
		}
		if (!(*pdpte & PTE_P) && cpu.pdpe1gb && !(pa & (gib - 1)) && hi >= end &&
		    (end <= mmio_lo || pa >= mmio_hi)) {
			*pdpte = pa | bits;
			pa = end;
			continue;
		}
		if (end > hi)
			end = hi;
		if (pa < mmio_lo && end > mmio_lo)
			end = mmio_lo;
		pte_t *e = walk(kpml4, PHYSMAP + pa, 2, true);
		if (!e)
			panic("vm: out of memory mapping PHYSMAP");
		for (; pa < end; pa += LPGSIZE)
			*e++ = pa | bits;
	}
}

/* PHYSMAP: every 2 MiB chunk touching RAM, then the first one if RAM did
 * not cover it (loaders keep their data in the first MiB); the APIC pages
 * uncached. */
static void map_physmap(uint64_t g)
{
	uint64_t bits = PTE_P | PTE_W | PTE_PS | pte_nx | g;

	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *e = &boot.memmap[i];
		if (e->type != HVM_MEMMAP_TYPE_RAM || e->size == 0 || e->addr + e->size < e->addr)
			continue;
		physmap_range(e->addr & ~(LPGSIZE - 1),
		              (e->addr + e->size + LPGSIZE - 1) & ~(LPGSIZE - 1), bits);
	}
	physmap_range(0, LPGSIZE, bits);
	uint64_t mmio = PTE_W | PTE_PCD | PTE_PWT | pte_nx | g;
	if (map(kpml4, (uint64_t)P2V(LAPIC_PA), LAPIC_PA, PGSIZE, mmio, 1) ||
	    map(kpml4, (uint64_t)P2V(IOAPIC_PA), IOAPIC_PA, PGSIZE, mmio, 1))
		panic("vm: out of memory mapping the APICs");
}

void vm_init(void)
{
	uint64_t g = cpu.pge ? PTE_G : 0;

	pte_nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	kpml4 = P2V(ptalloc());
	map_image(g);
	map_physmap(g);
	/* The kernel-stack area's PDPT, so its PML4 slot is shared too. */
	if (!walk(kpml4, KSTACKS, 3, true))
		panic("vm: out of memory");
	vm_activate(kpml4);
	booting = false;
}
