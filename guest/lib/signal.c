/*
 * signal.c: sigaction and signal over SYS_sigaction (always with the
 * libc's restorer), masks, raise and abort.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <lde/syscall.h>
#include "libc.h"

static int bad_sig(int sig)
{
	if (sig < 1 || sig >= LDE_NSIG) {
		errno = EINVAL;
		return 1;
	}
	return 0;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old)
{
	struct lde_sigaction kact, kold;
	if (act) {
		kact.handler = (uint64_t)act->sa_handler;
		kact.mask = act->sa_mask;
		kact.flags = (uint32_t)act->sa_flags | SA_RESTORER;
		kact.pad = 0;
		kact.restorer = (uint64_t)__lde_restorer;
	}
	if (SYS(SYS_sigaction, sig, act ? &kact : NULL, old ? &kold : NULL) < 0)
		return -1;
	if (old) {
		old->sa_handler = (sighandler_t)kold.handler;
		old->sa_mask = kold.mask;
		old->sa_flags = (int)kold.flags;
		old->sa_restorer = (void (*)(void))kold.restorer;
	}
	return 0;
}

/* BSD semantics, as glibc's signal(): the handler stays installed, and
 * interrupted calls restart. */
sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;
	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	return (int)SYS(SYS_sigprocmask, how, set, old);
}

int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	*set = ~(sigset_t)0;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (bad_sig(sig))
		return -1;
	*set |= (sigset_t)1 << (sig - 1);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (bad_sig(sig))
		return -1;
	*set &= ~((sigset_t)1 << (sig - 1));
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (bad_sig(sig))
		return -1;
	return (*set >> (sig - 1)) & 1;
}

int raise(int sig)
{
	return kill(getpid(), sig);
}

/* SIGABRT, even if caught or ignored; if even the default action does not
 * end us (no signals in this kernel yet), exit as a shell would report
 * a SIGABRT death. */
_Noreturn void abort(void)
{
	sigset_t set = (sigset_t)1 << (SIGABRT - 1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGABRT);
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigaction(SIGABRT, &dfl, NULL);
	raise(SIGABRT);
	_exit(128 + SIGABRT);
}
