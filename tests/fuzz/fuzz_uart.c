/*
 * Fuzz target "uart": the 16550 state machine driven by any sequence of
 * guest register accesses and host-side events, against a shadow model of
 * what must hold:
 *
 *   - the receiver is a FIFO: the bytes the guest reads from RBR (DLAB 0)
 *     are the bytes received (from the host, or from THR in loopback), in
 *     order, none invented, none lost unless the receiver was full
 *     (uart_receive refuses: -1, then nothing is recorded) or cleared by
 *     FCR; LSR.DR says whether any are left;
 *   - THR writes outside loopback and DLAB come back for the line, others
 *     never do;
 *   - LSR.THRE and TEMT always read 1; IIR bits 4-5 read 0, bit 0 says
 *     whether an interrupt is pending and agrees with uart_irq_pending;
 *   - the interrupt edge is only reported while an interrupt is pending;
 *   - reading LSR clears OE, reading MSR clears the delta bits; outside
 *     loopback MSR.DCD says whether the host's input lasts (the carrier).
 *
 * Each input byte pair is one operation: op (low 3 bits: what, next 3
 * bits: register), then its value.
 */
#include <string.h>

#include "fuzz.h"
#include "uart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The expected receiver contents. */
static uint8_t q[UART_RX_SIZE];
static uint32_t qh, qn;
static bool carrier; /* the host's input lasts: MSR.DCD outside loopback */

static void q_push(uint8_t c)
{
	FUZZ_CHECK(qn < UART_RX_SIZE, "model receiver overflow");
	q[(qh + qn++) % UART_RX_SIZE] = c;
}

static void check_state(const struct uart *u)
{
	FUZZ_CHECK(u->rx_len == qn, "receiver holds %u, model %u", u->rx_len, qn);
	FUZZ_CHECK(u->rx_head < UART_RX_SIZE, "rx_head %u", u->rx_head);
	FUZZ_CHECK((u->ier & 0xf0) == 0 && (u->mcr & 0xe0) == 0, "reserved IER/MCR bits kept");
	FUZZ_CHECK((u->lsr_err & ~0x02) == 0, "LSR error bits 0x%x", u->lsr_err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uart u;
	struct fin f = {data, size};

	uart_init(&u);
	qh = qn = 0;
	carrier = true;
	while (f.n) {
		const uint8_t op = fin_u8(&f), v = fin_u8(&f);
		const unsigned reg = (op >> 3) & 7;
		const bool dlab = u.lcr & UART_LCR_DLAB, loop = u.mcr & UART_MCR_LOOP;
		const bool clears =
		    reg == UART_IIR && ((v ^ u.fcr) & UART_FCR_ENABLE || v & UART_FCR_CLEAR_RX);
		const uint32_t was = u.rx_len;
		uint8_t got;
		int tx;

		switch (op & 7) {
		case 0: /* guest read */
		case 1:
			got = uart_read(&u, reg);
			if (reg == UART_RBR && !dlab) {
				if (qn) {
					FUZZ_CHECK(got == q[qh], "RBR read 0x%02x, expected 0x%02x",
					           got, q[qh]);
					qh = (qh + 1) % UART_RX_SIZE;
					qn--;
				}
			} else if (reg == UART_LSR) {
				FUZZ_CHECK((got & 0x60) == 0x60, "LSR 0x%02x without THRE|TEMT",
				           got);
				FUZZ_CHECK(!!(got & 1) == (was != 0), "LSR.DR %u, %u bytes held",
				           got & 1, was);
				FUZZ_CHECK(uart_read(&u, UART_LSR) == (got & ~0x02),
				           "LSR.OE survives a read");
			} else if (reg == UART_IIR) {
				FUZZ_CHECK((got & 0x30) == 0, "IIR 0x%02x: bits 4-5 set", got);
			} else if (reg == UART_MSR) {
				FUZZ_CHECK((uart_read(&u, UART_MSR) & 0x0f) == 0,
				           "MSR deltas survive a read");
				if (!loop)
					FUZZ_CHECK(!!(got & UART_MSR_DCD) == carrier,
					           "MSR.DCD %u, carrier %u", !!(got & UART_MSR_DCD),
					           carrier);
			}
			break;
		case 2: /* guest write */
		case 3:
			tx = uart_write(&u, reg, v);
			if (reg == UART_RBR && !dlab && !loop)
				FUZZ_CHECK(tx == v, "THR 0x%02x not sent (%d)", v, tx);
			else
				FUZZ_CHECK(tx == -1, "register %u write sent %d", reg, tx);
			if (clears)
				qh = qn = 0;
			else if (reg == UART_RBR && !dlab && loop && was < UART_RX_SIZE)
				q_push(v);
			break;
		case 4: /* a byte from the host */
		case 5:
			if (uart_receive(&u, v) == 0)
				q_push(v);
			else
				FUZZ_CHECK(was == UART_RX_SIZE && uart_rx_full(&u),
				           "refused with room");
			break;
		case 6: /* the host side: a byte lost, or the carrier (end of input) */
			if (v & 0x80) {
				uart_set_carrier(&u, v & 1);
				carrier = v & 1;
			} else {
				uart_overrun(&u);
			}
			break;
		default: /* the interrupt output */
			if (uart_take_edge(&u))
				FUZZ_CHECK(uart_irq_pending(&u),
				           "edge without a pending interrupt");
			FUZZ_CHECK(!uart_take_edge(&u), "an edge reported twice");
			break;
		}
		/* IIR bit 0 is the interrupt output (reading it may acknowledge
		 * THRE, so look at a copy). */
		{
			struct uart c = u;
			FUZZ_CHECK(!(uart_read(&c, UART_IIR) & 1) == uart_irq_pending(&u),
			           "IIR and the interrupt output disagree");
		}
		check_state(&u);
	}
	return 0;
}
