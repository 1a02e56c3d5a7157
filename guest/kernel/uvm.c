/*
 * uvm.c: user address spaces -- page tables below the canonical hole,
 * areas, copy-on-write fork, page faults, sbrk, and the copies between
 * kernel and user memory.
 *
 * A space is a PML4 whose slots 0..255 are its own and whose kernel slots
 * are copies of kpml4's (supervisor-only: the kernel is in every space
 * but user mode cannot touch it).  What user memory may exist is listed
 * in a handful of areas (the ELF segments, the heap, the stack); a page
 * is mapped only inside one, so every walk is over known ranges and never
 * scans a table (each ring-0 memory access costs ~5,000 cycles under this
 * machine's KVM: a 512-entry scan would cost a millisecond).
 *
 * Copy-on-write: fork shares every frame; writable pages lose PTE_W in
 * both spaces and gain PTE_COW.  A write fault on a COW page copies the
 * frame, or just makes the page writable again when this space holds the
 * last reference (kref_*).  The kernel writes user memory through the
 * user mapping with CR0.WP set, so a copyout to a COW page faults in
 * kernel mode and is resolved here the same way.
 *
 * Zero-fill on demand: pages of the stack and of each segment's bss tail
 * are made on first touch.  sbrk allocates eagerly and returns ENOMEM
 * when memory runs out, undoing what it mapped.
 *
 * Every page-table page a space allocates is recorded with the entry that
 * points at it; uvm_free clears each leaf entry it walks and then each
 * recorded parent entry, so every table goes back all-zero to
 * kalloc_ptpage's pool and no table page is ever zeroed twice.
 */
#include <lde/errno.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"

/* The kernel's PML4 slots (PHYSMAP, KSTACKS, KERNBASE), found once. */
static int kslot[8], nkslot = -1;

static void find_kernel_slots(void)
{
	nkslot = 0;
	for (int i = 256; i < 512; i++)
		if ((kpml4[i] & PTE_P) && nkslot < (int)ARRAY_SIZE(kslot))
			kslot[nkslot++] = i;
}

/* ---- page-table pages ---------------------------------------------- */

struct ptchain {
	uint64_t next; /* physical address of the next chain page, 0 at the end */
	uint64_t n;
	struct ptpage e[(PGSIZE - 16) / sizeof(struct ptpage)];
};
_Static_assert(sizeof(struct ptchain) <= PGSIZE, "a chain page fits a page");

static int pt_record(struct vmspace *vs, uint64_t pa, pte_t *parent)
{
	if (vs->npt < NPTINLINE) {
		vs->pt[vs->npt++] = (struct ptpage){pa, parent};
		return 0;
	}
	struct ptchain *c = vs->pt_more ? P2V(vs->pt_more) : NULL;
	if (!c || c->n == ARRAY_SIZE(c->e)) {
		uint64_t cpa = kalloc();
		if (!cpa)
			return -1;
		struct ptchain *nc = P2V(cpa);
		nc->next = vs->pt_more;
		nc->n = 0;
		vs->pt_more = cpa;
		c = nc;
	}
	c->e[c->n++] = (struct ptpage){pa, parent};
	vs->npt++;
	return 0;
}

/* The PTE for va, making the tables above it when alloc. */
static pte_t *uwalk(struct vmspace *vs, uint64_t va, bool alloc)
{
	pte_t *t = vs->pml4;

	for (int l = 4; l > 1; l--) {
		pte_t *e = &t[PTX(l, va)];
		if (!(*e & PTE_P)) {
			uint64_t pa;
			if (!alloc || !(pa = kalloc_ptpage()))
				return NULL;
			if (pt_record(vs, pa, e)) {
				kfree_ptpage(pa);
				return NULL;
			}
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = P2V(PTE_ADDR(*e));
	}
	return &t[PTX(1, va)];
}

/* Call fn on every present PTE in [lo, hi): one walk per page table. */
static int walk_range(struct vmspace *vs, uint64_t lo, uint64_t hi,
                      int (*fn)(struct vmspace *, uint64_t va, pte_t *e, void *arg), void *arg)
{
	for (uint64_t va = lo; va < hi;) {
		pte_t *e = uwalk(vs, va, false);
		if (!e) {
			va = (va | (LPGSIZE - 1)) + 1;
			continue;
		}
		do {
			if (*e & PTE_P) {
				int r = fn(vs, va, e, arg);
				if (r)
					return r;
			}
			e++;
			va += PGSIZE;
		} while (va < hi && PTX(1, va) != 0);
	}
	return 0;
}

/* ---- spaces ---------------------------------------------------------- */

int uvm_init(struct vmspace *vs)
{
	uint64_t pa;

	if (nkslot < 0)
		find_kernel_slots();
	memset(vs, 0, sizeof(*vs));
	if (!(pa = kalloc_ptpage()))
		return -ENOMEM;
	vs->pml4 = P2V(pa);
	for (int i = 0; i < nkslot; i++)
		vs->pml4[kslot[i]] = kpml4[kslot[i]];
	return 0;
}

void uvm_activate(struct vmspace *vs)
{
	lcr3(V2P(vs->pml4));
}

static int unmap_one(struct vmspace *vs, uint64_t va, pte_t *e, void *arg)
{
	(void)va, (void)arg;
	kref_dec(PTE_ADDR(*e));
	*e = 0;
	vs->pages--;
	return 0;
}

static void pt_release(struct ptpage *pp)
{
	*pp->parent = 0;
	kfree_ptpage(pp->pa);
}

/* Free every page and table of a space that is not active. */
void uvm_free(struct vmspace *vs)
{
	if (!vs->pml4)
		return;
	assert(rcr3() != V2P(vs->pml4));
	for (int i = 0; i < vs->narea; i++)
		walk_range(vs, vs->area[i].mlo, vs->area[i].mhi, unmap_one, NULL);
	for (int i = 0; i < vs->npt && i < NPTINLINE; i++)
		pt_release(&vs->pt[i]);
	for (uint64_t cpa = vs->pt_more; cpa;) {
		struct ptchain *c = P2V(cpa);
		uint64_t next = c->next;
		for (uint64_t i = 0; i < c->n; i++)
			pt_release(&c->e[i]);
		kfree(cpa);
		cpa = next;
	}
	for (int i = 0; i < nkslot; i++)
		vs->pml4[kslot[i]] = 0;
	kfree_ptpage(V2P(vs->pml4));
	vs->pml4 = NULL;
}

int uvm_add_area(struct vmspace *vs, uint64_t lo, uint64_t hi, uint64_t perm, bool zfod)
{
	if (vs->narea == NAREA)
		return -ENOEXEC;
	vs->area[vs->narea++] = (struct area){lo, hi, hi, lo, perm | PTE_U, zfod};
	return 0;
}

static struct area *find_area(struct vmspace *vs, uint64_t va)
{
	for (int i = 0; i < vs->narea; i++)
		if (va >= vs->area[i].lo && va < vs->area[i].hi)
			return &vs->area[i];
	return NULL;
}

static void area_note(struct area *a, uint64_t va)
{
	if (va < a->mlo)
		a->mlo = va;
	if (va + PGSIZE > a->mhi)
		a->mhi = va + PGSIZE;
}

/* Map a new page at va (inside an area, with its bits), zeroed if asked.
 * 0 and its frame in *pa, or -ENOMEM. */
int uvm_map_new(struct vmspace *vs, uint64_t va, bool zero, uint64_t *pa)
{
	struct area *a = find_area(vs, va);
	pte_t *e;
	uint64_t f;

	assert(a);
	if (!(f = kalloc()))
		return -ENOMEM;
	if (!(e = uwalk(vs, va, true))) {
		kfree(f);
		return -ENOMEM;
	}
	assert(!(*e & PTE_P));
	if (zero)
		memset(P2V(f), 0, PGSIZE);
	kref_init(f);
	*e = f | PTE_P | a->perm;
	vs->pages++;
	area_note(a, va);
	if (pa)
		*pa = f;
	return 0;
}

/* ---- fork ------------------------------------------------------------ */

/* The page tables of one 2 MiB chunk in two spaces, remembered from one
 * area to the next (areas often share a chunk): a walk costs ~400k cycles
 * in ring 0 under this machine's KVM. */
struct ptcache {
	uint64_t chunk;
	pte_t *src, *dst;
};

/* Share src's pages in [lo, hi) with dst, entry by entry. */
static int share_range(struct vmspace *dst, struct vmspace *src, uint64_t lo, uint64_t hi,
                       struct ptcache *pc)
{
	for (uint64_t va = lo; va < hi;) {
		uint64_t chunk = va & ~(LPGSIZE - 1), end = chunk + LPGSIZE;
		if (end > hi)
			end = hi;
		if (pc->chunk != chunk) {
			pc->chunk = chunk;
			pc->src = uwalk(src, chunk, false);
			pc->dst = NULL;
		}
		if (!pc->src) {
			va = end;
			continue;
		}
		if (!pc->dst && !(pc->dst = uwalk(dst, chunk, true))) {
			pc->chunk = 1; /* not a chunk: forget */
			return -ENOMEM;
		}
		pte_t *e = pc->src + PTX(1, va), *d = pc->dst + PTX(1, va);
		for (; va < end; va += PGSIZE, e++, d++) {
			pte_t pte = *e;
			if (!(pte & PTE_P))
				continue;
			if (pte & PTE_W)
				*e = pte = (pte & ~PTE_W) | PTE_COW;
			kref_inc(PTE_ADDR(pte));
			*d = pte;
			dst->pages++;
		}
	}
	return 0;
}

/* dst becomes a copy-on-write copy of src, the active space.  On failure
 * dst is freed (src may keep pages marked COW: their next write fault
 * finds a single reference and just makes them writable). */
int uvm_fork(struct vmspace *dst, struct vmspace *src)
{
	int r = uvm_init(dst);

	if (r)
		return r;
	dst->brk = src->brk;
	dst->brk_lo = src->brk_lo;
	dst->heap = src->heap;
	dst->narea = src->narea;
	memcpy(dst->area, src->area, sizeof(src->area));
	struct ptcache pc = {.chunk = 1};
	for (int i = 0; i < src->narea && !r; i++)
		r = share_range(dst, src, src->area[i].mlo, src->area[i].mhi, &pc);
	lcr3(rcr3()); /* src's writable pages just became read-only */
	if (r)
		uvm_free(dst);
	return r;
}

/* ---- faults ---------------------------------------------------------- */

/* A write to a COW page: copy the frame unless we hold the only
 * reference. */
static int cow_break(pte_t *e, uint64_t va)
{
	uint64_t pa = PTE_ADDR(*e), flags = (*e & ~PTE_ADDR(~0ull) & ~PTE_COW) | PTE_W;

	if (kref_get(pa) > 1) {
		uint64_t n = kalloc();
		if (!n)
			return -ENOMEM;
		memcpy(P2V(n), P2V(pa), PGSIZE);
		kref_init(n);
		kref_dec(pa);
		pa = n;
	}
	*e = pa | flags;
	invlpg(va);
	return 0;
}

/* Resolve a page fault at va in the active space vs: a copy-on-write
 * write or a first touch of a zero-fill area.  0 when resolved, -ENOMEM
 * when memory ran out, -EFAULT when the access is simply not allowed. */
int uvm_fault(struct vmspace *vs, uint64_t va, uint64_t err)
{
	struct area *a;
	pte_t *e;

	if (!vs->pml4 || va >= USER_TOP || !(a = find_area(vs, va)))
		return -EFAULT;
	va = PGROUNDDOWN(va);
	e = uwalk(vs, va, false);
	if (e && (*e & PTE_P)) {
		if ((err & (PF_P | PF_W)) == (PF_P | PF_W) && (*e & PTE_COW))
			return cow_break(e, va);
		return -EFAULT;
	}
	if (!a->zfod)
		return -EFAULT;
	return uvm_map_new(vs, va, true, NULL);
}

/* ---- the program break ----------------------------------------------- */

static bool overlaps_other_area(struct vmspace *vs, uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < vs->narea; i++)
		if (i != vs->heap && lo < vs->area[i].hi && hi > vs->area[i].lo)
			return true;
	return false;
}

/* sbrk(incr): the old break, or -ENOMEM (nothing changed). */
long uvm_sbrk(struct vmspace *vs, int64_t incr)
{
	struct area *h = &vs->area[vs->heap];
	uint64_t old = vs->brk, new;

	if (incr >= 0) {
		if ((uint64_t)incr > USER_GUARD - old)
			return -ENOMEM;
	} else if ((uint64_t)-incr > old - vs->brk_lo) {
		return -ENOMEM;
	}
	new = old + (uint64_t)incr;
	uint64_t plo = PGROUNDUP(old), phi = PGROUNDUP(new);
	if (phi > plo) {
		if ((phi - plo) / PGSIZE + 64 > kalloc_free_pages() ||
		    overlaps_other_area(vs, plo, phi))
			return -ENOMEM;
		h->hi = phi;
		for (uint64_t va = plo; va < phi; va += PGSIZE) {
			if (uvm_map_new(vs, va, true, NULL)) {
				walk_range(vs, plo, va, unmap_one, NULL);
				h->hi = h->mhi = plo;
				return -ENOMEM;
			}
		}
	} else if (phi < plo) {
		walk_range(vs, phi, plo, unmap_one, NULL);
		lcr3(rcr3());
		h->hi = phi;
		if (h->mhi > phi)
			h->mhi = phi;
	}
	vs->brk = new;
	return (long)old;
}

/* ---- copies between kernel and user memory --------------------------- */

bool user_range_ok(uint64_t uaddr, uint64_t n)
{
	return uaddr <= USER_TOP && n <= USER_TOP - uaddr;
}

int copyin(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return copy_guarded(dst, (const void *)usrc, n);
}

int copyout(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return copy_guarded((void *)udst, src, n);
}

/* The length of the user string at usrc, max if no NUL comes within max
 * bytes, or -EFAULT. */
long ustrnlen(uint64_t usrc, size_t max)
{
	if (usrc >= USER_TOP)
		return -EFAULT;
	size_t lim = USER_TOP - usrc < max ? USER_TOP - usrc : max;
	long n = strnlen_guarded((const char *)usrc, lim);
	if (n == (long)lim && lim < max)
		return -EFAULT; /* runs into the unmapped top page */
	return n;
}

/* Copy the user string at usrc into dst[size]: its length, -EFAULT, or
 * -ENAMETOOLONG when it does not fit. */
long copyinstr(char *dst, uint64_t usrc, size_t size)
{
	long n = ustrnlen(usrc, size);

	if (n < 0)
		return n;
	if ((size_t)n == size)
		return -ENAMETOOLONG;
	if (copy_guarded(dst, (const void *)usrc, n + 1))
		return -EFAULT;
	return n;
}
