/*
 * The trace ring: guest events in shared guest memory, drained by the vmm.
 *
 * The guest owns the ring (it lives in guest RAM), announces its physical
 * address once through LDE_PORT_TRACE_SETUP and writes records without
 * any VM exit.  It asks for a drain (LDE_PORT_TRACE_DRAIN) only when the
 * ring holds `watermark` records or more, and at shutdown.
 *
 * Single producer (the guest, one vCPU), single consumer (the vmm, which
 * reads only while the vCPU is stopped in an exit).  `head` and `tail`
 * count records since setup and only grow; record i lives in
 * recs[i & (nrec - 1)].  A full ring (head - tail == nrec) drops the new
 * record and counts it in `dropped`: the guest never blocks.  The vmm
 * treats every header field as hostile: it checks magic, nrec, the ring's
 * extent and head - tail <= nrec before it reads a record.
 *
 * Setup, step by step:
 *   1. in32 LDE_PORT_TRACE_SETUP: 1 when the vmm traces guest events (a
 *      guest that reads 0, or runs elsewhere, sets nothing up).
 *   2. The guest fills magic, version, nrec (a power of two, 1 ..
 *      LDE_TRACE_NREC_MAX), watermark (1 .. nrec), tsc_khz, and zeroes
 *      mask, head, tail and dropped; the ring must lie wholly in RAM.
 *   3. out32 LDE_PORT_TRACE_SETUP with its address.  The vmm checks the
 *      header (a bad one ends the VM: LDE_VMM_EXIT_BADCALL), keeps its own
 *      copies of nrec and tail, and writes `mask` before the call returns.
 *   4. The guest writes only events whose LDE_TRACE_CAT(type) is in mask.
 * After setup the vmm reads only head and dropped (and checks magic); a
 * changed nrec is ignored.  It may drain at any exit, not only when
 * asked (it does, to keep the ring short and its output in time order),
 * so `tail` can move whenever the guest is stopped.  A record is complete
 * before head passes it: the guest stores the record, then head.
 */
#ifndef LDE_TRACE_H
#define LDE_TRACE_H

#include <stdint.h>

#define LDE_TRACE_MAGIC   0x52544c44u /* "DLTR" */
#define LDE_TRACE_VERSION 1

/* Categories, selected by the vmm (--trace-events) in `mask`. */
#define LDE_TRACE_SYSCALL (1u << 0)
#define LDE_TRACE_SCHED   (1u << 1)
#define LDE_TRACE_PROC    (1u << 2)
#define LDE_TRACE_IRQ     (1u << 3)
#define LDE_TRACE_EXIT    (1u << 4) /* vmm side: VM exits */
#define LDE_TRACE_SIGNAL  (1u << 5)
#define LDE_TRACE_ALL     0x3fu

#define LDE_TRACE_NREC_MAX (1u << 20) /* records; 32 MiB */
#define LDE_TRACE_PID_MAX  999999     /* pids in records are 0 .. this */

enum lde_trace_type {
	LDE_EV_NONE = 0,
	LDE_EV_SYSCALL_ENTER, /* a0 = number, a1 = first argument */
	LDE_EV_SYSCALL_EXIT,  /* a0 = number, a1 = result */
	LDE_EV_EXCEPTION,     /* a0 = vector, a1 = rip */
	LDE_EV_IRQ,           /* a0 = vector */
	LDE_EV_SWITCH,        /* pid = from, a0 = to pid, a1 = enum lde_switch_reason */
	LDE_EV_FORK,          /* pid = parent, a0 = child pid */
	LDE_EV_EXEC,          /* pid, a0..a1 = first 16 bytes of the name, NUL-padded */
	LDE_EV_EXIT,          /* pid, a0 = wait status */
	LDE_EV_STATE,         /* pid, a0 = old state, a1 = new (enum lde_procstate;
	                         UNUSED once reaped) */
	LDE_EV_SIGNAL_SEND,   /* pid = sender, a0 = target pid (< 0: group -a0), a1 = signal */
	LDE_EV_SIGNAL_DELIVER,/* pid = receiver, a0 = signal, a1 = handler */
	LDE_EV_WAIT,          /* pid = parent, a0 = child pid reaped, a1 = status */
	LDE_EV_USER,          /* SYS_tracemark: a0, a1 from user space */
	LDE_EV_NTYPES
};

/*
 * Each type's category: 3 bits per type hold the bit number of its
 * LDE_TRACE_* flag (7: none, so LDE_EV_NONE matches no mask).
 * LDE_TRACE_CAT(type), for type < LDE_EV_NTYPES, is the flag to test
 * against `mask`; with a constant type it folds to a constant.
 */
#define LDE_TRACE_CATBITS(type, bit) ((uint64_t)(bit) << (3 * (type)))
#define LDE_TRACE_CATMAP                                                                           \
	(LDE_TRACE_CATBITS(LDE_EV_NONE, 7) | LDE_TRACE_CATBITS(LDE_EV_SYSCALL_ENTER, 0) |          \
	 LDE_TRACE_CATBITS(LDE_EV_SYSCALL_EXIT, 0) | LDE_TRACE_CATBITS(LDE_EV_EXCEPTION, 3) |      \
	 LDE_TRACE_CATBITS(LDE_EV_IRQ, 3) | LDE_TRACE_CATBITS(LDE_EV_SWITCH, 1) |                  \
	 LDE_TRACE_CATBITS(LDE_EV_FORK, 2) | LDE_TRACE_CATBITS(LDE_EV_EXEC, 2) |                   \
	 LDE_TRACE_CATBITS(LDE_EV_EXIT, 2) | LDE_TRACE_CATBITS(LDE_EV_STATE, 1) |                  \
	 LDE_TRACE_CATBITS(LDE_EV_SIGNAL_SEND, 5) | LDE_TRACE_CATBITS(LDE_EV_SIGNAL_DELIVER, 5) |  \
	 LDE_TRACE_CATBITS(LDE_EV_WAIT, 2) | LDE_TRACE_CATBITS(LDE_EV_USER, 0))
#define LDE_TRACE_CAT(type) (1u << ((LDE_TRACE_CATMAP >> (3 * (type))) & 7))

enum lde_switch_reason {
	LDE_SW_PREEMPTED = 0,
	LDE_SW_YIELDED,
	LDE_SW_BLOCKED,
	LDE_SW_EXITED,
};

struct lde_trace_rec {
	uint64_t tsc;  /* guest rdtsc at the event */
	uint16_t type; /* enum lde_trace_type */
	uint16_t flags; /* 0; reserved */
	int32_t pid;    /* current process, 0 = kernel/idle; for LDE_EV_STATE
	                   the process whose state changes */
	uint64_t a0, a1;
};

struct lde_trace_ring {
	uint32_t magic;     /* LDE_TRACE_MAGIC */
	uint32_t version;   /* LDE_TRACE_VERSION */
	uint32_t nrec;      /* records in recs[], a power of two */
	uint32_t watermark; /* the guest drains when head - tail >= this */
	uint32_t mask;      /* written by the vmm at setup: categories wanted */
	uint32_t pad;
	uint64_t tsc_khz;   /* the guest's idea of its TSC rate */
	volatile uint64_t head;    /* written by the guest */
	volatile uint64_t tail;    /* written by the vmm */
	volatile uint64_t dropped; /* written by the guest */
	uint64_t reserved;
	struct lde_trace_rec recs[];
};

_Static_assert(sizeof(struct lde_trace_rec) == 32, "trace record is 32 bytes");
_Static_assert(sizeof(struct lde_trace_ring) == 64, "trace header is 64 bytes");

#endif
