/*
 * signal.c: the one place where a signal reaches a process.
 *
 * sig_post marks a signal pending; sig_return_user, called on every
 * return to user mode (trap.c), acts on it.  There are no handlers yet
 * (issue 4 adds sigaction, masks, the signal frame and sigreturn here):
 * every signal takes its default action, which for the signals the
 * kernel posts today (the faults) is to terminate, reported to the
 * parent through the wait status.
 */
#include <lde/signal.h>
#include <lde/wait.h>

#include "defs.h"
#include "proc.h"

void sig_post(struct proc *p, int sig)
{
	assert(sig > 0 && sig < LDE_NSIG);
	p->sigpending |= 1ull << (sig - 1);
}

/* On the way back to user mode with signals pending. */
void sig_return_user(struct trapframe *tf)
{
	struct proc *p = curproc;
	int sig = __builtin_ctzll(p->sigpending) + 1; /* the lowest first */

	(void)tf;
	p->sigpending &= ~(1ull << (sig - 1));
	proc_exit(LDE_W_SIGNALED(sig));
}

const char *sig_name(int sig)
{
	static const char *const names[LDE_NSIG] = {
	    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
	    [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	    [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
	    [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
	    [SIGTSTP] = "SIGTSTP",
	};
	return sig > 0 && sig < LDE_NSIG && names[sig] ? names[sig] : "signal ?";
}
