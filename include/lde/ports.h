/*
 * lde's guest -> vmm calls: port I/O in one 16-port range, the only way
 * an lde guest talks to lde's vmm besides the 16550 at COM1 and the
 * isa-debug-exit port.
 *
 * Every call is a 32-bit `in` or `out` on one port of the range; any
 * other access size is refused by the vmm (LDE_VMM_EXIT_BADCALL).  A
 * string access (rep ins/outs) counts as that many calls in a row.
 * Addresses handed over are guest-physical and below 4 GiB (guest RAM
 * never crosses the MMIO hole).  The vmm checks every value it is given
 * with overflow-safe arithmetic; a bad value ends the VM with a one-line
 * report, it is never trusted.
 *
 * Outside lde's vmm these ports are unbacked: QEMU reads them as all-ones
 * (or zero), so LDE_PORT_ID is how a guest tells it runs on lde.
 */
#ifndef LDE_PORTS_H
#define LDE_PORTS_H

#include <stdint.h>

#define LDE_PORT_BASE  0x1de0u /* "lde" */
#define LDE_PORT_COUNT 16u

/* in32: LDE_MAGIC on lde's vmm. */
#define LDE_PORT_ID    (LDE_PORT_BASE + 0)
/* out32: end the VM; the vmm exits with this status (0..255) unchanged. */
#define LDE_PORT_EXIT  (LDE_PORT_BASE + 1)
/* in32: the guest TSC rate in kHz (KVM_GET_TSC_KHZ); 0 if unknown. */
#define LDE_PORT_TSC_KHZ (LDE_PORT_BASE + 2)
/* in32 or out32: does nothing; the null hypercall for benchmarks.  A read
 * returns 0. */
#define LDE_PORT_NOP   (LDE_PORT_BASE + 3)
/* out32: guest-physical address of a struct lde_trace_ring (trace.h),
 * page aligned; 0 turns tracing off.  in32: 1 when the vmm is tracing
 * (so the guest need not write events nobody reads), else 0. */
#define LDE_PORT_TRACE_SETUP (LDE_PORT_BASE + 4)
/* out32 (value ignored): drain the announced trace ring now. */
#define LDE_PORT_TRACE_DRAIN (LDE_PORT_BASE + 5)

/* out32: guest-physical address of a struct lde_console_buf; its `len`
 * bytes go to the console (stdout) in one exit, after everything the UART
 * sent before.  Console *output* through the 16550 costs one VM exit per
 * byte (~19 us here: KVM splits even `rep outsb` into single bytes); this
 * call is lde's guest's fast path on lde's vmm.  The UART stays the
 * console device: input, QEMU, and foreign guests use it. */
#define LDE_PORT_CONSOLE (LDE_PORT_BASE + 6)

#define LDE_CONSOLE_MAX 4096u /* largest len in one call */

/* in32 on LDE_PORT_CONSOLE: what the vmm's console is connected to. */
#define LDE_CONSOLE_F_PRESENT 0x1u /* always set: the buffer call exists */
#define LDE_CONSOLE_F_TTY     0x2u /* the host's stdin is a terminal: the
                                      guest console should prompt, echo
                                      and edit; clear for a pipe or file,
                                      whose end is a hang-up (below) */

/*
 * End of host input is a modem hang-up, as on a serial line: COM1's MSR
 * reports DCD (carrier detect) while the host's stdin is open; when it
 * reaches end of file and every byte read from it has been put in the
 * receiver, the vmm drops DCD (MSR.DDCD set, a modem-status interrupt
 * when IER.EDSSI is on).  A guest reading the console sees end of input
 * once the receiver is empty and DCD is low.
 */

struct lde_console_buf {
	uint32_t len;    /* 0..LDE_CONSOLE_MAX */
	uint32_t pad;
	uint8_t data[];  /* the buffer lies wholly in guest RAM */
};

#define LDE_MAGIC 0x3145444cu /* "LDE1", little endian */

/* QEMU's isa-debug-exit: writing V exits with status (V << 1) | 1.  lde's
 * vmm serves it with the same meaning so foreign guests and QEMU agree. */
#define LDE_PORT_DEBUG_EXIT 0xf4u

/* The 16550 console. */
#define LDE_COM1_BASE 0x3f8u
#define LDE_COM1_IRQ  4u

#endif
