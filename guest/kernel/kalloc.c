/*
 * kalloc.c: the physical page allocator.
 *
 * Built from the PVH memory map: RAM entries, minus everything below
 * 1 MiB, the kernel image, the loader's data and modules (pvh.c) and any
 * non-RAM entry overlapping RAM.  What is left is a short list of free
 * ranges [lo, hi).  Boot is O(1) in RAM size: nothing is touched, pages
 * are handed out by a bump pointer that walks the ranges in order.
 * Freed pages go on a stack of page frame numbers that lives in pages
 * taken from the ranges at boot, not inside the freed pages, so freeing
 * never writes a page the kernel gave away (no host page is committed by
 * it; ring-0 writes cost ~1,000 cycles each here).  A page freed right
 * below the bump pointer just moves the pointer back.
 *
 * Pages come back with undefined contents (not zeroed): kalloc_zeroed
 * zeroes.  Zeroing a page costs ~0.3 ms in ring 0 here, so page-table
 * pages come from a pool of pages known to be zero (kalloc_ptpage):
 * uvm.c clears every entry it set before it gives a table back
 * (kfree_ptpage), which is far cheaper than zeroing the page again.
 *
 * Frames mapped into user space carry a reference count (kref_*: one per
 * address space mapping the frame; copy-on-write shares frames).  The
 * count array is reserved at boot but not cleared: a count is written
 * (kref_init) when its frame is first mapped and read only while mapped.  Invariants: free_pages == pages left above the bump pointers
 * + stack depth; total_pages is fixed after init; ranges[cur]'s bump
 * pointer lives in `bump` (its .lo is stale while it is current), so the
 * common kalloc and kfree are a few instructions each -- every ring-0
 * instruction costs ~0.65 us under this machine's KVM.
 */
#include <lde/pvh.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"

#define MAXRANGES 32
#define LOW_LIMIT 0x100000ull /* the first MiB is never handed out */

struct range {
	uint64_t base, lo, hi; /* [base, hi) free at boot; bump pointer lo */
};

static struct range ranges[MAXRANGES];
static int nranges, cur;
static uint64_t bump, bump_end; /* ranges[cur]: [bump, bump_end) is free */
static uint32_t *pfn_stack;     /* PHYSMAP address */
static uint16_t *page_refs;     /* PHYSMAP address, indexed by frame number */
static uint64_t depth, capacity;
static uint64_t total_pages, free_pages;
static uint64_t min_pa, max_pa;

static void range_add(uint64_t lo, uint64_t hi)
{
	lo = PGROUNDUP(lo);
	hi = PGROUNDDOWN(hi);
	if (lo >= hi)
		return;
	if (nranges == MAXRANGES) {
		kprintf("kalloc: more than %d free ranges, dropping [%p, %p)\n", MAXRANGES,
		        (void *)lo, (void *)hi);
		return;
	}
	ranges[nranges++] = (struct range){lo, lo, hi};
}

/* Remove [lo, hi) (rounded out to pages) from every range. */
static void range_cut(uint64_t lo, uint64_t hi)
{
	lo = PGROUNDDOWN(lo);
	hi = hi > UINT64_MAX - PGSIZE ? UINT64_MAX & ~(PGSIZE - 1) : PGROUNDUP(hi);
	for (int i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];
		if (hi <= r->lo || lo >= r->hi)
			continue;
		if (lo > r->lo && hi < r->hi) { /* split */
			uint64_t end = r->hi;
			r->hi = lo;
			range_add(hi, end);
		} else if (lo > r->lo) {
			r->hi = lo;
		} else if (hi < r->hi) {
			r->lo = r->base = hi;
		} else {
			r->base = r->lo = r->hi; /* emptied: stays, skipped by the bump */
		}
	}
}

static void build_ranges(void)
{
	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *e = &boot.memmap[i];
		if (e->type == HVM_MEMMAP_TYPE_RAM && e->addr + e->size > e->addr)
			range_add(e->addr < LOW_LIMIT ? LOW_LIMIT : e->addr, e->addr + e->size);
	}
	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *e = &boot.memmap[i];
		if (e->type != HVM_MEMMAP_TYPE_RAM)
			range_cut(e->addr, e->addr + e->size);
	}
	range_cut(0, LOW_LIMIT);
	range_cut((uint64_t)_boot_start, V2P(_end)); /* .boot: VMA = LMA */
	for (int i = 0; i < boot.nused; i++)
		range_cut(boot.used[i][0], boot.used[i][1]);
}

/* Take the free stack's and the reference counts' pages from the top of
 * the largest range. */
static void reserve_stack(void)
{
	uint64_t pages = 0, top = 0;
	int big = 0;

	for (int i = 0; i < nranges; i++) {
		pages += (ranges[i].hi - ranges[i].lo) / PGSIZE;
		if (ranges[i].hi > top)
			top = ranges[i].hi;
		if (ranges[i].hi - ranges[i].lo > ranges[big].hi - ranges[big].lo)
			big = i;
	}
	uint64_t bytes = PGROUNDUP(pages * sizeof(uint32_t));
	uint64_t rbytes = PGROUNDUP(top / PGSIZE * sizeof(uint16_t));
	if (nranges == 0 || ranges[big].hi - ranges[big].lo <= bytes + rbytes)
		panic("kalloc: no usable RAM");
	ranges[big].hi -= bytes;
	pfn_stack = P2V(ranges[big].hi);
	ranges[big].hi -= rbytes;
	page_refs = P2V(ranges[big].hi);
	capacity = pages - (bytes + rbytes) / PGSIZE;
}

void kalloc_init(void)
{
	build_ranges();
	reserve_stack();
	min_pa = UINT64_MAX;
	for (int i = 0; i < nranges; i++) {
		total_pages += (ranges[i].hi - ranges[i].lo) / PGSIZE;
		if (ranges[i].lo < ranges[i].hi && ranges[i].lo < min_pa)
			min_pa = ranges[i].lo;
		if (ranges[i].hi > max_pa)
			max_pa = ranges[i].hi;
	}
	free_pages = total_pages;
	assert(total_pages <= capacity);
	cur = 0;
	bump = ranges[0].lo;
	bump_end = ranges[0].hi;
}

/* Make ranges[i] current: save the bump pointer of the old one. */
static void switch_range(int i)
{
	ranges[cur].lo = bump;
	cur = i;
	bump = ranges[i].lo;
	bump_end = ranges[i].hi;
}

/* The current range is used up: move to the next one with free pages. */
static bool next_range(void)
{
	for (int i = cur + 1; i < nranges; i++) {
		if (ranges[i].lo < ranges[i].hi) {
			switch_range(i);
			return true;
		}
	}
	return false;
}

static uint64_t zpool_take(void);

uint64_t kalloc(void)
{
	if (depth > 0) {
		free_pages--;
		return (uint64_t)pfn_stack[--depth] << PGSHIFT;
	}
	if (bump == bump_end && !next_range())
		return zpool_take(); /* the last free pages: the zeroed pool's */
	free_pages--;
	uint64_t pa = bump;
	bump += PGSIZE;
	return pa;
}

uint64_t kalloc_zeroed(void)
{
	uint64_t pa = kalloc();

	if (pa)
		memset(P2V(pa), 0, PGSIZE);
	return pa;
}

/* pa is just below the bump pointer of the last range in use: move the
 * pointer back.  When the current range is untouched, the pointer may
 * step back into the previous touched range (every range between is
 * untouched, so allocation order is kept). */
static bool unbump(uint64_t pa)
{
	if (pa + PGSIZE == bump && pa >= ranges[cur].base) {
		bump = pa;
		return true;
	}
	if (bump != ranges[cur].base)
		return false;
	int i = cur;
	while (i > 0 && (i == cur ? bump : ranges[i].lo) == ranges[i].base)
		i--;
	if (i == cur || ranges[i].lo == ranges[i].base || ranges[i].lo != pa + PGSIZE)
		return false;
	switch_range(i);
	bump = pa;
	return true;
}

void kfree(uint64_t pa)
{
	if ((pa & (PGSIZE - 1)) || pa < min_pa || pa >= max_pa)
		panic("kfree: %p is not an allocated page", (void *)pa);
	if (free_pages >= total_pages)
		panic("kfree: %p freed but every page is already free", (void *)pa);
	free_pages++;
	if (!unbump(pa))
		pfn_stack[depth++] = (uint32_t)(pa >> PGSHIFT);
}

uint64_t kalloc_free_pages(void)
{
	return free_pages;
}

/* ---- zeroed pages for page tables ----------------------------------- */

#define ZPOOL_MAX 1024
static uint64_t zpool[ZPOOL_MAX];
static int zpool_n;

/* A zeroed page for a page table: from the pool, else kalloc_zeroed. */
uint64_t kalloc_ptpage(void)
{
	if (zpool_n > 0)
		return zpool[--zpool_n];
	return kalloc_zeroed();
}

/* Out of memory everywhere else: a pooled page is free memory too (and
 * sysinfo counts it so), so a user page fault or a pipe must not fail
 * while the pool holds pages (issue 7's exhaustion tests: a fork-heavy
 * process died "out of memory" with hundreds of pages pooled).  Cold:
 * only reached when the stack and the ranges are empty. */
static uint64_t zpool_take(void)
{
	return zpool_n > 0 ? zpool[--zpool_n] : 0;
}

/* Give back a page the caller has made all zero again. */
void kfree_ptpage(uint64_t pa)
{
	if (zpool_n < ZPOOL_MAX)
		zpool[zpool_n++] = pa;
	else
		kfree(pa);
}

/* Free pages, counting the zeroed pool (it is free memory too). */
uint64_t kalloc_avail_pages(void)
{
	return free_pages + zpool_n;
}

/* ---- frame reference counts (user mappings) ------------------------- */

void kref_init(uint64_t pa)
{
	page_refs[pa >> PGSHIFT] = 1;
}

void kref_inc(uint64_t pa)
{
	page_refs[pa >> PGSHIFT]++;
}

unsigned kref_get(uint64_t pa)
{
	return page_refs[pa >> PGSHIFT];
}

/* Drop one reference; the frame is freed with the last.  Returns the
 * count left. */
unsigned kref_dec(uint64_t pa)
{
	unsigned n = --page_refs[pa >> PGSHIFT];

	if (n == 0)
		kfree(pa);
	return n;
}

uint64_t kalloc_total_pages(void)
{
	return total_pages;
}

/* Does [lo, hi) meet memory the allocator manages (free or handed out)? */
bool kalloc_overlaps(uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < nranges; i++)
		if (lo < ranges[i].hi && hi > ranges[i].base)
			return true;
	return false;
}

/* One line, one console write (boot cost: ring 0 is interpreted here). */
void kalloc_print(void)
{
	char line[256];
	size_t n = (size_t)ksnprintf(line, sizeof line, "kalloc: free ranges at boot:");

	for (int i = 0; i < nranges && n < sizeof line; i++)
		if (ranges[i].base < ranges[i].hi)
			n += (size_t)ksnprintf(line + n, sizeof line - n, " [%p-%p)",
			                       (void *)ranges[i].base, (void *)ranges[i].hi);
	kprintf("%s\n", line);
}
