/*
 * ut.h: the usertests framework.
 *
 * Every test is a function in the table in main.c, run in a forked child
 * of the runner.  It returns ut_pass(), ut_fail(fmt, ...) or
 * ut_skip(fmt, ...); the child prints its one line (PASS name [(note)],
 * FAIL name (reason), SKIP name (reason)) and exits with UT_EXIT_*.  Any
 * other end of the child (a signal, another exit status, a timeout) makes
 * the runner print the FAIL line itself.
 */
#ifndef UT_H
#define UT_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <lde.h>

/* Exit statuses of a test child, unlike any a stray program would give. */
#define UT_EXIT_PASS 100
#define UT_EXIT_FAIL 101
#define UT_EXIT_SKIP 102

/* Where the programs live in the initrd; usertests re-executes itself. */
#define UT_SELF "/bin/usertests"

int ut_pass(void);
int ut_note(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* pass, with a note */
int ut_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ut_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return ut_fail(__VA_ARGS__);                                               \
	} while (0)

/* A raw result that says "not implemented" ends the test with SKIP. */
#define NEED(raw, what)                                                                            \
	do {                                                                                       \
		if ((raw) == -ENOSYS)                                                              \
			return ut_skip("%s: not implemented (ENOSYS)", what);                      \
	} while (0)

/* Run fn(arg) in a child that then exits with fn's return value; returns
 * the wait status, or -1 (errno) if fork or waitpid failed. */
int ut_child(int (*fn)(void *), void *arg);
/* The wait status as words: "exit 3", "signal 11 (Segmentation fault)". */
const char *ut_status(int st);
/* Ticks of the clock: uptime in ms. */
static inline uint64_t ut_now(void)
{
	return uptime_ms();
}

/* Self-exec helper modes (main.c dispatches `usertests --child MODE ...`). */
int ut_child_mode(int argc, char **argv);

/* The tests. */
#define UT_TESTS(X)                                                                                \
	X(fork_basic) X(exit_status) X(fault_status) X(wait_any) X(waitpid_specific)               \
	X(waitpid_nohang) X(wait_nochild) X(zombie_state) X(blocked_state) X(fork_copy)            \
	X(orphan_reparent) X(fork1000) X(proctable_full) X(preempt) X(fpu_preempt) X(sleep_time)   \
	X(yield)                                                                                   \
	X(exec_missing) X(exec_notelf) X(exec_args) X(exec_bigargs) X(exec_entry) X(exec_fpu)      \
	X(exec_pid) X(exec_path)                                                                   \
	X(memfault) X(privileged) X(stack_usable) X(stack_overflow) X(sbrk_basic) X(sbrk_shrink)   \
	X(malloc_stress) X(fork_bigheap)                                                           \
	X(efault) X(paths_agree) X(regs_syscall) X(regs_int80) X(enosys) X(badfd) X(sysinfo)       \
	X(procsnap) X(tracemark) X(rflags_nt) X(timerlat_off) X(kcheck)                            \
	X(sig_handler) X(sig_kill) X(sig_default) X(sig_ignore) X(sig_chld) X(sig_alarm)           \
	X(sig_mask) X(sig_fault_handler) X(sig_bad_sigreturn) X(sig_errors) X(sig_fpu) X(sig_pgrp) \
	X(pipe_basic) X(pipe_eof) X(pipe_epipe) X(pipe_big) X(pipeline100) X(fd_inherit)           \
	X(dup_fds) X(close_stdout)                                                                 \
	X(file_rw) X(file_append) X(file_seek) X(file_stat) X(open_close1000) X(dir_ops)           \
	X(initrd_files) X(file_errors) X(cwd) X(dir_records)                                       \
	X(tty_mode) X(tty_pgrp) X(sh_smoke)

#define UT_DECLARE(name) int t_##name(void);
UT_TESTS(UT_DECLARE)

#endif
