/*
 * console.c: kernel output (\n becomes \r\n for terminals in raw mode)
 * and panic, which reports and powers the VM off with LDE_STATUS_PANIC.
 */
#include <lde/ports.h>
#include <lde/status.h>

#include "defs.h"
#include "memlayout.h"
#include "x86.h"

volatile int panicking;

/*
 * On lde's vmm, output goes out a buffer at a time through LDE_PORT_CONSOLE
 * (one VM exit per call instead of one per UART byte).  The buffer is
 * filled and handed over with interrupts off, so an interrupt handler's
 * kprintf cannot interleave with it.
 */
static struct {
	struct lde_console_buf hdr;
	char data[LDE_CONSOLE_MAX];
} conbuf;

static void conbuf_flush(void)
{
	if (conbuf.hdr.len == 0)
		return;
	outl(LDE_PORT_CONSOLE, (uint32_t)V2P(&conbuf));
	conbuf.hdr.len = 0;
}

/* Runs between newlines are found with memchr and copied whole: a
 * byte-at-a-time loop costs ~10,000 cycles a byte in ring 0 here. */
static void lde_console_write(const char *s, size_t n)
{
	uint64_t flags = read_rflags();

	cli();
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t run = nl ? (size_t)(nl - s) : n;
		for (size_t k; run > 0; s += k, n -= k, run -= k) {
			if (conbuf.hdr.len == LDE_CONSOLE_MAX)
				conbuf_flush();
			k = LDE_CONSOLE_MAX - conbuf.hdr.len;
			if (k > run)
				k = run;
			memcpy(conbuf.data + conbuf.hdr.len, s, k);
			conbuf.hdr.len += k;
		}
		if (nl) {
			if (conbuf.hdr.len + 2 > LDE_CONSOLE_MAX)
				conbuf_flush();
			conbuf.data[conbuf.hdr.len++] = '\r';
			conbuf.data[conbuf.hdr.len++] = '\n';
			s++, n--;
		}
	}
	conbuf_flush();
	if (flags & RFLAGS_IF)
		sti();
}

void console_write(const char *s, size_t n)
{
	if (on_lde) {
		lde_console_write(s, n);
		return;
	}
	while (n > 0) {
		size_t run = 0;
		while (run < n && s[run] != '\n')
			run++;
		uart_write(s, run);
		if (run == n)
			return;
		uart_write("\r\n", 2);
		s += run + 1;
		n -= run + 1;
	}
}

noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	cli();
	if (panicking++)
		poweroff(LDE_STATUS_PANIC); /* a fault while reporting one */
	kprintf("\npanic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	poweroff(LDE_STATUS_PANIC);
}
