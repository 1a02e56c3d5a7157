/*
 * ioapic.c: the I/O APIC, where ISA IRQ n arrives on pin n (no ACPI
 * overrides on lde's vmm or QEMU microvm).  ioapic_route() points a pin
 * at a vector on this CPU, edge-triggered, active high (ISA semantics).
 *
 * Pins are masked at reset and no firmware runs before a PVH kernel on
 * lde's vmm, QEMU microvm or Firecracker, so init does not mask them
 * again: each access is an MMIO exit (~0.05 ms in ring 0 on this
 * machine's KVM), 48 of them would cost ~2 ms of boot.  Only COM1's pin
 * is set up, masked, on its vector: the console driver unmasks it when it
 * takes input by interrupt (issue 4).
 */
#include <lde/ports.h>

#include "defs.h"
#include "memlayout.h"
#include "trap.h"
#include "x86.h"

#define IOAPIC_VER    0x01
#define IOAPIC_REDTBL 0x10 /* + 2 * pin: low dword, + 1: high dword */
#define REDTBL_MASKED (1u << 16)

static volatile uint32_t *ioapic; /* IOREGSEL at [0], IOWIN at [4] */
static int npins;

static uint32_t ioapic_read(uint32_t reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

void ioapic_init(void)
{
	ioapic = P2V(IOAPIC_PA);
	npins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	ioapic_route(LDE_COM1_IRQ, T_IRQ0 + LDE_COM1_IRQ, true);
}

void ioapic_route(int irq, int vector, bool masked)
{
	assert(irq >= 0 && irq < npins);
	ioapic_write(IOAPIC_REDTBL + 2 * irq + 1, lapic_id() << 24);
	ioapic_write(IOAPIC_REDTBL + 2 * irq, (masked ? REDTBL_MASKED : 0) | vector);
}
