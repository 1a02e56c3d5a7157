/*
 * console.c: kernel output (\n becomes \r\n for terminals in raw mode)
 * and panic, which reports and powers the VM off with LDE_STATUS_PANIC.
 */
#include <lde/status.h>

#include "defs.h"
#include "x86.h"

volatile int panicking;

void console_write(const char *s, size_t n)
{
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
