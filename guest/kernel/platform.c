/*
 * platform.c: which VMM the kernel runs on, and how it leaves it.
 *
 * lde's vmm answers LDE_PORT_ID with LDE_MAGIC (include/lde/ports.h);
 * QEMU and other loaders leave that port unbacked (reads all-ones).  On
 * lde, poweroff uses lde's exit call, whose status passes through
 * unchanged; elsewhere it writes QEMU's isa-debug-exit port 0xF4, which
 * exits with (status << 1) | 1.  If neither ends the VM, the CPU stops.
 */
#include <lde/ports.h>

#include "defs.h"
#include "trace.h"
#include "x86.h"

bool on_lde;

void platform_init(void)
{
	on_lde = inl(LDE_PORT_ID) == LDE_MAGIC;
}

noreturn void poweroff(int status)
{
	cli();
	trace_shutdown(); /* the last drain, when tracing */
	if (on_lde)
		outl(LDE_PORT_EXIT, (uint32_t)status & 0xff);
	outb(LDE_PORT_DEBUG_EXIT, (uint8_t)status);
	for (;;)
		asm volatile("cli; hlt");
}
