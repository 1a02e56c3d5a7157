/*
 * uart.c: the 16550 at COM1, the console's only device.
 *
 * Output is polled, but not byte by byte: with the FIFOs on, LSR.THRE set
 * means the 16-byte transmit FIFO is empty, so after seeing it we may
 * write 16 bytes without looking again.  Every port access is a VM exit
 * (~9 us to lde's vmm), so this halves the exits of a naive driver.
 * Input is read by tty.c's IRQ 4 handler (uart_rx_irq turns the receiver
 * interrupt on); uart_getc never waits.
 *
 * Switching the FIFOs on empties the receiver (a 16550 does so, and so
 * does lde's vmm), which would lose input typed or piped in before boot.
 * On lde's vmm the FIFOs stay off: console output does not use the UART
 * there (console.c) and its receiver buffers 4 KiB regardless.  Elsewhere
 * (QEMU holds input back until the receiver has room) what was received
 * is kept before the FIFOs go on.
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
};
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define IER_RDI    0x01
#define IER_THRI   0x02
#define FIFO_DEPTH 16

/* Bytes we may still write before THRE must be seen again. */
static unsigned tx_room;
static unsigned fifo_depth; /* 16 with the FIFOs on, else 1 */
static uint8_t early[16];   /* received before the FIFOs went on */
static unsigned nearly, early_r;
static uint8_t ier; /* the interrupts enabled */

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80); /* DLAB: divisor 1 = 115200 baud */
	outb(COM1 + UART_DATA, 1);
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	fifo_depth = 1;
	if (!on_lde) {
		while (nearly < sizeof(early) && (inb(COM1 + UART_LSR) & LSR_DR))
			early[nearly++] = inb(COM1 + UART_DATA);
		outb(COM1 + UART_IIR, 0x07); /* FIFOs on, both cleared */
		fifo_depth = FIFO_DEPTH;
	}
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (gates the IRQ on a PC) */
	tx_room = 0;
}

/* Up to a FIFO's worth per `rep outsb`: KVM turns a string I/O
 * instruction into one exit carrying all its bytes (kvm_run io.count). */
void uart_write(const char *s, size_t n)
{
	while (n > 0) {
		if (tx_room == 0) {
			while (!(inb(COM1 + UART_LSR) & LSR_THRE))
				pause();
			tx_room = fifo_depth;
		}
		size_t k = n < tx_room ? n : tx_room;
		tx_room -= k;
		n -= k;
		asm volatile("rep outsb" : "+S"(s), "+c"(k) : "d"(COM1 + UART_DATA) : "memory");
	}
}

/* A received byte, or -1 if none is waiting. */
int uart_getc(void)
{
	if (early_r < nearly)
		return early[early_r++];
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

/* Received-data interrupt on or off (tty.c). */
void uart_rx_irq(bool on)
{
	set_ier(IER_RDI, on);
}
