/*
 * The 16550 model, as a guest driver sees it: scripts of register reads
 * and writes, host-side arrivals and interrupt edges, one per behaviour.
 */
#include "uart.h"
#include "unit.h"

enum op {
	END,
	WR,   /* write reg v (expect: no byte on the line) */
	TX,   /* write reg v, expect the byte `expect` on the line (-1: none) */
	RD,   /* read reg, expect */
	RX,   /* byte v arrives from the host */
	OVR,  /* a byte was lost: overrun */
	EDGE, /* uart_take_edge() == expect */
	IRQ,  /* uart_irq_pending() == expect */
	CAR,  /* the carrier comes (v = 1) or goes (v = 0): uart_set_carrier */
};

struct step {
	enum op op;
	uint8_t reg;
	uint8_t v;
	int expect;
};

struct uart_case {
	const char *name;
	struct step s[16];
};

#define W(r, x)                                                                                    \
	{                                                                                          \
		WR, r, x, -1                                                                       \
	}
#define T(r, x, e)                                                                                 \
	{                                                                                          \
		TX, r, x, e                                                                        \
	}
#define R(r, e)                                                                                    \
	{                                                                                          \
		RD, r, 0, e                                                                        \
	}
#define IN(x)                                                                                      \
	{                                                                                          \
		RX, 0, x, 0                                                                        \
	}
#define E(e)                                                                                       \
	{                                                                                          \
		EDGE, 0, 0, e                                                                      \
	}
#define L(e)                                                                                       \
	{                                                                                          \
		IRQ, 0, 0, e                                                                       \
	}
#define HUP                                                                                        \
	{                                                                                          \
		CAR, 0, 0, 0                                                                       \
	}
#define CARRIER                                                                                    \
	{                                                                                          \
		CAR, 0, 1, 0                                                                       \
	}

static const struct uart_case cases[] = {
    {"power-on registers",
     {R(UART_LSR, 0x60), R(UART_IIR, 0x01), R(UART_IER, 0), R(UART_LCR, 0), R(UART_MCR, 0),
      R(UART_MSR, 0xb0), R(UART_SCR, 0)}},
    {"THR write goes to the line, THRE and TEMT stay set",
     {T(UART_RBR, 'a', 'a'), R(UART_LSR, 0x60), T(UART_RBR, 0, 0)}},
    {"DLAB: divisor latch, THR and IER hidden",
     {W(UART_LCR, 0x83), T(UART_DLL, 0x0c, -1), W(UART_DLM, 0x01), R(UART_DLL, 0x0c),
      R(UART_DLM, 0x01), W(UART_LCR, 0x03), R(UART_IER, 0), R(UART_LCR, 0x03), W(UART_LCR, 0x83),
      R(UART_DLL, 0x0c)}},
    {"received bytes in order, LSR.DR while any",
     {IN('x'), IN('y'), R(UART_LSR, 0x61), R(UART_RBR, 'x'), R(UART_LSR, 0x61), R(UART_RBR, 'y'),
      R(UART_LSR, 0x60), R(UART_RBR, 0)}},
    {"IIR: data available only with ERBFI",
     {IN('a'), R(UART_IIR, 0x01), W(UART_IER, UART_IER_ERBFI), R(UART_IIR, 0x04), R(UART_RBR, 'a'),
      R(UART_IIR, 0x01)}},
    {"IIR: THRE on enabling ETBEI, acknowledged by reading IIR",
     {W(UART_IER, UART_IER_ETBEI), R(UART_IIR, 0x02), R(UART_IIR, 0x01), T(UART_RBR, 'z', 'z'),
      R(UART_IIR, 0x02), W(UART_IER, 0), R(UART_IIR, 0x01)}},
    {"IIR priority: data before THRE",
     {W(UART_IER, 3), IN('a'), R(UART_IIR, 0x04), R(UART_IIR, 0x04), R(UART_RBR, 'a'),
      R(UART_IIR, 0x02), R(UART_IIR, 0x01)}},
    {"IIR priority: line status first, LSR read clears OE",
     {W(UART_IER, 7),
      IN('a'),
      {OVR, 0, 0, 0},
      R(UART_IIR, 0x06),
      R(UART_LSR, 0x63),
      R(UART_LSR, 0x61),
      R(UART_IIR, 0x04)}},
    {"FCR: FIFO flags in IIR bits 6-7, receiver cleared",
     {W(UART_IIR, 0x01), R(UART_IIR, 0xc1), IN('a'), W(UART_IIR, 0x03), R(UART_LSR, 0x60),
      W(UART_IIR, 0x00), R(UART_IIR, 0x01)}},
    {"FCR: switching the FIFOs on clears them", {IN('a'), W(UART_IIR, 0x01), R(UART_LSR, 0x60)}},
    {"scratch register", {W(UART_SCR, 0xa5), R(UART_SCR, 0xa5), W(UART_SCR, 0), R(UART_SCR, 0)}},
    {"IER keeps 4 bits, MCR 5",
     {W(UART_IER, 0xff), R(UART_IER, 0x0f), W(UART_MCR, 0xff), R(UART_MCR, 0x1f)}},
    {"loopback: THR comes back on RBR, not on the line",
     {W(UART_MCR, 0x10), T(UART_RBR, 'q', -1), R(UART_LSR, 0x61), R(UART_RBR, 'q'),
      W(UART_MCR, 0x00), T(UART_RBR, 'r', 'r'), R(UART_LSR, 0x60)}},
    {"loopback: MSR mirrors MCR, with deltas",
     {W(UART_MCR, 0x10), R(UART_MSR, 0x0b), R(UART_MSR, 0x00), W(UART_MCR, 0x1f), R(UART_MSR, 0xfb),
      R(UART_MSR, 0xf0), W(UART_MCR, 0x1b), R(UART_MSR, 0xb4)}},
    {"modem status interrupt, cleared by reading MSR",
     {W(UART_IER, UART_IER_EDSSI), R(UART_IIR, 0x01), W(UART_MCR, 0x10), R(UART_IIR, 0x00),
      R(UART_MSR, 0x0b), R(UART_IIR, 0x01)}},
    {"LSR and MSR ignore writes",
     {W(UART_LSR, 0x00), R(UART_LSR, 0x60), W(UART_MSR, 0x00), R(UART_MSR, 0xb0)}},
    {"edge: data into an empty receiver, again while more remains",
     {W(UART_IER, UART_IER_ERBFI), E(0), IN('a'), E(1), IN('b'), E(0), R(UART_RBR, 'a'), E(1),
      R(UART_RBR, 'b'), E(0)}},
    {"edge: none while interrupts are disabled", {IN('a'), E(0), R(UART_RBR, 'a'), E(0)}},
    {"edge: ETBEI enabled, then every THR write",
     {W(UART_IER, UART_IER_ETBEI), E(1), T(UART_RBR, 'a', 'a'), E(1), R(UART_IIR, 0x02), E(0),
      T(UART_RBR, 'b', 'b'), E(1)}},
    {"edge: enabling ERBFI with data waiting",
     {IN('a'), E(0), W(UART_IER, UART_IER_ERBFI), E(1), W(UART_IER, UART_IER_ERBFI), E(0)}},
    {"edge: overrun with ELSI", {W(UART_IER, UART_IER_ELSI), E(0), {OVR, 0, 0, 0}, E(1)}},
    {"interrupt output follows the pending conditions",
     {L(0), W(UART_IER, UART_IER_ERBFI), L(0), IN('a'), L(1), R(UART_RBR, 'a'), L(0)}},
    /* The end of host input is a hang-up (include/lde/ports.h): DCD drops. */
    {"hang-up: DCD drops, DDCD reported once by MSR",
     {HUP, R(UART_MSR, 0x38), R(UART_MSR, 0x30), R(UART_LSR, 0x60)}},
    {"hang-up without EDSSI: no interrupt, MSR still tells",
     {W(UART_IER, UART_IER_ERBFI), E(0), HUP, E(0), L(0), R(UART_IIR, 0x01), R(UART_MSR, 0x38)}},
    {"hang-up with EDSSI: a modem-status interrupt, cleared by reading MSR",
     {W(UART_IER, UART_IER_EDSSI), E(0), HUP, E(1), L(1), R(UART_IIR, 0x00), R(UART_MSR, 0x38),
      R(UART_IIR, 0x01), L(0)}},
    {"hang-up after data: the data is read first (IIR priority), then the hang-up",
     {W(UART_IER, UART_IER_ERBFI | UART_IER_EDSSI), IN('a'), E(1), HUP, R(UART_IIR, 0x04),
      R(UART_LSR, 0x61), R(UART_RBR, 'a'), R(UART_IIR, 0x00), R(UART_MSR, 0x38),
      R(UART_LSR, 0x60), L(0)}},
    {"hang-up twice: one change, one DDCD",
     {HUP, R(UART_MSR, 0x38), HUP, R(UART_MSR, 0x30)}},
    {"carrier back: DCD and DDCD again",
     {HUP, R(UART_MSR, 0x38), CARRIER, R(UART_MSR, 0xb8), R(UART_MSR, 0xb0)}},
    {"loopback: MCR drives the lines, the carrier does not show",
     {W(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2), R(UART_MSR, 0x83), HUP, R(UART_MSR, 0x80),
      W(UART_MCR, 0), R(UART_MSR, 0x3b)}}, /* out of loopback: DCD (OUT2) goes too */
};

static void run(void **state)
{
	const struct uart_case *k = *state;
	struct uart u;

	uart_init(&u);
	for (unsigned i = 0; i < sizeof(k->s) / sizeof(k->s[0]) && k->s[i].op != END; i++) {
		const struct step *s = &k->s[i];
		int got = 0;

		switch (s->op) {
		case WR:
		case TX:
			got = uart_write(&u, s->reg, s->v);
			break;
		case RD:
			got = uart_read(&u, s->reg);
			break;
		case RX:
			got = uart_receive(&u, s->v);
			break;
		case OVR:
			uart_overrun(&u);
			break;
		case EDGE:
			got = uart_take_edge(&u);
			break;
		case IRQ:
			got = uart_irq_pending(&u);
			break;
		case CAR:
			uart_set_carrier(&u, s->v);
			break;
		case END:
			break;
		}
		if (got != s->expect)
			fail_msg("step %u: got 0x%x, want 0x%x", i + 1, (unsigned)got,
			         (unsigned)s->expect);
	}
}

static void receiver_full(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u);
	for (unsigned i = 0; i < UART_RX_SIZE; i++)
		assert_int_equal(uart_receive(&u, (uint8_t)i), 0);
	assert_true(uart_rx_full(&u));
	assert_int_equal(uart_receive(&u, 0xee), -1);
	assert_int_equal(uart_read(&u, UART_LSR), 0x61); /* full is not an overrun */
	assert_int_equal(uart_read(&u, UART_RBR), 0);
	assert_false(uart_rx_full(&u));
	assert_int_equal(uart_receive(&u, 0xee), 0);
	for (unsigned i = 1; i < UART_RX_SIZE; i++)
		assert_int_equal(uart_read(&u, UART_RBR), (uint8_t)i); /* wraps in order */
	assert_int_equal(uart_read(&u, UART_RBR), 0xee);
	assert_int_equal(uart_read(&u, UART_LSR), 0x60);
}

static void loopback_overrun(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u);
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	for (unsigned i = 0; i < UART_RX_SIZE; i++)
		uart_receive(&u, 'x');
	assert_int_equal(uart_write(&u, UART_RBR, 'y'), -1);
	assert_int_equal(uart_read(&u, UART_LSR), 0x63); /* DR, OE */
}

static void garbage_everywhere(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u);
	/* Every value to every register, reads in between: the model stays
	 * within its invariants. */
	for (unsigned r = 0; r < 8; r++) {
		for (unsigned v = 0; v < 256; v++) {
			uart_write(&u, r, (uint8_t)v);
			uart_receive(&u, (uint8_t)v);
			for (unsigned q = 0; q < 8; q++)
				uart_read(&u, q);
			uart_take_edge(&u);
			assert_true(u.rx_len <= UART_RX_SIZE && u.rx_head < UART_RX_SIZE);
			assert_true((u.ier & 0xf0) == 0 && (u.mcr & 0xe0) == 0);
		}
	}
	assert_int_equal(uart_read(&u, UART_LSR) & 0x60, 0x60);
}

void uart_tests(struct unit_list *l)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		unit_add(l, "uart", cases[i].name, run, &cases[i]);
	unit_add(l, "uart", "receiver holds UART_RX_SIZE bytes, wraps in order", receiver_full,
	         NULL);
	unit_add(l, "uart", "loopback into a full receiver sets OE", loopback_overrun, NULL);
	unit_add(l, "uart", "every value to every register keeps invariants", garbage_everywhere,
	         NULL);
}
