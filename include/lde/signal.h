/*
 * Signals: numbers (Linux's), sigaction and the frame the kernel pushes on
 * the user stack to run a handler.
 */
#ifndef LDE_SIGNAL_H
#define LDE_SIGNAL_H

#include <stdint.h>

#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGABRT   6
#define SIGBUS    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define LDE_NSIG  32 /* valid signals are 1..LDE_NSIG-1 */

typedef uint64_t lde_sigset_t; /* bit (sig - 1) */

#define LDE_SIG_DFL 0ul
#define LDE_SIG_IGN 1ul

#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u
#define SA_RESTART   0x10000000u
#define SA_RESTORER  0x04000000u

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

struct lde_sigaction {
	uint64_t handler;  /* LDE_SIG_DFL, LDE_SIG_IGN or a user address */
	lde_sigset_t mask; /* blocked while the handler runs */
	uint32_t flags;    /* SA_* */
	uint32_t pad;
	uint64_t restorer; /* user code that calls SYS_sigreturn */
};

/* The user context saved in a signal frame, restored by sigreturn only
 * after validation (RIP canonical user, RFLAGS masked, CS/SS forced).
 * fxsave is the 512-byte image of the FPU/SSE state (MXCSR reserved bits
 * are cleared on restore).  The struct is 8-byte aligned: at handler
 * entry the frame starts at an address that is 8 modulo 16 (below), so
 * fxsave is not 16-byte aligned in the frame; copy it out before using it
 * with fxrstor. */
struct lde_sigcontext {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t rip, rflags, rsp;
	lde_sigset_t oldmask;
	uint64_t pad;
	uint8_t fxsave[512];
};

/* On the user stack at handler entry (%rsp points at `restorer`, as after
 * a call, so %rsp + 8 is 16-byte aligned; %rdi = sig). */
struct lde_sigframe {
	uint64_t restorer; /* return address of the handler */
	uint64_t sig;
	struct lde_sigcontext ctx;
};

_Static_assert(sizeof(struct lde_sigframe) == 688, "signal frame is 688 bytes");

#endif
