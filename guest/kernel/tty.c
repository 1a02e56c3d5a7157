/*
 * tty.c: the console as a file -- descriptors 0, 1 and 2 of the first
 * process -- with interrupt-driven input and a small line discipline.
 *
 * Input arrives by IRQ 4 (COM1's receiver through the IOAPIC); the
 * handler feeds each byte to the line discipline and wakes readers, who
 * sleep BLOCKED ("console") on the tty meanwhile.
 *
 * A terminal or not.  On lde's vmm the console says whether the host's
 * stdin is a terminal (LDE_CONSOLE_F_TTY, include/lde/ports.h); elsewhere
 * (QEMU) it is taken to be one.  A console that is no terminal passes
 * bytes through untouched -- no echo, no editing, no signals, readable as
 * they come -- and answers every control call (and so isatty) with
 * ENOTTY: a shell reading it prompts for nothing.
 *
 * A terminal is cooked by default: bytes are echoed and collected into a
 * line, editable with backspace/DEL, ^W (the word before) and ^U (the
 * line); CR is taken as NL; a line is readable once NL or ^D ends it, and
 * a ^D on an empty line reads as end of input (0).  ^C and ^\ drop the
 * line and send SIGINT and SIGQUIT to the foreground process group
 * (LDE_TIOCSPGRP; at boot the first process's).  Raw mode (LDE_TCSETMODE,
 * for top): bytes are readable as they come, without echo or signals.
 *
 * When the buffer is full the rest of the input is left in the UART (whose
 * sender then waits: lde's vmm for a pipe or file, QEMU always) until a
 * read makes room; so piped input of any length arrives whole.
 *
 * End of input: when the carrier (COM1's DCD) drops and the receiver is
 * empty, reads return 0 from then on, after any bytes still buffered.  On
 * lde's vmm that is the end of the host's input; elsewhere a DCD that
 * goes down while we watch (a hang-up; QEMU keeps it up).
 *
 * Echo: at once while someone is reading; input typed (or piped) ahead
 * while nobody reads is echoed when it is read.  So the console reads as
 * a transcript -- the program's prompt, the line it read, its output --
 * whatever the timing of the input, and typed-ahead editing shows only
 * its result.
 *
 * Output goes to console_write (one lde console call per chunk on lde's
 * vmm, the UART elsewhere).
 */
#include <lde/errno.h>
#include <lde/fs.h>
#include <lde/ports.h>
#include <lde/tty.h>

#include <lde/signal.h>

#include "defs.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"

#define TTY_BUF 1024 /* a power of two */
#define CTRL(c) ((c)-'@')

static struct {
	char buf[TTY_BUF];
	uint32_t r;    /* next byte to read */
	uint32_t w;    /* end of what readers may take (complete lines) */
	uint32_t e;    /* end of the line being edited */
	uint32_t echoed; /* bytes before this have been echoed (r..e) */
	int readers;   /* processes waiting in tty_read */
	int mode;      /* LDE_TTY_COOKED or LDE_TTY_RAW; always raw when no terminal */
	int fg_pgrp;   /* the foreground process group: ^C's target */
	bool term;     /* a terminal: control calls, echo, editing, signals */
	bool hup;      /* the carrier dropped: end of input once buffered bytes are read */
	bool throttled; /* the buffer filled: the rest waits in the UART until a read */
} tty;

static void echo(const char *s, size_t n)
{
	console_write(s, n);
}

static void put(char c)
{
	tty.buf[tty.e++ % TTY_BUF] = c;
}

/* Is index a beyond b?  (The counters wrap; they never drift 2^31 apart.) */
static bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Echo what is not yet echoed, up to end (^D shows nothing). */
static void echo_upto(uint32_t end)
{
	char out[64];
	size_t n = 0;

	if (!after(end, tty.echoed))
		return;
	for (; tty.echoed != end; tty.echoed++) {
		char c = tty.buf[tty.echoed % TTY_BUF];
		if (c == CTRL('D'))
			continue;
		out[n++] = c;
		if (n == sizeof(out)) {
			echo(out, n);
			n = 0;
		}
	}
	if (n)
		echo(out, n);
}

/* Take back the last byte of the line being edited. */
static void unput(void)
{
	if (tty.echoed == tty.e) {
		echo("\b \b", 3);
		tty.echoed--;
	}
	tty.e--;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* ^C, ^\: the line is dropped, the signal goes to the foreground group. */
static void interrupt(const char *shown, int sig)
{
	tty.e = tty.w;
	if (after(tty.echoed, tty.e))
		tty.echoed = tty.e;
	echo(shown, 3);
	if (tty.fg_pgrp > 0)
		sig_send_group(tty.fg_pgrp, sig);
}

/* One received byte (from the interrupt handler). */
static void tty_input(char c)
{
	if (tty.e - tty.r >= TTY_BUF)
		return; /* full: dropped, as a serial line would */
	if (tty.mode == LDE_TTY_RAW) { /* never echoed; earlier typed-ahead lines still are */
		bool in_step = tty.echoed == tty.e;
		put(c);
		if (in_step)
			tty.echoed = tty.e;
		tty.w = tty.e;
		wakeup(&tty);
		return;
	}
	switch (c) {
	case 0x7f:
	case '\b':
		if (tty.e != tty.w)
			unput();
		return;
	case CTRL('W'):
		while (tty.e != tty.w && is_space(tty.buf[(tty.e - 1) % TTY_BUF]))
			unput();
		while (tty.e != tty.w && !is_space(tty.buf[(tty.e - 1) % TTY_BUF]))
			unput();
		return;
	case CTRL('U'):
		while (tty.e != tty.w)
			unput();
		return;
	case CTRL('C'):
		interrupt("^C\n", SIGINT);
		return;
	case CTRL('\\'):
		interrupt("^\\\n", SIGQUIT);
		return;
	case CTRL('D'):
		put(c);
		tty.w = tty.e;
		if (tty.readers)
			echo_upto(tty.e);
		wakeup(&tty);
		return;
	case '\r':
		c = '\n';
		break;
	}
	put(c);
	if (tty.readers)
		echo_upto(tty.e);
	if (c == '\n' || tty.e - tty.r == TTY_BUF) {
		tty.w = tty.e;
		wakeup(&tty);
	}
}

/* The carrier is gone: what was typed is readable, then end of input. */
static void hang_up(void)
{
	tty.hup = true;
	tty.w = tty.e;
	wakeup(&tty);
}

/* Every byte received, then the carrier: lde's vmm drops DCD only after
 * its last byte is in the receiver, so DCD low with the receiver empty is
 * the end -- unless a byte slipped in between the two looks. */
static void tty_intr(void)
{
	int c, carrier;

	for (;;) {
		while (tty.e - tty.r < TTY_BUF && (c = uart_getc()) >= 0)
			tty_input((char)c);
		if (tty.e - tty.r >= TTY_BUF) {
			tty.throttled = true; /* flow control: the sender waits (lde's vmm, QEMU) */
			return;
		}
		if (tty.hup)
			return;
		carrier = uart_carrier();
		if (carrier == 1 || (carrier < 0 && !on_lde))
			return; /* elsewhere only a drop we see is a hang-up */
		if (!uart_rx_ready()) {
			hang_up();
			return;
		}
	}
}

/* The pin is unmasked before the UART may raise it (an edge on a masked
 * pin is lost), and bytes that came before are taken at once. */
void tty_init(void)
{
	tty.term = !on_lde || (inl(LDE_PORT_CONSOLE) & LDE_CONSOLE_F_TTY);
	tty.mode = tty.term ? LDE_TTY_COOKED : LDE_TTY_RAW;
	irq_register(LDE_COM1_IRQ, tty_intr);
	ioapic_route(LDE_COM1_IRQ, T_IRQ0 + LDE_COM1_IRQ, false);
	uart_rx_irq(true);
	tty_intr();
}

/* The first process's group is the foreground one until someone says. */
void tty_set_foreground(int pgid)
{
	tty.fg_pgrp = pgid;
}

static long tty_read(struct file *f, uint64_t ubuf, size_t n)
{
	char kb[256];
	size_t k = 0;

	(void)f;
	if (n == 0)
		return 0;
	while (tty.r == tty.w) {
		int r;
		if (tty.hup)
			return 0;
		tty.readers++;
		if (tty.mode == LDE_TTY_COOKED)
			echo_upto(tty.e); /* what was typed ahead of this line shows now */
		r = sleep_on(&tty, "console");
		tty.readers--;
		if (r)
			return -ERESTART;
	}
	while (k < n && k < sizeof(kb) && tty.r != tty.w) {
		char c = tty.buf[tty.r % TTY_BUF];
		if (c == CTRL('D') && tty.mode == LDE_TTY_COOKED) {
			if (k == 0)
				tty.r++; /* end of input: this read returns 0 */
			break;   /* else the ^D ends the next read */
		}
		tty.r++;
		kb[k++] = c;
		if (c == '\n' && tty.mode == LDE_TTY_COOKED)
			break;
	}
	if (tty.mode == LDE_TTY_COOKED)
		echo_upto(tty.r); /* a line typed ahead shows as it is read */
	if (tty.throttled) { /* room again: what waited in the UART comes in */
		tty.throttled = false;
		tty_intr();
	}
	if (copyout(ubuf, kb, k))
		return -EFAULT;
	return (long)k;
}

static char wbuf[LDE_CONSOLE_MAX / 2];

/* A chunk is copied in before anything is written, so a bad pointer in a
 * first chunk writes nothing and gives EFAULT. */
static long tty_write(struct file *f, uint64_t ubuf, size_t n)
{
	size_t done = 0;

	(void)f;
	while (done < n) {
		size_t k = n - done < sizeof(wbuf) ? n - done : sizeof(wbuf);
		if (copyin(wbuf, ubuf + done, k))
			return done ? (long)done : -EFAULT;
		console_write(wbuf, k);
		done += k;
	}
	return (long)done;
}

static int tty_stat(struct file *f, struct lde_stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->ino = 0;
	st->mode = LDE_S_IFCHR | 0620;
	st->nlink = 1;
	return 0;
}

static long tty_ioctl(struct file *f, uint64_t req, uint64_t arg)
{
	(void)f;
	if (!tty.term)
		return -ENOTTY;
	switch (req) {
	case LDE_TCGETMODE:
		return tty.mode;
	case LDE_TCSETMODE:
		if (arg != LDE_TTY_COOKED && arg != LDE_TTY_RAW)
			return -EINVAL;
		tty.mode = (int)arg;
		tty.w = tty.e; /* what was typed so far becomes readable */
		wakeup(&tty);
		return 0;
	case LDE_TIOCGPGRP:
		return tty.fg_pgrp;
	case LDE_TIOCSPGRP:
		if ((int64_t)arg <= 0 || arg > PID_MAX)
			return -EINVAL;
		tty.fg_pgrp = (int)arg;
		return 0;
	}
	return -EINVAL;
}

const struct fileops console_fops = {
    .kind = "console",
    .read = tty_read,
    .write = tty_write,
    .stat = tty_stat,
    .ioctl = tty_ioctl,
};
