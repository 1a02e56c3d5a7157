/*
 * pic.c: the legacy 8259 pair, masked for good (the IOAPIC delivers IRQs,
 * and LAPIC LINT0 is masked too).  With lde's vmm the 8259s are KVM's
 * in-kernel ones, so these writes never leave KVM.
 */
#include "defs.h"
#include "x86.h"

void pic_disable(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}
