/*
 * t_sig.c: signals (issue 4).  Each test skips with ENOSYS until the
 * kernel has the calls it needs.
 */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

/* Skip unless sigaction and kill exist. */
#define NEED_SIGNALS()                                                                             \
	do {                                                                                       \
		NEED(lde_syscall(SYS_sigaction, SIGUSR2, NULL, NULL), "sigaction");                \
		NEED(lde_syscall(SYS_kill, getpid(), 0), "kill");                                  \
	} while (0)

static volatile sig_atomic_t got, got_sig, chld;

static void on_sig(int sig)
{
	got++;
	got_sig = sig;
}

static void on_chld(int sig)
{
	(void)sig;
	chld++;
}

int t_sig_handler(void)
{
	NEED_SIGNALS();
	CHECK(signal(SIGUSR1, on_sig) != SIG_ERR, "signal: %s", strerror(errno));
	volatile long locals[4] = {1, 2, 3, 4};
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill: %s", strerror(errno));
	CHECK(got == 1 && got_sig == SIGUSR1, "handler ran %d times, sig %d", (int)got, (int)got_sig);
	CHECK(locals[0] == 1 && locals[3] == 4, "our stack changed across the handler");
	CHECK(raise(SIGUSR1) == 0 && got == 2, "second delivery: handler ran %d times", (int)got);
	/* sigaction reports the handler we installed. */
	struct sigaction old;
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_sig,
	      "sigaction did not report our handler");
	return ut_pass();
}

static int kill_me(void *arg)
{
	(void)arg;
	signal(SIGTERM, on_sig);
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		pause();
	return 0;
}

int t_sig_kill(void)
{
	NEED_SIGNALS();
	struct sigaction act = {.sa_handler = on_sig};
	errno = 0;
	CHECK(sigaction(SIGKILL, &act, NULL) == -1 && errno == EINVAL,
	      "sigaction(SIGKILL) errno %d, want EINVAL", errno);
	CHECK(signal(SIGKILL, SIG_IGN) == SIG_ERR, "SIGKILL could be ignored");
	CHECK(signal(SIGSTOP, on_sig) == SIG_ERR, "SIGSTOP could be caught");
	pid_t pid = fork();
	if (pid == 0)
		_exit(kill_me(NULL));
	msleep(50);
	CHECK(kill(pid, SIGKILL) == 0, "kill: %s", strerror(errno));
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "child: %s, want SIGKILL", ut_status(st));
	return ut_pass();
}

static int wait_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

int t_sig_default(void)
{
	NEED_SIGNALS();
	static const struct {
		int sig;
		int dies;
	} cases[] = {{SIGTERM, 1}, {SIGINT, 1}, {SIGHUP, 1}, {SIGUSR1, 1}, {SIGUSR2, 1},
		     {SIGALRM, 1}, {SIGPIPE, 1}, {SIGQUIT, 1}, {SIGCHLD, 0}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(wait_forever(NULL));
		msleep(20);
		CHECK(kill(pid, cases[i].sig) == 0, "kill: %s", strerror(errno));
		msleep(50);
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (cases[i].dies) {
			if (r == 0)
				r = waitpid(pid, &st, 0);
			CHECK(r == pid && WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig,
			      "signal %d: %s", cases[i].sig, ut_status(st));
		} else {
			CHECK(r == 0, "signal %d (default: ignore) ended the child", cases[i].sig);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
	}
	return ut_pass();
}

int t_sig_ignore(void)
{
	NEED_SIGNALS();
	CHECK(signal(SIGTERM, SIG_IGN) != SIG_ERR, "signal: %s", strerror(errno));
	CHECK(kill(getpid(), SIGTERM) == 0, "kill: %s", strerror(errno));
	/* Ignored dispositions survive fork and exec; tested through a child. */
	pid_t pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "child with SIGTERM ignored: %s",
	      ut_status(st));
	return ut_pass();
}

int t_sig_chld(void)
{
	NEED_SIGNALS();
	CHECK(signal(SIGCHLD, on_chld) != SIG_ERR, "signal: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	uint64_t end = ut_now() + 5000;
	while (!chld && ut_now() < end)
		msleep(10);
	CHECK(chld >= 1, "no SIGCHLD after the child exited");
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return ut_pass();
}

int t_sig_alarm(void)
{
	NEED_SIGNALS();
	NEED(lde_syscall(SYS_alarm, 0), "alarm");
	CHECK(signal(SIGALRM, on_sig) != SIG_ERR, "signal: %s", strerror(errno));
	uint64_t t0 = ut_now();
	alarm(1);
	errno = 0;
	int r = pause();
	uint64_t dt = ut_now() - t0;
	CHECK(r == -1 && errno == EINTR, "pause returned %d errno %d, want -1 EINTR", r, errno);
	CHECK(got == 1 && got_sig == SIGALRM, "handler: %d times, sig %d", (int)got, (int)got_sig);
	CHECK(dt >= 900 && dt < 3000, "alarm(1) fired after %lu ms", (unsigned long)dt);
	CHECK(alarm(5) == 0, "no alarm should be pending");
	unsigned left = alarm(0);
	CHECK(left >= 4 && left <= 5, "alarm(0) after alarm(5) returned %u", left);
	return ut_note("alarm(1) after %lu ms", (unsigned long)dt);
}

int t_sig_mask(void)
{
	NEED_SIGNALS();
	NEED(lde_syscall(SYS_sigprocmask, SIG_BLOCK, NULL, NULL), "sigprocmask");
	CHECK(signal(SIGUSR1, on_sig) != SIG_ERR, "signal: %s", strerror(errno));
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0, "sigprocmask: %s", strerror(errno));
	CHECK(!sigismember(&old, SIGUSR1), "SIGUSR1 blocked from the start");
	kill(getpid(), SIGUSR1);
	CHECK(got == 0, "a blocked signal was delivered");
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0, "sigprocmask: %s", strerror(errno));
	CHECK(got == 1, "unblocking did not deliver the pending signal (%d)", (int)got);
	sigset_t cur;
	CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0 && !sigismember(&cur, SIGUSR1),
	      "mask not restored");
	/* SIGKILL can never be blocked: a full mask leaves it out. */
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGKILL), "SIGKILL is in the blocked mask");
	return ut_pass();
}

static void segv_exit(int sig)
{
	_exit(sig == SIGSEGV ? 42 : 43);
}

int t_sig_fault_handler(void)
{
	NEED_SIGNALS();
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, segv_exit);
		*(volatile int *)0 = 1;
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "SIGSEGV handler: %s, want exit 42",
	      ut_status(st));
	return ut_pass();
}

/* A handler that forges its frame's saved RIP to a kernel address. */
_Static_assert(offsetof(struct lde_sigframe, ctx.rip) == 136, "frame layout");
_Static_assert(offsetof(struct lde_sigframe, ctx.rflags) == 144, "frame layout");
void forge_rip(int);
void forge_rflags(int);
__asm__(".text\n"
	"forge_rip:\n"
	"	movabs $0xffffffff80100000, %rax\n"
	"	mov %rax, 136(%rsp)\n"
	"	ret\n"
	"forge_rflags:\n"
	"	orq $0x3000, 144(%rsp)\n" /* IOPL 3 */
	"	ret\n");

static int forged(void *arg)
{
	signal(SIGUSR1, (sighandler_t)arg);
	kill(getpid(), SIGUSR1);
	/* With IOPL forged to 3 refused, this out must still fault. */
	__asm__ volatile("movb $0, %%al; outb %%al, $0x80" ::: "rax");
	return 0;
}

int t_sig_bad_sigreturn(void)
{
	NEED_SIGNALS();
	int st = ut_child(forged, (void *)forge_rip);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "sigreturn to a forged kernel RIP: %s, want SIGSEGV", ut_status(st));
	st = ut_child(forged, (void *)forge_rflags);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "sigreturn with IOPL 3 forged, then out: %s, want SIGSEGV", ut_status(st));
	return ut_pass();
}

int t_sig_errors(void)
{
	NEED_SIGNALS();
	static const int bad[] = {-1, LDE_NSIG, 64, 1000};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		CHECK(kill(getpid(), bad[i]) == -1 && errno == EINVAL, "kill(self, %d): errno %d",
		      bad[i], errno);
		errno = 0;
		CHECK(signal(bad[i], on_sig) == SIG_ERR && errno == EINVAL, "signal(%d): errno %d",
		      bad[i], errno);
	}
	errno = 0;
	CHECK(kill(99999, SIGTERM) == -1 && errno == ESRCH, "kill(99999): errno %d", errno);
	CHECK(kill(getpid(), 0) == 0, "kill(self, 0): %s", strerror(errno));
	return ut_pass();
}

static volatile double handler_result;

static void fpu_handler(int sig)
{
	volatile double x = sig;
	for (int i = 0; i < 1000; i++)
		x = x * 1.5 + 0.25;
	handler_result = x;
	uint32_t mxcsr = 0x7f80; /* round toward zero inside the handler */
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
}

int t_sig_fpu(void)
{
	NEED_SIGNALS();
	signal(SIGUSR1, fpu_handler);
	volatile double a = 1.0 / 3.0;
	double before = a * 3.0;
	kill(getpid(), SIGUSR1);
	double after = a * 3.0;
	uint32_t mxcsr;
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	CHECK(handler_result != 0, "handler did not run");
	CHECK((mxcsr & 0x6000) == 0, "the handler's rounding mode leaked: mxcsr %#x", mxcsr);
	CHECK(before == after, "floating point result changed across a handler");
	return ut_pass();
}

int t_sig_pgrp(void)
{
	NEED_SIGNALS();
	NEED(lde_syscall(SYS_setpgid, 0, 0), "setpgid");
	enum { N = 3 };
	pid_t kids[N];
	pid_t leader = 0;
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			setpgid(0, leader);
			_exit(wait_forever(NULL));
		}
		CHECK(kids[i] > 0, "fork: %s", strerror(errno));
		setpgid(kids[i], leader ? leader : kids[i]); /* parent does it too: no race */
		if (i == 0)
			leader = kids[0];
	}
	CHECK(getpgid(kids[2]) == leader, "child's group %d, want %d", getpgid(kids[2]), leader);
	CHECK(kill(-leader, SIGTERM) == 0, "kill(-%d): %s", leader, strerror(errno));
	for (int i = 0; i < N; i++) {
		int st;
		CHECK(waitpid(kids[i], &st, 0) == kids[i], "waitpid: %s", strerror(errno));
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child %d: %s", i, ut_status(st));
	}
	CHECK(getpgid(0) != leader, "we were in the group");
	return ut_pass();
}
