/*
 * uart.c: the 16550 at COM1, the console's only device.
 *
 * Output is polled: LSR.THRE, then a byte.  Every port access is a VM
 * exit (~9 us to lde's vmm), which is why lde's guest writes its console
 * through lde's console call there (console.c); the UART is the path
 * under QEMU and other loaders.
 * Input is read by tty.c's IRQ 4 handler (uart_rx_irq turns the receiver
 * and modem-status interrupts on); uart_getc never waits.  DCD in the
 * modem status is the carrier: lde's vmm drops it at the end of its
 * input (include/lde/ports.h).
 *
 * The FIFOs stay off.  Switching them on empties the receiver (a 16550
 * does so, and so do QEMU and lde's vmm), and input may be arriving at
 * any moment -- typed or piped in before boot, held back by QEMU until
 * the receiver has room -- so a byte could be lost in between, whatever
 * was drained first (QEMU lost the 17th byte of a piped script that way).
 * Without FIFOs a byte waits in RBR and the sender waits for room: nothing
 * is lost.  What it costs is output under QEMU: one THRE check per byte
 * instead of one per 16.  lde's vmm buffers 4 KiB of input regardless.
 */
#include <lde/ports.h>

#include "defs.h"
#include "x86.h"

#define COM1 LDE_COM1_BASE
enum {
	UART_DATA = 0, /* RBR / THR; DLL with LCR.DLAB */
	UART_IER = 1,  /* DLM with LCR.DLAB */
	UART_IIR = 2,  /* read; FCR on write */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
};
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define IER_RDI    0x01
#define IER_THRI   0x02
#define IER_MSI    0x08
#define MSR_DDCD   0x08
#define MSR_DCD    0x80

static uint8_t ier; /* the interrupts enabled */

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80); /* DLAB: divisor 1 = 115200 baud */
	outb(COM1 + UART_DATA, 1);
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x03); /* 8N1, FIFOs left off (above) */
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (gates the IRQ on a PC) */
}

/* THRE, then the byte: the transmitter holds one byte without FIFOs. */
void uart_write(const char *s, size_t n)
{
	for (; n > 0; n--, s++) {
		while (!(inb(COM1 + UART_LSR) & LSR_THRE))
			pause();
		outb(COM1 + UART_DATA, (uint8_t)*s);
	}
}

/* A received byte, or -1 if none is waiting. */
int uart_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR))
		return -1;
	return inb(COM1 + UART_DATA);
}

static void set_ier(uint8_t bit, bool on)
{
	ier = on ? ier | bit : ier & ~bit;
	outb(COM1 + UART_IER, ier);
}

/* Transmitter-empty interrupt on or off (selftest: IRQ 4 end to end). */
void uart_thre_irq(bool on)
{
	set_ier(IER_THRI, on);
	if (!on)
		(void)inb(COM1 + UART_IIR); /* acknowledge a pending THRE */
}

/* Received-data and modem-status interrupts on or off (tty.c). */
void uart_rx_irq(bool on)
{
	set_ier(IER_RDI | IER_MSI, on);
}

/* The carrier: 1 while DCD is up, 0 once it dropped, -1 when it has been
 * down since before the last look without a change seen (reading MSR
 * clears DDCD). */
int uart_carrier(void)
{
	uint8_t msr = inb(COM1 + UART_MSR);

	if (msr & MSR_DCD)
		return 1;
	return msr & MSR_DDCD ? 0 : -1;
}

bool uart_rx_ready(void)
{
	return inb(COM1 + UART_LSR) & LSR_DR;
}
