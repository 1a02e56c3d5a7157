/*
 * t_exec.c: exec (issue 3), and the modes in which usertests runs as the
 * exec'ed program (`usertests --child MODE ...`) to check what it got.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

/* The deterministic text of argument i (lengths 1..~150, varied). */
static void arg_text(char *buf, size_t size, int i)
{
	int len = snprintf(buf, size, "arg%d:", i);
	for (int k = 0; k < (i * 37) % 150 && (size_t)len + 1 < size; k++)
		buf[len++] = (char)('a' + (i + k) % 26);
	buf[len] = '\0';
}

static const char *const test_env[] = {"LDE_A=1", "LDE_B=two words", "PATH=/bin", NULL};

/* --child args N: argv[1..N] must be arg_text(1..N); the environment test_env. */
static int child_args(int argc, char **argv)
{
	if (argc < 1)
		return 10;
	int n = atoi(argv[0]);
	if (argc != n + 1)
		return 11;
	char want[200];
	for (int i = 1; i <= n; i++) {
		arg_text(want, sizeof want, i);
		if (strcmp(argv[i], want) != 0)
			return 12;
	}
	if (argv[argc] != NULL)
		return 13;
	for (int i = 0; test_env[i]; i++)
		if (environ[i] == NULL || strcmp(environ[i], test_env[i]) != 0)
			return 14;
	if (environ[3] != NULL)
		return 15;
	if (strcmp(getenv("LDE_B"), "two words") != 0)
		return 16;
	return 0;
}

/* --child entry: the registers crt0 saw, against the contract.  Returns
 * a bit per broken rule. */
static int child_entry(int argc, char **argv)
{
	const struct lde_entry_regs *r = &lde_entry_regs;
	int full_argc = argc + 2; /* "usertests --child entry ..." */
	char **full_argv = argv - 2;
	int bad = 0;
	if (r->rsp % 16 != 0)
		bad |= 1;
	if (*(uint64_t *)r->rsp != (uint64_t)full_argc)
		bad |= 2;
	if (r->rdi != (uint64_t)full_argc || r->rsi != (uint64_t)full_argv ||
	    r->rdx != (uint64_t)(full_argv + full_argc + 1))
		bad |= 4;
	if (r->rsi != r->rsp + 8)
		bad |= 8;
	if (r->rax | r->rbx | r->rcx | r->rbp | r->r8 | r->r9 | r->r10 | r->r11 | r->r12 |
	    r->r13 | r->r14 | r->r15)
		bad |= 16;
	if (r->rflags != 0x202)
		bad |= 32;
	if (r->rsp >= 0x7ffffffff000ull || r->rsp < 0x7fff00000000ull)
		bad |= 64; /* the stack is at the top of user space */
	return bad;
}

static const char *const entry_rules[] = {
	"rsp not 16-byte aligned", "argc not at (%rsp)", "rdi/rsi/rdx not argc/argv/envp",
	"argv not at rsp+8", "other registers not zero", "RFLAGS not 0x202",
	"rsp not near 0x7ffffffff000",
};

/* --child fpu: a fresh image has fninit's state and MXCSR 0x1f80. */
static int child_fpu(void)
{
	uint32_t mxcsr;
	uint16_t fcw, fsw;
	struct {
		uint16_t fcw, r0, fsw, r1, ftw, r2;
		uint32_t rest[4];
	} env;
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	__asm__ volatile("fnstsw %0" : "=m"(fsw));
	__asm__ volatile("fnstenv %0" : "=m"(env));
	int bad = 0;
	if (mxcsr != 0x1f80)
		bad |= 1;
	if (fcw != 0x037f)
		bad |= 2;
	if (fsw != 0)
		bad |= 4;
	if (env.ftw != 0xffff)
		bad |= 8; /* every x87 register empty */
	return bad;
}

int ut_child_mode(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "args") == 0)
		return child_args(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "entry") == 0)
		return child_entry(argc, argv);
	if (argc >= 1 && strcmp(argv[0], "fpu") == 0)
		return child_fpu();
	if (argc == 2 && strcmp(argv[0], "exit") == 0) /* for host tests of status passthrough */
		return atoi(argv[1]);
	if (argc == 1 && strcmp(argv[0], "segv") == 0) /* killed by SIGSEGV: status 128 + 11 */
		return *(volatile int *)0;
	if (argc == 3 && strcmp(argv[0], "pid") == 0)
		return (getpid() == atoi(argv[1]) ? 0 : 1) | (getppid() == atoi(argv[2]) ? 0 : 2);
	return 99;
}

/* Fork; the child runs execve(path, argv, envp) and exits 98 if that
 * fails.  Returns the child's wait status, or -1. */
static int exec_status(const char *path, char *const argv[], char *const envp[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(98);
	}
	int st;
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

int t_exec_missing(void)
{
	static const char *const paths[] = {"/bin/no-such-program", "/no/such/dir/prog",
					    "no-such-relative", "/bin/", ""};
	volatile uint64_t canary = 0x1122334455667788ull;
	char *heap = strdup("still here");
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char *argv[] = {"x", NULL};
		errno = 0;
		int r = execv(paths[i], argv);
		CHECK(r == -1, "execv(\"%s\") returned %d", paths[i], r);
		int dir = strcmp(paths[i], "/bin/") == 0;
		CHECK(errno == ENOENT || (dir && (errno == EACCES || errno == EISDIR)),
		      "execv(\"%s\"): %s, want ENOENT%s", paths[i], strerror(errno),
		      dir ? ", EACCES or EISDIR" : "");
	}
	char *argv[] = {"no-such-program", NULL};
	errno = 0;
	CHECK(execvp("no-such-program", argv) == -1 && errno == ENOENT, "execvp: %s",
	      strerror(errno));
	CHECK(canary == 0x1122334455667788ull, "our stack changed");
	CHECK(strcmp(heap, "still here") == 0, "our heap changed");
	/* Still a working process: fork and exec something real. */
	char *targv[] = {"true", NULL};
	int st = exec_status("/bin/true", targv, environ);
	CHECK(st == 0, "/bin/true after the failures: %s", ut_status(st));
	return ut_pass();
}

int t_exec_notelf(void)
{
	char *argv[] = {"p1.c", NULL};
	errno = 0;
	CHECK(execv("/p1.c", argv) == -1, "exec of a C source returned");
	/* /p1.c is mode 0644: refusing it for lacking execute permission is right too. */
	CHECK(errno == ENOEXEC || errno == EACCES, "exec of /p1.c: %s, want ENOEXEC or EACCES",
	      strerror(errno));
	return ut_pass();
}

int t_exec_args(void)
{
	enum { N = 100 };
	static char text[N + 1][200];
	char *argv[N + 5];
	argv[0] = "usertests";
	argv[1] = "--child";
	argv[2] = "args";
	argv[3] = "100";
	for (int i = 1; i <= N; i++) {
		arg_text(text[i], sizeof text[i], i);
		argv[3 + i] = text[i];
	}
	argv[N + 4] = NULL;
	int st = exec_status(UT_SELF, argv, (char *const *)test_env);
	CHECK(st != -1, "fork: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 98, "exec with 100 arguments failed (%s)",
	      ut_status(st));
	CHECK(st == 0, "the child found its arguments or environment wrong (%s)", ut_status(st));
	return ut_pass();
}

int t_exec_bigargs(void)
{
	enum { N = 4096, LEN = 1024 }; /* 4 MiB of arguments */
	char **argv = malloc((N + 2) * sizeof *argv);
	char *blob = malloc(LEN);
	CHECK(argv && blob, "malloc failed");
	memset(blob, 'x', LEN - 1);
	blob[LEN - 1] = '\0';
	argv[0] = "true";
	for (int i = 1; i <= N; i++)
		argv[i] = blob;
	argv[N + 1] = NULL;
	volatile uint64_t canary = 42;
	errno = 0;
	int r = execv("/bin/true", argv);
	CHECK(r == -1, "execv returned %d", r);
	CHECK(errno == E2BIG, "4 MiB of arguments: %s, want E2BIG", strerror(errno));
	CHECK(canary == 42 && blob[100] == 'x', "the caller's memory changed");
	free(argv);
	free(blob);
	return ut_pass();
}

int t_exec_entry(void)
{
	char *argv[] = {"usertests", "--child", "entry", "one", "two", NULL};
	int st = exec_status(UT_SELF, argv, (char *const *)test_env);
	CHECK(WIFEXITED(st), "child: %s", ut_status(st));
	int bad = WEXITSTATUS(st);
	CHECK(bad != 98, "exec failed");
	for (size_t i = 0; i < sizeof entry_rules / sizeof entry_rules[0]; i++)
		CHECK(!(bad & (1 << i)), "at entry: %s", entry_rules[i]);
	CHECK(bad == 0, "child exit %d", bad);
	return ut_pass();
}

int t_exec_fpu(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* Dirty every part of the FPU state exec must reset. */
		uint32_t mxcsr = 0x7f80 | 0x3f; /* round toward zero, flags set */
		uint16_t fcw = 0x0c7f;
		__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
		__asm__ volatile("fldcw %0" : : "m"(fcw));
		__asm__ volatile("fld1; fldpi; fldz" ::: "st", "st(1)", "st(2)");
		char *argv[] = {"usertests", "--child", "fpu", NULL};
		execv(UT_SELF, argv);
		_exit(98);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child: %s", ut_status(st));
	int bad = WEXITSTATUS(st);
	CHECK(bad != 98, "exec failed");
	CHECK(!(bad & 1), "MXCSR not 0x1f80 after exec");
	CHECK(!(bad & 2), "x87 control word not 0x037f after exec");
	CHECK(!(bad & 4), "x87 status word not 0 after exec");
	CHECK(!(bad & 8), "x87 registers not empty after exec");
	CHECK(bad == 0, "child exit %d", bad);
	return ut_pass();
}

int t_exec_pid(void)
{
	pid_t me = getpid();
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		char a[16], b[16];
		snprintf(a, sizeof a, "%d", getpid());
		snprintf(b, sizeof b, "%d", me);
		char *argv[] = {"usertests", "--child", "pid", a, b, NULL};
		execv(UT_SELF, argv);
		_exit(98);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(st == 0, "after exec: %s (1: pid changed, 2: parent changed, 98: exec failed)",
	      ut_status(st));
	return ut_pass();
}

int t_exec_path(void)
{
	static const struct {
		const char *how;
		int want;
	} cases[] = {{"execvp true", 0}, {"execlp false", 1}, {"execl /bin/false", 1},
		     {"execle true", 0},  {"execvpe false", 1}, {"PATH=/nowhere:/bin", 0}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0) {
			char *t[] = {"true", NULL}, *f[] = {"false", NULL};
			char *env[] = {"PATH=/bin", NULL};
			switch (i) {
			case 0:
				execvp("true", t);
				break;
			case 1:
				execlp("false", "false", (char *)NULL);
				break;
			case 2:
				execl("/bin/false", "false", (char *)NULL);
				break;
			case 3:
				execle("/bin/true", "true", (char *)NULL, env);
				break;
			case 4:
				execvpe("false", f, env);
				break;
			case 5:
				setenv("PATH", "/nowhere:/bin", 1);
				execvp("true", t);
				break;
			}
			_exit(98);
		}
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == cases[i].want, "%s: %s, want exit %d",
		      cases[i].how, ut_status(st), cases[i].want);
	}
	return ut_pass();
}
