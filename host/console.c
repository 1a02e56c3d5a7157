/*
 * The console: the COM1 16550 (uart.c) wired to stdin and stdout.
 *
 * Output: every byte the guest transmits is written to stdout at once, so
 * nothing is ever held back when the vmm exits, whichever way.
 *
 * Input: with the in-kernel irqchip the vCPU never leaves KVM_RUN while
 * the guest halts, so a thread of its own reads stdin, feeds the UART and
 * raises IRQ 4 while the vCPU runs.  One mutex serialises the UART between
 * it and the vCPU thread.  When stdin is a terminal it is in raw mode, the
 * Ctrl-A commands apply, and bytes typed while the receiver is full are
 * lost with LSR.OE (as on a serial line).  Other input (a pipe, a file)
 * waits for room instead, so none is lost.
 *
 * What the console is (include/lde/ports.h): LDE_PORT_CONSOLE reads
 * PRESENT, plus TTY when stdin is a terminal, so lde's guest knows
 * whether to prompt, echo and edit.  End of input (or stdin failing) is
 * a hang-up: once every byte read has been put in the receiver --
 * console_receive waits for room, so they all have when the loop ends -- the thread drops
 * DCD (MSR.DDCD, a modem-status interrupt if the guest enabled it) and
 * stops.  The guest reads end of input once its receiver is empty.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lde/ports.h>
#include <lde/status.h>

#include "term.h"
#include "uart.h"
#include "vmm.h"

struct console {
	pthread_mutex_t lock; /* guards uart */
	pthread_cond_t room;  /* the receiver has room again */
	struct uart uart;
	int out_fd;
	bool tty; /* stdin is our terminal, in raw mode */
	bool stdin_tty; /* stdin is a terminal (ours or not): LDE_CONSOLE_F_TTY */
	bool out_dead;
};

void console_init(struct vm *vm, int out_fd)
{
	struct console *c = calloc(1, sizeof(*c));

	if (!c)
		die(LDE_VMM_EXIT_OSERR, "console: out of memory");
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->room, NULL);
	uart_init(&c->uart);
	c->out_fd = out_fd;
	vm->con = c;
}

/* Writes guest bytes; a full pipe or terminal makes the vCPU wait. */
static void put_bytes(struct console *c, const uint8_t *b, size_t len)
{
	if (len == 0)
		return;
	while (len > 0) {
		ssize_t n = write(c->out_fd, b, len);

		if (n > 0) {
			b += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			if (exit_stop_pending())
				return; /* stopping: don't hang on a stuck reader */
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			/* A non-blocking stdout (O_NONBLOCK on a file description
			 * shared with our parent): wait for room, but not past a
			 * stop request, as for a blocking one. */
			struct pollfd p = {.fd = c->out_fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno == EINTR && exit_stop_pending())
				return;
			continue;
		}
		if (n < 0 && errno == EPIPE) {
			/* Nobody reads our output: end as a pipeline stage does. */
			c->out_dead = true;
			exit_request_stop(STOP_SIGNAL, SIGPIPE);
			return;
		}
		die(LDE_VMM_EXIT_OSERR, "stdout: %s; guest output cannot be written",
		    n < 0 ? strerror(errno) : "short write");
	}
	atomic_store_explicit(&msg_console_midline, b[-1] != '\n', memory_order_relaxed);
}

void console_write(struct vm *vm, const uint8_t *buf, size_t len)
{
	struct console *c = vm->con;

	if (!c->out_dead)
		put_bytes(c, buf, len);
}

void console_access(struct vm *vm, unsigned off, bool out, uint8_t *byte)
{
	struct console *c = vm->con;
	uint32_t before;
	int tx = -1;

	pthread_mutex_lock(&c->lock);
	before = c->uart.rx_len;
	if (out)
		tx = uart_write(&c->uart, off, *byte);
	else
		*byte = uart_read(&c->uart, off);
	if (uart_take_edge(&c->uart))
		kvm_irq_pulse(vm, LDE_COM1_IRQ);
	if (c->uart.rx_len < before)
		pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
	if (tx >= 0 && !c->out_dead) {
		uint8_t b = (uint8_t)tx;
		put_bytes(c, &b, 1);
	}
}

uint32_t console_flags(struct vm *vm)
{
	return LDE_CONSOLE_F_PRESENT | (vm->con->stdin_tty ? LDE_CONSOLE_F_TTY : 0);
}

/* The host's input ended: the carrier drops (after every byte). */
void console_input_ended(struct vm *vm)
{
	struct console *c = vm->con;

	pthread_mutex_lock(&c->lock);
	uart_set_carrier(&c->uart, false);
	if (uart_take_edge(&c->uart))
		kvm_irq_pulse(vm, LDE_COM1_IRQ);
	pthread_mutex_unlock(&c->lock);
}

/* One byte from the host side into the receiver (waits for room unless
 * the input is a terminal). */
void console_receive(struct vm *vm, uint8_t b)
{
	struct console *c = vm->con;

	pthread_mutex_lock(&c->lock);
	while (uart_receive(&c->uart, b) < 0) {
		if (c->tty) {
			uart_overrun(&c->uart);
			break;
		}
		pthread_cond_wait(&c->room, &c->lock);
	}
	if (uart_take_edge(&c->uart))
		kvm_irq_pulse(vm, LDE_COM1_IRQ);
	pthread_mutex_unlock(&c->lock);
}

static void *input_main(void *arg)
{
	struct vm *vm = arg;
	struct console *c = vm->con;
	struct term_esc esc = {0};
	uint8_t buf[256];

	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* end of input, or stdin unreadable: the same, a hang-up */
			console_input_ended(vm);
			return NULL;
		}
		for (ssize_t i = 0; i < n; i++) {
			int b = buf[i];

			if (c->tty) {
				b = term_escape(&esc, buf[i]);
				if (b == TERM_QUIT) {
					exit_request_stop(STOP_USERQUIT, 0);
					return NULL;
				}
				if (b == TERM_HELP) {
					ssize_t w = write(2, term_help, strlen(term_help));
					(void)w;
					continue;
				}
				if (b < 0)
					continue;
			}
			console_receive(vm, (uint8_t)b);
		}
	}
}

void console_start_input(struct vm *vm)
{
	struct console *c = vm->con;
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;
	int e;

	if (isatty(0)) {
		c->stdin_tty = true;
		c->tty = term_raw();
		if (!c->tty)
			return; /* a terminal we do not own (background job): leave it */
	}
	/* Stop signals are the vCPU thread's business; a crash in this
	 * thread must still reach term.c's handler. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	sigdelset(&all, SIGSYS); /* the sandbox's report (seccomp.c) */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&t, &attr, input_main, vm);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		die(LDE_VMM_EXIT_OSERR, "console input thread: %s", strerror(e));
}
