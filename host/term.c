/*
 * Terminal mode and console commands (see term.h).
 */
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

static struct termios saved;
static volatile sig_atomic_t saved_valid;

bool term_raw(void)
{
	struct termios t;

	if (!isatty(0) || tcgetpgrp(0) != getpgrp())
		return false; /* not a terminal, or we run in the background */
	if (tcgetattr(0, &saved) < 0)
		return false;
	t = saved;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_oflag |= OPOST; /* the guest's "\n" still starts a new line */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	saved_valid = 1;
	if (tcsetattr(0, TCSANOW, &t) < 0) {
		saved_valid = 0;
		return false;
	}
	return true;
}

void term_restore(void)
{
	if (saved_valid)
		tcsetattr(0, TCSANOW, &saved);
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction crash_old[sizeof(crash_signals) / sizeof(crash_signals[0])];

static void on_crash(int sig)
{
	term_restore();
	for (unsigned i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++) {
		if (crash_signals[i] == sig)
			sigaction(sig, &crash_old[i], NULL);
	}
	/* Returning re-runs the faulting instruction (or abort() raises
	 * again): the previous disposition reports the crash. */
}

void term_guard_crashes(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	for (unsigned i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, &crash_old[i]);
}

const char term_help[] = "C-a h    print this help\n"
                         "C-a x    exit the vmm (status 126)\n"
                         "C-a C-a  send C-a to the guest\n";

int term_escape(struct term_esc *e, uint8_t c)
{
	if (!e->armed) {
		if (c != TERM_ESCAPE)
			return c;
		e->armed = true;
		return TERM_SWALLOW;
	}
	e->armed = false;
	switch (c) {
	case TERM_ESCAPE:
		return c;
	case 'x':
	case 'X':
		return TERM_QUIT;
	case 'h':
	case 'H':
	case '?':
		return TERM_HELP;
	default:
		return TERM_SWALLOW;
	}
}
