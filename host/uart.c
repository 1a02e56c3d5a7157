/*
 * The 16550A model (see uart.h for what is and is not modelled).
 */
#include <string.h>

#include "uart.h"

void uart_init(struct uart *u)
{
	memset(u, 0, sizeof(*u));
	u->dll = 1;
	u->thre_pending = true; /* THR empty: reported once ETBEI is set */
}

static bool fifo_on(const struct uart *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* MSR status bits: the modem lines, or in loopback the MCR outputs. */
static uint8_t msr_status(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & UART_MCR_LOOP)) /* a cable plugged in; DCD while the host's input lasts */
		return (u->no_carrier ? 0 : UART_MSR_DCD) | UART_MSR_DSR | UART_MSR_CTS;
	return (m & UART_MCR_RTS ? UART_MSR_CTS : 0) | (m & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (m & UART_MCR_OUT1 ? UART_MSR_RI : 0) | (m & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

/* The pending interrupt of highest priority, as IIR bits 0-3. */
static uint8_t iir_id(const struct uart *u)
{
	if ((u->ier & UART_IER_ELSI) && u->lsr_err)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_ERBFI) && u->rx_len)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_ETBEI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_EDSSI) && u->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NONE;
}

bool uart_irq_pending(const struct uart *u)
{
	return iir_id(u) != UART_IIR_NONE;
}

bool uart_take_edge(struct uart *u)
{
	bool e = u->edge && uart_irq_pending(u);

	u->edge = false;
	return e;
}

bool uart_rx_full(const struct uart *u)
{
	return u->rx_len == UART_RX_SIZE;
}

int uart_receive(struct uart *u, uint8_t c)
{
	if (uart_rx_full(u))
		return -1;
	u->rx[(u->rx_head + u->rx_len) % UART_RX_SIZE] = c;
	if (u->rx_len++ == 0)
		u->edge = true;
	return 0;
}

void uart_overrun(struct uart *u)
{
	u->lsr_err |= UART_LSR_OE;
	u->edge = true;
}

static uint8_t rx_pop(struct uart *u)
{
	uint8_t c;

	if (u->rx_len == 0)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_SIZE;
	if (--u->rx_len)
		u->edge = true; /* more data: interrupt again */
	return c;
}

uint8_t uart_read(struct uart *u, unsigned off)
{
	const bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v, id;

	switch (off & 7) {
	case UART_RBR:
		return dlab ? u->dll : rx_pop(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		id = iir_id(u);
		if (id == UART_IIR_THRI)
			u->thre_pending = false; /* reading IIR acknowledges THRE */
		return id | (fifo_on(u) ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		v = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_err | (u->rx_len ? UART_LSR_DR : 0);
		u->lsr_err = 0;
		return v;
	case UART_MSR:
		v = msr_status(u) | u->msr_delta;
		u->msr_delta = 0;
		return v;
	default: /* UART_SCR */
		return u->scr;
	}
}

/* The lines went from old to now: the deltas, and an interrupt event. */
static void msr_changed(struct uart *u, uint8_t old, uint8_t now)
{
	uint8_t d = 0;

	if ((old ^ now) & UART_MSR_CTS)
		d |= UART_MSR_DCTS;
	if ((old ^ now) & UART_MSR_DSR)
		d |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		d |= UART_MSR_TERI; /* trailing edge only */
	if ((old ^ now) & UART_MSR_DCD)
		d |= UART_MSR_DDCD;
	if (d) {
		u->msr_delta |= d;
		u->edge = true;
	}
}

static void write_mcr(struct uart *u, uint8_t v)
{
	const uint8_t old = msr_status(u);

	u->mcr = v & 0x1f;
	msr_changed(u, old, msr_status(u));
}

void uart_set_carrier(struct uart *u, bool on)
{
	const uint8_t old = msr_status(u);

	u->no_carrier = !on;
	msr_changed(u, old, msr_status(u));
}

static void write_fcr(struct uart *u, uint8_t v)
{
	/* Switching the FIFOs on or off clears them, as on the 16550. */
	if ((v ^ u->fcr) & UART_FCR_ENABLE)
		v |= UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX;
	if (v & UART_FCR_CLEAR_RX) {
		u->rx_head = 0;
		u->rx_len = 0;
	}
	u->fcr = v & 0xc9; /* enable, DMA mode, trigger level */
}

int uart_write(struct uart *u, unsigned off, uint8_t v)
{
	const bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t old;

	switch (off & 7) {
	case UART_RBR: /* THR */
		if (dlab) {
			u->dll = v;
			return -1;
		}
		/* The byte leaves at once: THR is empty again. */
		u->thre_pending = true;
		u->edge = true;
		if (u->mcr & UART_MCR_LOOP) {
			if (uart_receive(u, v) < 0)
				uart_overrun(u);
			return -1;
		}
		return v;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			return -1;
		}
		old = u->ier;
		u->ier = v & 0x0f;
		if ((u->ier & ~old) & UART_IER_ETBEI)
			u->thre_pending = true; /* THR is empty: say so */
		if (u->ier & ~old)
			u->edge = true; /* a newly enabled condition may be pending */
		return -1;
	case UART_IIR: /* FCR */
		write_fcr(u, v);
		return -1;
	case UART_LCR:
		u->lcr = v;
		return -1;
	case UART_MCR:
		write_mcr(u, v);
		return -1;
	case UART_SCR:
		u->scr = v;
		return -1;
	default: /* LSR, MSR: read-only (factory test writes ignored) */
		return -1;
	}
}
