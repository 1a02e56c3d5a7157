/*
 * One-line messages on stderr and the vmm's exits: every path out of the
 * vmm goes through vmm_exit(), which restores the terminal first.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "term.h"
#include "vmm.h"

_Atomic bool msg_console_midline;
bool msg_quiet;

/* Do stdout and stderr reach the same file (a terminal, a 2>&1 pipe)? */
static bool same_output(void)
{
	static int same = -1;
	struct stat a, b;

	if (same < 0)
		same = fstat(1, &a) == 0 && fstat(2, &b) == 0 && a.st_dev == b.st_dev &&
		       a.st_ino == b.st_ino;
	return same;
}

static void put_line(const char *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(2, buf + off, n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

static void vmsg(const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n = 0;
	int k;

	if (msg_quiet)
		return;
	if (atomic_exchange(&msg_console_midline, false) && same_output())
		buf[n++] = '\n';
	memcpy(buf + n, "vmm: ", 5);
	n += 5;
	k = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (k < 0)
		k = 0;
	n += (size_t)k < sizeof(buf) - n - 1 ? (size_t)k : sizeof(buf) - n - 2;
	buf[n++] = '\n';
	put_line(buf, n);
}

void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void msg_prepare(void)
{
	(void)same_output();
}

void msg_raw(const char *text)
{
	char buf[512];
	size_t n = 0;

	if (msg_quiet)
		return;
	if (atomic_exchange(&msg_console_midline, false) && same_output())
		buf[n++] = '\n';
	memcpy(buf + n, "vmm: ", 5);
	n += 5;
	while (*text && n < sizeof(buf) - 1)
		buf[n++] = *text++;
	buf[n++] = '\n';
	put_line(buf, n);
}

void vmm_exit(int status)
{
	int sig = exit_stop_signal();

	term_restore();
	fflush(stdout);
	if (sig) {
		/* Die of the signal that stopped us, as the shell expects. */
		signal(sig, SIG_DFL);
		raise(sig);
		status = 128 + sig;
	}
	exit(status);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	term_restore();
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}
