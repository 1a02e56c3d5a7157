/*
 * trace.h: kernel events into the trace ring (include/lde/trace.h) that
 * lde's vmm drains.  trace_event() is the hook: with tracing off it costs
 * one load of trace_mask and one branch not taken, and its arguments are
 * not even computed.  Where each hook goes: notes/trace-hooks.md.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <lde/trace.h>

/* Categories the vmm asked for (LDE_TRACE_*); 0 when nobody traces. */
extern uint32_t trace_mask;

void trace_write(unsigned type, int32_t pid, uint64_t a0, uint64_t a1);

/* One event: type (enum lde_trace_type, best a constant, so the category
 * test folds to one immediate), pid (the current process, 0 for the
 * kernel; for LDE_EV_STATE the process whose state changes), a0, a1 as
 * trace.h says for the type. */
static inline void trace_event(unsigned type, int32_t pid, uint64_t a0, uint64_t a1)
{
	if (__builtin_expect((trace_mask & LDE_TRACE_CAT(type)) != 0, 0))
		trace_write(type, pid, a0, a1);
}

/* Is any category of cat traced?  For a path with two hooks (system-call
 * enter and exit): test once, keep the answer in a register, and call
 * trace_write directly; under kvm_pvm each load of trace_mask costs
 * ~5,000 cycles, a test of a register ~1,700. */
static inline bool trace_on(uint32_t cat)
{
	return __builtin_expect((trace_mask & cat) != 0, 0);
}

/* After tsc_init: asks the vmm whether it traces, and if so announces the
 * ring.  Only on lde's vmm; elsewhere tracing stays off. */
void trace_init(void);
/* At poweroff: the last drain. */
void trace_shutdown(void);
/* The kernel option tracering=N: ring size in records, a power of two,
 * 1 .. TRACE_NREC_MAX (K suffix allowed); 0 if accepted. */
int trace_set_ring(const char *val);

#define TRACE_NREC_MAX     8192u /* the static ring: 256 KiB */
#define TRACE_NREC_DEFAULT 4096u

/* For the selftest: the ring's counters; false when not tracing. */
struct trace_info {
	uint32_t nrec, watermark;
	uint64_t head, tail, dropped;
};
bool trace_info(struct trace_info *ti);

#endif
