/*
 * signal.h: signal numbers, masks and flags are the kernel's
 * (include/lde/signal.h).  sigaction() always installs the libc's
 * restorer (SA_RESTORER), which returns through SYS_sigreturn.
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>
#include <lde/signal.h>

typedef lde_sigset_t sigset_t;
typedef void (*sighandler_t)(int);
typedef int sig_atomic_t;

#define NSIG    LDE_NSIG
#define SIG_DFL ((sighandler_t)LDE_SIG_DFL)
#define SIG_IGN ((sighandler_t)LDE_SIG_IGN)
#define SIG_ERR ((sighandler_t)-1)

struct sigaction {
	sighandler_t sa_handler;
	sigset_t sa_mask;
	int sa_flags;
	void (*sa_restorer)(void); /* ignored: the libc supplies its own */
};

sighandler_t signal(int sig, sighandler_t handler); /* handler persists, SA_RESTART */
int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old);
int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int kill(pid_t pid, int sig);
int raise(int sig);
const char *strsignal(int sig);

/* Signal names without the SIG prefix (POSIX.1-2024): sig2str writes
 * "TERM" (or the number, for a signal without a name) into str, which
 * holds SIG2STR_MAX bytes; str2sig takes "TERM", "SIGTERM" (any case) or
 * a number.  Both return 0, or -1 for no such signal. */
#define SIG2STR_MAX 32
int sig2str(int sig, char *str);
int str2sig(const char *str, int *sig);

#endif
