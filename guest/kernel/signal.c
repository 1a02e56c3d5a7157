/*
 * signal.c: signals -- posting, masks, dispositions, the signal frame and
 * sigreturn, default actions, kill, alarm and pause.
 *
 * Posting (sig_send and friends) marks a signal pending and wakes a
 * BLOCKED target unless the signal is blocked; a signal whose action is
 * "ignore" is discarded at once unless blocked (POSIX leaves either
 * choice open; Linux does the same).  Nothing else happens at posting:
 * every signal is acted on in one place, sig_return_user, which trap.c
 * calls on the way back to user mode whenever p->sigpending is non-zero
 * (one load and a branch when nothing is pending).  There the lowest
 * deliverable signal is taken: ignored, the default action (terminate,
 * reported through the wait status; or ignore), or a user handler run
 * through a struct lde_sigframe (include/lde/signal.h) pushed on the user
 * stack.
 *
 * The frame.  Below the interrupted %rsp the 128-byte red zone is left
 * alone; the frame goes under it so that at handler entry %rsp + 8 is
 * 16-byte aligned, as right after a call, and %rsp points at the
 * restorer (SA_RESTORER: the libc's, which calls SYS_sigreturn), which
 * is thus the handler's return address.  The frame holds the signal, the
 * registers in trapframe order (struct lde_sigcontext is a copy of the
 * trapframe's first fifteen words), RIP, RFLAGS, RSP, the mask to restore
 * and the fxsave image of the interrupted FPU state.  The handler starts
 * with %rdi = sig, a clean FPU, DF/TF/AC clear, the handler's mask (plus
 * the signal itself unless SA_NODEFER) blocked; SA_RESETHAND resets the
 * action to the default first.  A frame that cannot be written (a bad
 * stack) ends the process with SIGSEGV: a fault while delivering kills.
 *
 * sigreturn trusts nothing in the frame: RIP must be a user address below
 * USER_TOP and RSP below the canonical hole (iretq to a non-canonical RIP
 * would fault in the kernel), RFLAGS keeps only the user-modifiable bits
 * and IF set (mmu.h), CS and SS are forced to the user selectors, the
 * mask never blocks SIGKILL or SIGSTOP, and the fxsave image's MXCSR is
 * masked with the CPU's MXCSR_MASK (fpu.c).  A frame that fails is a
 * SIGSEGV for the process.
 *
 * Interrupted system calls.  A sleep that a signal ends returns -EINTR
 * (sched.c), having noted which call it was (p->restart_nr).  Calls that
 * may restart return -ERESTART instead (read, write, wait ...); on the
 * way out that becomes -EINTR when a handler without SA_RESTART runs, and
 * otherwise the call is made again: RIP goes back over the two-byte
 * `syscall` or `int $0x80` and RAX gets the number back.  pause and sleep
 * always end with -EINTR.
 *
 * Defaults (POSIX): SIGCHLD, SIGCONT ignored; SIGSTOP, SIGTSTP, SIGTTIN,
 * SIGTTOU also ignored, since lde has no stopped state (documented:
 * SIGSTOP still cannot be caught, blocked or ignored); every other signal
 * terminates (the "core" ones too: there are no core files).  init
 * (pid 1) gets from other processes only the signals it has a handler
 * for, as on Linux; a fault, its own alarm and the console's ^C still
 * reach it.
 *
 * Alarms: one per process, a TSC deadline; the timer tick compares the
 * earliest deadline (sig_next_alarm) and only then looks at the table.
 */
#include <lde/errno.h>
#include <lde/signal.h>
#include <lde/wait.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "trace.h"
#include "x86.h"

#define SIGTTIN 21
#define SIGTTOU 22

/* Default action "ignore"; every other default terminates. */
static const lde_sigset_t default_ignore = SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) |
                                           SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU);

uint64_t sig_next_alarm = UINT64_MAX;

static bool ignored(const struct proc *p, int sig)
{
	uint64_t h = p->sigact[sig].handler;

	return h == LDE_SIG_IGN || (h == LDE_SIG_DFL && (default_ignore & SIGBIT(sig)));
}

bool sig_fatal_default(const struct proc *p, int sig)
{
	return p->sigact[sig].handler == LDE_SIG_DFL && !(default_ignore & SIGBIT(sig));
}

/* ---- posting ----------------------------------------------------------- */

static void post(struct proc *p, int sig)
{
	const lde_sigset_t bit = SIGBIT(sig);

	if (p->state == LDE_PROC_ZOMBIE || p->state == LDE_PROC_UNUSED)
		return;
	if (!(p->sigmask & bit) && ignored(p, sig))
		return;
	p->sigpending |= bit;
	if (p->state == LDE_PROC_BLOCKED && !(p->sigmask & bit))
		unblock(p);
}

/* Does init take sig from another process?  Only with a handler. */
static bool init_spared(const struct proc *p, const struct proc *me, int sig)
{
	return p == initproc && p != me && p->sigact[sig].handler <= LDE_SIG_IGN;
}

void sig_send(struct proc *p, int sig)
{
	trace_event(LDE_EV_SIGNAL_SEND, curproc ? curproc->pid : 0, (uint64_t)p->pid, (uint64_t)sig);
	post(p, sig);
}

/* The console's ^C and ^\: every process of the group, pid 1 included --
 * lde's first process is often the command line's program, which a ^C
 * must be able to stop (/init ignores SIGINT itself). */
void sig_send_group(int pgid, int sig)
{
	trace_event(LDE_EV_SIGNAL_SEND, curproc ? curproc->pid : 0, (uint64_t)(int64_t)-pgid,
	            (uint64_t)sig);
	for (int i = 0; i < NPROC; i++)
		if (proc[i].pgid == pgid && proc[i].state != LDE_PROC_EMBRYO)
			post(&proc[i], sig);
}

/* A fault's signal cannot be blocked or ignored away (the instruction
 * would fault again at once): then the default action, death, applies. */
void sig_fault(struct proc *p, int sig)
{
	const lde_sigset_t bit = SIGBIT(sig);

	if ((p->sigmask & bit) || p->sigact[sig].handler == LDE_SIG_IGN) {
		p->sigmask &= ~bit;
		p->sigact[sig].handler = LDE_SIG_DFL;
		p->sigcaught &= ~bit;
	}
	sig_send(p, sig);
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
	if (sig && pid != -1)
		trace_event(LDE_EV_SIGNAL_SEND, me->pid,
		            (uint64_t)(pid > 0 ? pid : pid == 0 ? -me->pgid : pid), (uint64_t)sig);
	if (pid > 0) { /* one process: the pid hash, no scan */
		struct proc *p = proc_find(pid);
		if (!p || p->state == LDE_PROC_EMBRYO)
			return -ESRCH;
		if (sig && !init_spared(p, me, (int)sig))
			post(p, (int)sig);
		return 0;
	}
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
		if (!sig || init_spared(p, me, (int)sig))
			continue;
		if (pid == -1)
			sig_send(p, (int)sig);
		else
			post(p, (int)sig);
	}
	return found ? 0 : -ESRCH;
}

/* ---- delivery ---------------------------------------------------------- */

/* The frame's first part: everything but the fxsave image. */
struct frame_head {
	uint64_t restorer, sig;
	uint64_t regs[15]; /* r15 .. rax, the trapframe's order */
	uint64_t rip, rflags, rsp;
	lde_sigset_t oldmask;
	uint64_t pad;
};
_Static_assert(sizeof(struct frame_head) == offsetof(struct lde_sigframe, ctx.fxsave),
               "the head is the frame up to the fxsave image");
_Static_assert(offsetof(struct lde_sigframe, ctx.r15) == offsetof(struct frame_head, regs),
               "registers right after restorer and sig");
_Static_assert(offsetof(struct lde_sigcontext, rax) == offsetof(struct trapframe, rax),
               "lde_sigcontext's registers are the trapframe's");
_Static_assert(offsetof(struct lde_sigframe, ctx.rip) == offsetof(struct frame_head, rip),
               "rip after the registers");
_Static_assert(sizeof(struct lde_sigframe) == sizeof(struct frame_head) + 512, "frame size");

#define RED_ZONE 128

/* Go back over the `syscall` or `int $0x80` (both two bytes). */
static void restart(struct proc *p, struct trapframe *tf)
{
	tf->rax = p->restart_nr;
	tf->rip -= 2;
}

/* Push the frame for sig and point tf at the handler: 0 or -EFAULT. */
static int push_frame(struct proc *p, struct trapframe *tf, int sig,
                      const struct lde_sigaction *a)
{
	struct frame_head h;
	uint64_t sp = tf->rsp;

	if (sp > USER_TOP || sp < RED_ZONE + sizeof(struct lde_sigframe) + 16)
		return -EFAULT;
	sp = ((sp - RED_ZONE - sizeof(struct lde_sigframe)) & ~15ull) - 8;
	h.restorer = a->restorer;
	h.sig = (uint64_t)sig;
	memcpy(h.regs, tf, sizeof(h.regs));
	h.rip = tf->rip;
	h.rflags = tf->rflags;
	h.rsp = tf->rsp;
	h.oldmask = p->sigmask;
	h.pad = 0;
	fpu_save(p);
	if (copyout(sp, &h, sizeof(h)) || copyout(sp + sizeof(h), p->fpu, sizeof(p->fpu)))
		return -EFAULT;
	fpu_reset(p);
	tf->rsp = sp;
	tf->rip = a->handler;
	tf->rdi = (uint64_t)sig;
	tf->rsi = tf->rdx = tf->rax = 0;
	tf->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
	tf_changed(tf);
	return 0;
}

static void run_handler(struct proc *p, struct trapframe *tf, int sig)
{
	struct lde_sigaction *a = &p->sigact[sig];
	const struct lde_sigaction act = *a;

	if (p->restart_nr && (long)tf->rax == -ERESTART) {
		if (act.flags & SA_RESTART)
			restart(p, tf);
		else
			tf->rax = (uint64_t)-EINTR;
	}
	p->restart_nr = 0;
	if (act.flags & SA_RESETHAND) {
		a->handler = LDE_SIG_DFL;
		a->flags &= ~SA_RESETHAND;
		p->sigcaught &= ~SIGBIT(sig);
	}
	if (push_frame(p, tf, sig, &act)) {
		kprintf("signal: pid %d (%s): no room for the %s frame at rsp %p: SIGSEGV\n", p->pid,
		        p->name, sig_name(sig), (void *)tf->rsp);
		proc_exit(LDE_W_SIGNALED(SIGSEGV));
	}
	p->sigmask |= (act.mask | (act.flags & SA_NODEFER ? 0 : SIGBIT(sig))) & ~SIG_UNBLOCKABLE;
}

/* On the way back to user mode with signals pending: act on the lowest
 * deliverable one that is not ignored (at most one handler per return;
 * the next is taken on the return from its sigreturn). */
void sig_return_user(struct trapframe *tf)
{
	struct proc *p = curproc;
	lde_sigset_t ready;

	while ((ready = sig_deliverable(p)) != 0) {
		int sig = __builtin_ctzll(ready) + 1;
		uint64_t h = p->sigact[sig].handler;
		p->sigpending &= ~SIGBIT(sig);
		trace_event(LDE_EV_SIGNAL_DELIVER, p->pid, (uint64_t)sig, h);
		if (ignored(p, sig))
			continue;
		if (h == LDE_SIG_DFL)
			proc_exit(LDE_W_SIGNALED(sig));
		run_handler(p, tf, sig);
		return;
	}
	/* No handler ran: an interrupted call that may restart does. */
	if (p->restart_nr && (long)tf->rax == -ERESTART)
		restart(p, tf);
	p->restart_nr = 0;
}

/* ---- system calls ------------------------------------------------------- */

long sys_sigaction(struct trapframe *tf)
{
	struct proc *p = curproc;
	long sig = (long)tf->rdi;
	uint64_t uact = tf->rsi, uold = tf->rdx;
	struct lde_sigaction k;

	if (sig < 1 || sig >= LDE_NSIG || (uact && (SIG_UNBLOCKABLE & SIGBIT(sig))))
		return -EINVAL;
	if (uact) {
		if (copyin(&k, uact, sizeof(k)))
			return -EFAULT;
		if (k.handler > LDE_SIG_IGN && k.handler >= USER_TOP)
			return -EINVAL; /* never a RIP iretq could fault on */
	}
	if (uold && copyout(uold, &p->sigact[sig], sizeof(k)))
		return -EFAULT;
	if (!uact)
		return 0;
	k.mask &= SIG_VALID & ~SIG_UNBLOCKABLE;
	k.pad = 0;
	p->sigact[sig] = k;
	if (k.handler > LDE_SIG_IGN)
		p->sigcaught |= SIGBIT(sig);
	else
		p->sigcaught &= ~SIGBIT(sig);
	if (ignored(p, (int)sig))
		p->sigpending &= ~SIGBIT(sig); /* POSIX: pending instances go */
	return 0;
}

long sys_sigreturn(struct trapframe *tf)
{
	struct proc *p = curproc;
	uint64_t f = tf->rsp - 8; /* the handler's ret took `restorer` */
	struct frame_head h;

	if (tf->rsp < 8 || copyin(&h, f, sizeof(h)) ||
	    copyin(p->fpu, f + sizeof(h), sizeof(p->fpu)) || h.rip >= USER_TOP ||
	    h.rsp >= (1ull << 47)) {
		kprintf("signal: pid %d (%s): sigreturn with a bad frame at %p: SIGSEGV\n", p->pid,
		        p->name, (void *)f);
		fpu_load(p); /* p->fpu may hold anything now: sanitised, it is harmless */
		sig_fault(p, SIGSEGV);
		return -EFAULT;
	}
	memcpy(tf, h.regs, sizeof(h.regs));
	tf->rip = h.rip;
	tf->rsp = h.rsp;
	tf->rflags = (h.rflags & RFLAGS_USER_MASK) | RFLAGS_USER_SET;
	tf->cs = SEG_UCODE | 3;
	tf->ss = SEG_UDATA | 3;
	tf->error = 0;
	tf_changed(tf);
	p->sigmask = h.oldmask & SIG_VALID & ~SIG_UNBLOCKABLE;
	fpu_load(p);
	return (long)h.regs[14]; /* rax: syscall() stores the result there */
}

long sys_sigprocmask(struct trapframe *tf)
{
	struct proc *p = curproc;
	uint64_t how = tf->rdi, uset = tf->rsi, uold = tf->rdx;
	lde_sigset_t set = 0, old = p->sigmask, now = old;

	if (uset) {
		if (copyin(&set, uset, sizeof(set)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			now = old | set;
		else if (how == SIG_UNBLOCK)
			now = old & ~set;
		else if (how == SIG_SETMASK)
			now = set;
		else
			return -EINVAL;
	}
	if (uold && copyout(uold, &old, sizeof(old)))
		return -EFAULT;
	p->sigmask = now & SIG_VALID & ~SIG_UNBLOCKABLE;
	return 0;
}

long sys_kill(struct trapframe *tf)
{
	return sig_kill((int)tf->rdi, (long)tf->rsi);
}

/* pause(): BLOCKED until a signal is caught; always -EINTR. */
long sys_pause(struct trapframe *tf)
{
	static const char pause_chan; /* nobody wakes it: only signals end the sleep */

	(void)tf;
	while (sleep_on(&pause_chan, "pause") == 0)
		;
	return -EINTR;
}

/* alarm(seconds): SIGALRM that many seconds from now (0: none); the
 * seconds left on the previous alarm, rounded up. */
long sys_alarm(struct trapframe *tf)
{
	struct proc *p = curproc;
	uint64_t secs = (uint32_t)tf->rdi, now = rdtsc(), hz = tsc_khz * 1000, left = 0;

	if (p->alarm_tsc > now)
		left = (p->alarm_tsc - now + hz - 1) / hz;
	p->alarm_tsc = secs ? now + secs * hz : 0;
	if (p->alarm_tsc && p->alarm_tsc < sig_next_alarm)
		sig_next_alarm = p->alarm_tsc;
	return (long)left;
}

/* From the timer tick, once the earliest alarm is due. */
void sig_alarms(uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc[i];
		if (!p->alarm_tsc)
			continue;
		if (p->state == LDE_PROC_UNUSED || p->state == LDE_PROC_ZOMBIE) {
			p->alarm_tsc = 0;
		} else if (p->alarm_tsc <= now) {
			p->alarm_tsc = 0;
			sig_send(p, SIGALRM);
		} else if (p->alarm_tsc < next) {
			next = p->alarm_tsc;
		}
	}
	sig_next_alarm = next;
}

/* ---- fork and exec ------------------------------------------------------ */

/* The child inherits actions and mask; nothing pending, no alarm. */
void sig_fork(struct proc *child, struct proc *parent)
{
	memcpy(child->sigact, parent->sigact, sizeof(child->sigact));
	child->sigmask = parent->sigmask;
	child->sigcaught = parent->sigcaught;
}

/* A new image: handlers go back to the default (their code is gone);
 * ignored signals, the mask, pending signals and the alarm stay. */
void sig_exec(struct proc *p)
{
	for (lde_sigset_t c = p->sigcaught; c; c &= c - 1) {
		int sig = __builtin_ctzll(c) + 1;
		memset(&p->sigact[sig], 0, sizeof(p->sigact[sig]));
	}
	p->sigcaught = 0;
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
	    [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
	};
	return sig > 0 && sig < LDE_NSIG && names[sig] ? names[sig] : "signal ?";
}
