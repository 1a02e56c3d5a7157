/*
 * usertests: lde's in-guest test suite, in xv6's manner.
 *
 *   usertests [-i] [-s] [-g GROUP] [NAME...]   run tests
 *   usertests -l                               list them
 *
 * Each test runs in a forked child and prints one PASS, FAIL or SKIP
 * line; the exit status is the number of failures (at most 255).  -i
 * makes every libc call use int 0x80 instead of syscall; -s (strict)
 * counts SKIP as failure; -g runs one group.  Tests of calls the kernel
 * does not have yet end with SKIP (... ENOSYS).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests/ut.h"

struct ut_test {
	const char *name;
	const char *group;
	int (*fn)(void);
	unsigned timeout_s; /* 0: DEFAULT_TIMEOUT */
	const char *what;
};

#define DEFAULT_TIMEOUT 30

/* The table.  Groups: proc, exec, mem, sys (issue 3); signals, pipes,
 * files, tty, shell (issue 4).  Order matters only for kcheck, which runs last. */
static const struct ut_test tests[] = {
	{"fork_basic", "proc", t_fork_basic, 0, "fork returns the child's pid and 0; getppid"},
	{"exit_status", "proc", t_exit_status, 0, "exit codes reach waitpid (WIFEXITED/WEXITSTATUS)"},
	{"fault_status", "proc", t_fault_status, 0, "faults end a child with the right signal"},
	{"wait_any", "proc", t_wait_any, 0, "wait reaps each child once, then ECHILD"},
	{"waitpid_specific", "proc", t_waitpid_specific, 0, "waitpid(pid) waits for that child"},
	{"waitpid_nohang", "proc", t_waitpid_nohang, 0, "WNOHANG returns 0 while the child runs"},
	{"wait_nochild", "proc", t_wait_nochild, 0, "ECHILD for no or foreign children"},
	{"zombie_state", "proc", t_zombie_state, 0, "an exited, unwaited child is a ZOMBIE"},
	{"blocked_state", "proc", t_blocked_state, 0, "a sleeping child is BLOCKED"},
	{"fork_copy", "proc", t_fork_copy, 0, "fork copies data, heap and stack"},
	{"orphan_reparent", "proc", t_orphan_reparent, 0, "orphans go to pid 1, which reaps them"},
	{"fork1000", "proc", t_fork1000, 120, "1000 fork/exit/wait; free pages back"},
	{"proctable_full", "proc", t_proctable_full, 60, "fork until EAGAIN, reap all"},
	{"preempt", "proc", t_preempt, 60, "spinning children are preempted, all finish"},
	{"fpu_preempt", "proc", t_fpu_preempt, 60, "SSE/x87 state survives preemption"},
	{"sleep_time", "proc", t_sleep_time, 0, "sleep blocks for its time; uptime advances"},
	{"yield", "proc", t_yield, 0, "sched_yield returns 0"},
	{"exec_missing", "exec", t_exec_missing, 0, "exec of a missing program: ENOENT, caller intact"},
	{"exec_notelf", "exec", t_exec_notelf, 0, "exec of a text file: ENOEXEC"},
	{"exec_args", "exec", t_exec_args, 0, "100 arguments and the environment reach the child"},
	{"exec_bigargs", "exec", t_exec_bigargs, 0, "4 MiB of arguments: E2BIG, caller intact"},
	{"exec_entry", "exec", t_exec_entry, 0, "registers and stack at entry (design.md contract)"},
	{"exec_fpu", "exec", t_exec_fpu, 0, "a new image starts with a clean FPU"},
	{"exec_pid", "exec", t_exec_pid, 0, "exec keeps pid and parent"},
	{"exec_path", "exec", t_exec_path, 0, "execvp/execl/execle find and run programs"},
	{"memfault", "mem", t_memfault, 0, "bad user accesses die by SIGSEGV"},
	{"privileged", "mem", t_privileged, 0, "privileged instructions in ring 3 are killed"},
	{"stack_usable", "mem", t_stack_usable, 0, "64 KiB of stack work"},
	{"stack_overflow", "mem", t_stack_overflow, 0, "the guard page stops runaway recursion"},
	{"sbrk_basic", "mem", t_sbrk_basic, 0, "sbrk grows the heap; absurd sizes fail ENOMEM"},
	{"sbrk_shrink", "mem", t_sbrk_shrink, 0, "negative sbrk unmaps"},
	{"malloc_stress", "mem", t_malloc_stress, 0, "malloc/free/realloc keep the heap sound"},
	{"fork_bigheap", "mem", t_fork_bigheap, 60, "a 4 MiB heap is copied by fork and freed"},
	{"efault", "sys", t_efault, 0, "bad pointers give EFAULT on every call"},
	{"paths_agree", "sys", t_paths_agree, 0, "syscall and int 0x80 give the same results"},
	{"regs_syscall", "sys", t_regs_syscall, 0, "syscall keeps all but rax, rcx, r11"},
	{"regs_int80", "sys", t_regs_int80, 0, "int 0x80 keeps all but rax"},
	{"enosys", "sys", t_enosys, 0, "unknown numbers give ENOSYS"},
	{"badfd", "sys", t_badfd, 0, "bad descriptors give EBADF"},
	{"sysinfo", "sys", t_sysinfo, 0, "sysinfo fields are sane"},
	{"procsnap", "sys", t_procsnap, 0, "the process snapshot shows us, respects its size"},
	{"tracemark", "sys", t_tracemark, 0, "tracemark returns 0"},
	{"timerlat_off", "sys", t_timerlat_off, 0, "timerlat without the boot option: EINVAL"},
	{"rflags_nt", "sys", t_rflags_nt, 0, "a system call entered with RFLAGS.NT set leaves the kernel whole"},
	{"sig_handler", "signals", t_sig_handler, 0, "a handler runs and returns"},
	{"sig_kill", "signals", t_sig_kill, 0, "SIGKILL cannot be caught, blocked or ignored"},
	{"sig_default", "signals", t_sig_default, 0, "default actions: terminate or ignore"},
	{"sig_ignore", "signals", t_sig_ignore, 0, "SIG_IGN ignores"},
	{"sig_chld", "signals", t_sig_chld, 0, "SIGCHLD when a child exits"},
	{"sig_alarm", "signals", t_sig_alarm, 0, "alarm delivers SIGALRM; pause returns EINTR"},
	{"sig_mask", "signals", t_sig_mask, 0, "a blocked signal waits until unblocked"},
	{"sig_fault_handler", "signals", t_sig_fault_handler, 0, "a SIGSEGV handler runs on a fault"},
	{"sig_bad_sigreturn", "signals", t_sig_bad_sigreturn, 0, "a forged frame is refused"},
	{"sig_errors", "signals", t_sig_errors, 0, "EINVAL and ESRCH from kill and sigaction"},
	{"sig_fpu", "signals", t_sig_fpu, 0, "a handler's FPU use does not leak"},
	{"sig_pgrp", "signals", t_sig_pgrp, 0, "kill(-pgid) reaches the whole group"},
	{"pipe_basic", "pipes", t_pipe_basic, 0, "bytes cross a pipe between processes"},
	{"pipe_eof", "pipes", t_pipe_eof, 0, "EOF once every writer has closed"},
	{"pipe_epipe", "pipes", t_pipe_epipe, 0, "no reader: SIGPIPE, or EPIPE when ignored"},
	{"pipe_big", "pipes", t_pipe_big, 0, "1 MiB through a pipe, intact"},
	{"pipeline100", "pipes", t_pipeline100, 60, "a 100-stage pipeline"},
	{"fd_inherit", "pipes", t_fd_inherit, 0, "descriptors survive fork and exec"},
	{"dup_fds", "pipes", t_dup_fds, 0, "dup and dup2; lowest free descriptor"},
	{"close_stdout", "pipes", t_close_stdout, 0, "printing after close(1) fails cleanly"},
	{"file_rw", "files", t_file_rw, 0, "create, write, read back, unlink"},
	{"file_append", "files", t_file_append, 0, "O_APPEND and O_TRUNC"},
	{"file_seek", "files", t_file_seek, 0, "lseek"},
	{"file_stat", "files", t_file_stat, 0, "stat and fstat"},
	{"open_close1000", "files", t_open_close1000, 60, "1000 open/close without leaks"},
	{"dir_ops", "files", t_dir_ops, 0, "mkdir, getdents, rmdir"},
	{"initrd_files", "files", t_initrd_files, 0, "the initrd's files are there"},
	{"file_errors", "files", t_file_errors, 0, "ENOENT, EEXIST, EISDIR, ENOTDIR, ENOTEMPTY"},
	{"cwd", "files", t_cwd, 0, "chdir and getcwd"},
	{"dir_records", "files", t_dir_records, 0, "getdents returns whole 64-byte records"},
	{"tty_mode", "tty", t_tty_mode, 0, "console modes; isatty; ENOTTY elsewhere"},
	{"tty_pgrp", "tty", t_tty_pgrp, 0, "the console's foreground process group"},
	{"sh_smoke", "shell", t_sh_smoke, 60, "sh -c: pipelines, $?, quoting, jobs, redirection"},
	{"kcheck", "sys", t_kcheck, 0, "the kernel's invariants hold after everything"},
};
#define NTESTS (sizeof tests / sizeof tests[0])

/* --- the test-child side ---------------------------------------------- */

static const char *cur_name;
static char note[200];

/* Print the test's line; note[] holds the reason or note, if any. */
static int finish(const char *verdict, int code)
{
	printf("%s %s%s%s%s\n", verdict, cur_name, note[0] ? " (" : "", note, note[0] ? ")" : "");
	return code;
}

int ut_pass(void)
{
	note[0] = '\0';
	return finish("PASS", UT_EXIT_PASS);
}

#define FINISH(verdict, code)                                                                      \
	va_list ap;                                                                                \
	va_start(ap, fmt);                                                                         \
	vsnprintf(note, sizeof note, fmt, ap);                                                     \
	va_end(ap);                                                                                \
	return finish(verdict, code)

int ut_note(const char *fmt, ...)
{
	FINISH("PASS", UT_EXIT_PASS);
}

int ut_fail(const char *fmt, ...)
{
	FINISH("FAIL", UT_EXIT_FAIL);
}

int ut_skip(const char *fmt, ...)
{
	FINISH("SKIP", UT_EXIT_SKIP);
}

int ut_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

const char *ut_status(int st)
{
	static char buf[64];
	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, sizeof buf, "status %#x", st);
	return buf;
}

/* --- the runner --------------------------------------------------------- */

enum result { R_PASS, R_FAIL, R_SKIP };

/* Fork the test, then poll for its end (reaping orphans that reach us if
 * we are pid 1) until the timeout. */
static enum result run(const struct ut_test *t)
{
	cur_name = t->name;
	pid_t pid = fork();
	if (pid < 0) {
		printf("FAIL %s (fork: %s)\n", t->name, strerror(errno));
		return R_FAIL;
	}
	if (pid == 0) {
		int code = t->fn();
		exit(code);
	}
	unsigned limit = t->timeout_s ? t->timeout_s : DEFAULT_TIMEOUT;
	uint64_t deadline = ut_now() + (uint64_t)limit * 1000;
	for (;;) {
		int st;
		pid_t r = waitpid(-1, &st, WNOHANG);
		if (r == pid) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == UT_EXIT_PASS)
				return R_PASS;
			if (WIFEXITED(st) && WEXITSTATUS(st) == UT_EXIT_SKIP)
				return R_SKIP;
			if (WIFEXITED(st) && WEXITSTATUS(st) == UT_EXIT_FAIL)
				return R_FAIL;
			printf("FAIL %s (test process ended: %s)\n", t->name, ut_status(st));
			return R_FAIL;
		}
		if (r < 0 && errno != EINTR) {
			printf("FAIL %s (waitpid: %s)\n", t->name, strerror(errno));
			return R_FAIL;
		}
		if (r == 0) {
			if (ut_now() > deadline) {
				int killed = kill(pid, SIGKILL) == 0;
				printf("FAIL %s (timeout after %u s%s)\n", t->name, limit,
				       killed ? "" : "; could not kill it");
				if (killed)
					waitpid(pid, NULL, 0);
				return R_FAIL;
			}
			msleep(5);
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: usertests [-i] [-s] [-g GROUP] [NAME...]\n"
			"       usertests -l\n");
	exit(255);
}

static const struct ut_test *find(const char *name)
{
	for (size_t i = 0; i < NTESTS; i++)
		if (strcmp(tests[i].name, name) == 0)
			return &tests[i];
	return NULL;
}

int main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return ut_child_mode(argc - 2, argv + 2);

	const char *group = NULL;
	int strict = 0, c;
	while ((c = getopt(argc, argv, "lisg:")) != -1) {
		switch (c) {
		case 'l':
			for (size_t i = 0; i < NTESTS; i++)
				printf("%-18s %-8s %s\n", tests[i].name, tests[i].group, tests[i].what);
			return 0;
		case 'i':
			lde_set_syscall_path(1);
			break;
		case 's':
			strict = 1;
			break;
		case 'g':
			group = optarg;
			break;
		default:
			usage();
		}
	}

	int npass = 0, nfail = 0, nskip = 0;
	const struct ut_test *list[NTESTS];
	size_t n = 0;
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			const struct ut_test *t = find(argv[i]);
			if (t == NULL) {
				printf("FAIL %s (no such test; usertests -l lists them)\n", argv[i]);
				nfail++;
			} else if (n < NTESTS) {
				list[n++] = t;
			}
		}
	} else {
		for (size_t i = 0; i < NTESTS; i++)
			if (group == NULL || strcmp(tests[i].group, group) == 0)
				list[n++] = &tests[i];
		if (n == 0) {
			fprintf(stderr, "usertests: no group %s\n", group);
			usage();
		}
	}

	printf("usertests: %zu tests, system calls via %s\n", n,
	       lde_get_syscall_path() ? "int 0x80" : "syscall");
	for (size_t i = 0; i < n; i++) {
		switch (run(list[i])) {
		case R_PASS:
			npass++;
			break;
		case R_FAIL:
			nfail++;
			break;
		case R_SKIP:
			nskip++;
			if (strict)
				nfail++;
			break;
		}
	}
	printf("usertests: %d passed, %d failed, %d skipped%s\n", npass, nfail, nskip,
	       strict && nskip ? " (strict: skips count as failures)" : "");
	return nfail > 255 ? 255 : nfail;
}
