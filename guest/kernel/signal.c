/*
 * signal.c: the one place where a signal reaches a process.
 *
 * sig_post marks a signal pending and wakes the process if it is
 * BLOCKED (its sleep then ends with EINTR, sched.c); sig_return_user,
 * called on every return to user mode (trap.c), acts on it.  There are no
 * handlers yet (issue 4 adds sigaction, masks, the signal frame and
 * sigreturn here): every signal takes its default action -- SIGCHLD and
 * SIGCONT are ignored (SIGSTOP and SIGTSTP too, until there is job
 * control), every other one terminates, reported to the parent through
 * the wait status.  Like Linux, init (pid 1) is spared the signals it
 * cannot handle when another process sends them.
 */
#include <lde/errno.h>
#include <lde/signal.h>
#include <lde/wait.h>

#include "defs.h"
#include "proc.h"

#define SIGBIT(s) (1ull << ((s)-1))
/* Default action "ignore"; every other default terminates. */
static const lde_sigset_t default_ignore =
    SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP);

void sig_post(struct proc *p, int sig)
{
	assert(sig > 0 && sig < LDE_NSIG);
	if (default_ignore & SIGBIT(sig))
		return;
	p->sigpending |= SIGBIT(sig);
	if (p->state == LDE_PROC_BLOCKED)
		unblock(p);
}

/* kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 every
 * process but init and the caller, < -1 the group -pid.  sig 0 only
 * checks that the target exists. */
long sig_kill(long pid, long sig)
{
	struct proc *me = curproc;
	bool found = false;

	if (sig < 0 || sig >= LDE_NSIG)
		return -EINVAL;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc[i];
		if (p->state == LDE_PROC_UNUSED || p->state == LDE_PROC_EMBRYO)
			continue;
		if (pid > 0 ? p->pid != pid
		    : pid == 0 ? p->pgid != me->pgid
		    : pid == -1 ? p == initproc || p == me
		                : p->pgid != -pid)
			continue;
		found = true;
		/* Issue 5 records LDE_EV_SIGNAL_SEND here. */
		if (sig && p->state != LDE_PROC_ZOMBIE && !(p == initproc && p != me))
			sig_post(p, (int)sig);
	}
	return found ? 0 : -ESRCH;
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
