/*
 * trace.c: the kernel's side of the trace ring (include/lde/trace.h).
 *
 * One static ring (physically contiguous, in .bss, which the loader has
 * zeroed), sized by tracering=N (default TRACE_NREC_DEFAULT records).
 * trace_init asks lde's vmm whether it traces; only then is the ring
 * announced and trace_mask set, so with tracing off every hook is one
 * untaken branch.
 *
 * Writing (trace_write) is the single producer: interrupts are off while
 * a record is filled so an interrupt handler's event cannot land in the
 * same slot; the record is stored before head moves past it.  When head -
 * tail reaches the watermark the kernel asks for a drain (one VM exit per
 * watermark's worth of events, fewer when the vmm drains at other exits);
 * a full ring drops the event and counts it.  Under kvm_pvm every ring-0
 * instruction costs ~1,700 cycles and every memory access ~5,000, so the
 * write path is a handful of loads and five stores.
 */
#include <lde/ports.h>

#include "defs.h"
#include "memlayout.h"
#include "trace.h"
#include "x86.h"

uint32_t trace_mask;

_Static_assert(__builtin_offsetof(struct lde_trace_rec, pid) == 12, "type, flags, pid: 8 bytes");

static uint32_t nrec = TRACE_NREC_DEFAULT;
static uint32_t slotmask, watermark; /* nrec - 1; when to ask for a drain */

static struct {
	struct lde_trace_ring hdr;
	struct lde_trace_rec recs[TRACE_NREC_MAX];
} ring __attribute__((aligned(4096)));

/* A port call about the ring.  The vmm reads and writes the ring during
 * it, so it is a compiler barrier: no ring store sinks past it, no ring
 * field is kept in a register across it (x86.h's outl makes no such
 * promise). */
static inline void ring_call(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

int trace_set_ring(const char *val)
{
	uint64_t n;

	if (!val || parse_size(val, &n) || n == 0 || n > TRACE_NREC_MAX || (n & (n - 1)))
		return -1;
	nrec = (uint32_t)n;
	return 0;
}

void trace_init(void)
{
	struct lde_trace_ring *h = &ring.hdr;

	if (!on_lde || inl(LDE_PORT_TRACE_SETUP) != 1)
		return;
	slotmask = nrec - 1;
	watermark = nrec - nrec / 8; /* >= 1 */
	h->magic = LDE_TRACE_MAGIC;
	h->version = LDE_TRACE_VERSION;
	h->nrec = nrec;
	h->watermark = watermark;
	h->mask = 0;
	h->tsc_khz = tsc_khz;
	h->head = h->tail = h->dropped = 0;
	ring_call(LDE_PORT_TRACE_SETUP, (uint32_t)V2P(h));
	trace_mask = h->mask & LDE_TRACE_ALL & ~LDE_TRACE_EXIT; /* set by the vmm */
	if (!kopts.quiet)
		kprintf("trace: ring of %u records at %p, drained at %u, events 0x%x\n", nrec,
		        (void *)V2P(h), watermark, trace_mask);
}

void trace_write(unsigned type, int32_t pid, uint64_t a0, uint64_t a1)
{
	struct lde_trace_ring *h = &ring.hdr;
	const uint64_t flags = read_rflags();
	uint64_t head, tail;
	struct lde_trace_rec *r;

	cli();
	head = h->head;
	tail = h->tail;
	if (head - tail >= nrec) {
		h->dropped++;
	} else {
		/* type, flags (0) and pid are one 8-byte word: one store */
		const uint64_t meta = (uint16_t)type | (uint64_t)(uint32_t)pid << 32;

		r = &ring.recs[head & slotmask];
		r->tsc = rdtsc();
		*(uint64_t *)&r->type = meta; /* -fno-strict-aliasing */
		r->a0 = a0;
		r->a1 = a1;
		asm volatile("" : : : "memory"); /* the record, then head */
		h->head = head + 1;
		if (head + 1 - tail == watermark)
			ring_call(LDE_PORT_TRACE_DRAIN, 0);
	}
	if (flags & RFLAGS_IF)
		sti();
}

void trace_shutdown(void)
{
	if (trace_mask)
		ring_call(LDE_PORT_TRACE_DRAIN, 0);
}

bool trace_info(struct trace_info *ti)
{
	if (!trace_mask)
		return false;
	ti->nrec = nrec;
	ti->watermark = watermark;
	ti->head = ring.hdr.head;
	ti->tail = ring.hdr.tail;
	ti->dropped = ring.hdr.dropped;
	return true;
}
