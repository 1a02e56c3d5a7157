/*
 * A 16550A UART as a pure state machine: register reads and writes from
 * the guest, bytes arriving from the host, and the interrupt output.  No
 * locking, no I/O: console.c serialises access and moves the bytes.
 *
 * Transmission is instant (THR and the transmitter are always empty), so
 * LSR.THRE and LSR.TEMT always read 1.  The receiver holds UART_RX_SIZE
 * bytes: to the guest that is indistinguishable from a line that delivers
 * the next byte as soon as it reads the previous one.  Received data is
 * reported at once (IIR "data available"; no trigger levels, no character
 * timeout).  The interrupt output is not gated by MCR.OUT2 (as in QEMU).
 *
 * Modem lines: DSR and CTS are always up (a cable is plugged in); DCD is
 * the carrier, up from power-on until uart_set_carrier() drops it -- the
 * console's end of host input (include/lde/ports.h) -- which sets DDCD
 * and raises the modem-status interrupt when EDSSI is on.  In loopback
 * the MCR outputs drive the lines instead, as on the chip.
 */
#ifndef VMM_UART_H
#define VMM_UART_H

#include <stdbool.h>
#include <stdint.h>

#define UART_RX_SIZE 4096

/* Register offsets from the base port. */
enum {
	UART_RBR = 0, /* read, DLAB 0; THR on write */
	UART_IER = 1, /* DLAB 0 */
	UART_IIR = 2, /* read; FCR on write */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
	UART_DLL = 0, /* DLAB 1 */
	UART_DLM = 1, /* DLAB 1 */
};

#define UART_IER_ERBFI 0x01 /* received data available */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI  0x04 /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

#define UART_IIR_NONE 0x01
#define UART_IIR_MSI  0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI  0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO 0xc0 /* both bits set while FIFOs are enabled */

#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_err;   /* OE, cleared by reading LSR */
	uint8_t msr_delta; /* DCTS..DDCD, cleared by reading MSR */
	bool thre_pending; /* THRE interrupt: set when THR empties, cleared
	                      by an IIR read that reports it or a THR write */
	bool edge;         /* an interrupt event since uart_take_edge() */
	bool no_carrier;   /* DCD dropped (uart_set_carrier) */
	uint32_t rx_head, rx_len;
	uint8_t rx[UART_RX_SIZE];
};

/* Power-on state: divisor 1 (115200 baud), 8N1 unset, nothing pending. */
void uart_init(struct uart *u);

/* A guest read of register off (0..7). */
uint8_t uart_read(struct uart *u, unsigned off);

/* A guest write of register off (0..7).  Returns the byte to put on the
 * line (a THR write outside loopback), else -1. */
int uart_write(struct uart *u, unsigned off, uint8_t v);

/* A byte arrives from the line.  Returns 0, or -1 when the receiver is
 * full (nothing recorded: the caller waits or calls uart_overrun). */
int uart_receive(struct uart *u, uint8_t c);

/* A byte was lost because the receiver was full: LSR.OE. */
void uart_overrun(struct uart *u);

bool uart_rx_full(const struct uart *u);

/* The carrier (MSR.DCD) comes or goes; a change sets MSR.DDCD. */
void uart_set_carrier(struct uart *u, bool on);

/* The interrupt output: some enabled condition is pending. */
bool uart_irq_pending(const struct uart *u);

/*
 * Whether an interrupt event happened since the last call while the
 * output is pending: the caller then pulses the IRQ line (raise, lower),
 * as an edge-triggered ISA interrupt needs.  Events: data arriving in an
 * empty receiver, data still there after an RBR read, the THR emptying
 * (after every THR write, and when ETBEI is switched on), a line or modem
 * status change, and enabling a condition that is already pending.
 */
bool uart_take_edge(struct uart *u);

#endif
