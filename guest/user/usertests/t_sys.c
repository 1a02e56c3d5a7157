/*
 * t_sys.c: the system-call boundary (issue 3): EFAULT for every bad
 * pointer on every call, both entry paths agreeing, register
 * preservation, ENOSYS, EBADF, sysinfo, procsnap, kcheck.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde/fs.h>
#include "ut.h"

typedef long (*raw_fn)(long n, ...);

static raw_fn raw(void)
{
	return lde_get_syscall_path() ? lde_syscall_int80 : lde_syscall;
}

/* --- EFAULT ----------------------------------------------------------- */

enum { IN = 1, OUT = 2, STR = 4 }; /* what the kernel does with the pointer */
enum { OPT = 8 }; /* with IN/OUT: NULL means "none" (POSIX), not a bad pointer */
enum { FITS8 = 16 }; /* an 8-byte object: the straddling pointer (heap end - 8) holds it */

static const struct {
	const char *name;
	uintptr_t addr;
	int kinds; /* which pointer kinds this bad address applies to */
} bad_ptrs[] = {
	{"NULL", 0, IN | OUT | STR},
	{"kernel", 0xffffffff80100000ul, IN | OUT | STR},
	{"physmap", 0xffff800000000000ul, IN | OUT | STR},
	{"top of memory", 0xfffffffffffff000ul, IN | OUT | STR},
	{"unmapped user", 0x0000100000000000ul, IN | OUT | STR},
	{"non-canonical", 0x0000800000000000ul, IN | OUT | STR},
	{"non-canonical high", 0xdead000000000000ul, IN | OUT | STR},
	{"below 0x400000", 0x1000ul, IN | OUT | STR},
	{"last user page", 0x7ffffffff000ul, IN | OUT | STR},
	{"read-only (rodata)", 0, OUT},  /* filled in at run time */
	{"read-only (text)", 0, OUT},    /* filled in at run time */
	{"runs off the heap", 0, STR},   /* an unterminated string at the break */
	{"straddles heap end", 0, IN | OUT}, /* starts mapped, ends unmapped */
};
#define NBAD (sizeof bad_ptrs / sizeof bad_ptrs[0])

static const char rodata_buf[256] = "rodata";

/* A page-aligned break with the last 64 bytes below it filled with 'A'. */
static char *heap_end(void)
{
	static char *end;
	if (end == NULL) {
		char *cur = sbrk(0);
		uintptr_t a = ((uintptr_t)cur + 4095) & ~(uintptr_t)4095;
		if (sbrk((intptr_t)(a - (uintptr_t)cur) + 4096) == (void *)-1)
			return NULL;
		end = (char *)a + 4096;
		memset(end - 64, 'A', 64);
	}
	return end;
}

static uintptr_t bad_addr(size_t i)
{
	switch (i) {
	case NBAD - 4:
		return (uintptr_t)rodata_buf;
	case NBAD - 3:
		return (uintptr_t)bad_addr;
	case NBAD - 2: {
		/* Refilled each time: a straddling OUT case before may have
		 * written its first bytes here (a copy stops at the fault, as
		 * Linux's copy_to_user does), ending the string early. */
		char *end = heap_end();
		memset(end - 64, 'A', 64);
		return (uintptr_t)(end - 64);
	}
	case NBAD - 1:
		return (uintptr_t)(heap_end() - 8);
	default:
		return bad_ptrs[i].addr;
	}
}

struct efault_case {
	const char *call;
	int nr;
	int which; /* which argument is the pointer */
	int kind;  /* IN, OUT or STR */
	long args[6];
	const char *group; /* NULL: issue 3 call; else skipped on ENOSYS */
};

static char *const good_argv[] = {"false", NULL};
static char *const good_envp[] = {"X=1", NULL};
static struct lde_sigaction good_act; /* SIG_DFL */
static lde_sigset_t good_set;
static int pipe_fds[2] = {-1, -1};
static int dir_fd = -1, file_fd = -1;

/* The table: each pointer argument of each call.  Where the call needs a
 * valid other argument it gets one (the descriptors are set up first). */
#define FD_PIPE_R -100 /* replaced by pipe_fds[0] at run time */
#define FD_DIR    -101
#define FD_FILE   -102
static const struct efault_case efault_cases[] = {
	{"write(1, p, 16)", SYS_write, 1, IN, {1, 0, 16}, NULL},
	{"execve(p, argv, envp)", SYS_execve, 0, STR, {0, (long)good_argv, (long)good_envp}, NULL},
	{"execve(path, p, envp)", SYS_execve, 1, IN, {(long)"/bin/false", 0, (long)good_envp}, NULL},
	{"execve(path, argv, p)", SYS_execve, 2, IN, {(long)"/bin/false", (long)good_argv, 0}, NULL},
	{"sysinfo(p)", SYS_sysinfo, 0, OUT, {0}, NULL},
	{"procsnap(p, 4)", SYS_procsnap, 0, OUT, {0, 4}, NULL},
	{"read(pipe, p, 16)", SYS_read, 1, OUT, {FD_PIPE_R, 0, 16}, "pipes"},
	{"open(p, O_RDONLY)", SYS_open, 0, STR, {0, O_RDONLY, 0}, "files"},
	{"stat(p, st)", SYS_stat, 0, STR, {0, 0}, "files"},
	{"stat(path, p)", SYS_stat, 1, OUT, {(long)"/p1.c", 0}, "files"},
	{"fstat(fd, p)", SYS_fstat, 1, OUT, {FD_FILE, 0}, "files"},
	{"unlink(p)", SYS_unlink, 0, STR, {0}, "files"},
	{"mkdir(p, 0755)", SYS_mkdir, 0, STR, {0, 0755}, "files"},
	{"rmdir(p)", SYS_rmdir, 0, STR, {0}, "files"},
	{"chdir(p)", SYS_chdir, 0, STR, {0}, "files"},
	{"getcwd(p, 64)", SYS_getcwd, 0, OUT, {0, 64}, "files"},
	{"getdents(dir, p, 128)", SYS_getdents, 1, OUT, {FD_DIR, 0, 128}, "files"},
	{"pipe(p)", SYS_pipe, 0, OUT | FITS8, {0}, "pipes"},
	{"sigaction(SIGUSR1, p, NULL)", SYS_sigaction, 1, IN | OPT, {SIGUSR1, 0, 0}, "signals"},
	{"sigaction(SIGUSR1, act, p)", SYS_sigaction, 2, OUT | OPT, {SIGUSR1, (long)&good_act, 0},
	 "signals"},
	{"sigprocmask(SIG_BLOCK, p, NULL)", SYS_sigprocmask, 1, IN | OPT | FITS8, {SIG_BLOCK, 0, 0}, "signals"},
	{"sigprocmask(SIG_BLOCK, set, p)", SYS_sigprocmask, 2, OUT | OPT | FITS8,
	 {SIG_BLOCK, (long)&good_set, 0}, "signals"},
};

static long fix_fd(long a)
{
	return a == FD_PIPE_R ? pipe_fds[0] : a == FD_DIR ? dir_fd : a == FD_FILE ? file_fd : a;
}

/* waitpid's status pointer needs a zombie child each time. */
static int efault_waitpid(uintptr_t p, const char *name, char *why, size_t whysize)
{
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(0);
	msleep(20);
	long r = raw()(SYS_waitpid, pid, p, 0);
	/* Whether the child was reaped or not, it must not linger or hang. */
	waitpid(pid, NULL, 0);
	if (r != -EFAULT) {
		snprintf(why, whysize, "waitpid(child, %s) = %ld, want -EFAULT", name, r);
		return -1;
	}
	return 1;
}

int t_efault(void)
{
	char why[160];
	int skipped = 0, checked = 0;
	const char *skipped_groups = "";
	if (pipe(pipe_fds) == 0)
		write(pipe_fds[1], "0123456789abcdefghij", 20);
	dir_fd = open("/", O_RDONLY | O_DIRECTORY);
	file_fd = open("/p1.c", O_RDONLY);
	for (size_t c = 0; c < sizeof efault_cases / sizeof efault_cases[0]; c++) {
		const struct efault_case *ec = &efault_cases[c];
		int need_fd = 0;
		for (int k = 0; k < 6; k++)
			if (ec->args[k] <= FD_PIPE_R && ec->args[k] >= FD_FILE && fix_fd(ec->args[k]) < 0)
				need_fd = 1;
		if (need_fd) { /* what it reads from does not exist yet */
			skipped++;
			skipped_groups = ec->group;
			continue;
		}
		for (size_t b = 0; b < NBAD; b++) {
			if (!(bad_ptrs[b].kinds & ec->kind) || ((ec->kind & OPT) && bad_addr(b) == 0) ||
			    ((ec->kind & FITS8) && b == NBAD - 1))
				continue;
			long a[6];
			for (int k = 0; k < 6; k++)
				a[k] = fix_fd(ec->args[k]);
			a[ec->which] = (long)bad_addr(b);
			if (a[0] == pipe_fds[0] && ec->nr == SYS_read) /* data to read, never block */
				write(pipe_fds[1], "0123456789abcdef", 16);
			long r = raw()(ec->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (r == -ENOSYS && ec->group) {
				skipped++;
				skipped_groups = ec->group;
				break;
			}
			CHECK(r == -EFAULT, "%s with p = %s (%#lx): %ld, want -EFAULT", ec->call,
			      bad_ptrs[b].name, (unsigned long)a[ec->which], r);
			checked++;
		}
	}
	for (size_t b = 0; b < NBAD; b++) {
		/* A NULL status pointer is waitpid's way to want no status,
		 * and a 4-byte status at the heap's end - 8 fits: neither is
		 * a bad pointer for waitpid. */
		if (!(bad_ptrs[b].kinds & OUT) || bad_addr(b) == 0 || b == NBAD - 1)
			continue;
		int r = efault_waitpid(bad_addr(b), bad_ptrs[b].name, why, sizeof why);
		CHECK(r >= 0, "%s", why);
		checked++;
	}
	/* Pointers inside execve's argv and envp arrays. */
	static const uintptr_t inner[] = {0xffffffff80100000ul, 0x0000100000000000ul,
					  0x0000800000000000ul};
	for (size_t i = 0; i < sizeof inner / sizeof inner[0]; i++) {
		char *argv[] = {"false", (char *)inner[i], NULL};
		char *envp[] = {"X=1", (char *)inner[i], NULL};
		long r = raw()(SYS_execve, "/bin/false", argv, good_envp);
		CHECK(r == -EFAULT, "execve with argv[1] = %#lx: %ld", (unsigned long)inner[i], r);
		r = raw()(SYS_execve, "/bin/false", good_argv, envp);
		CHECK(r == -EFAULT, "execve with envp[1] = %#lx: %ld", (unsigned long)inner[i], r);
		checked += 2;
	}
	/* argv itself running off the heap: no NULL before unmapped memory. */
	char **end = (char **)heap_end();
	end[-1] = "false";
	long r = raw()(SYS_execve, "/bin/false", end - 1, good_envp);
	CHECK(r == -EFAULT, "execve with argv running off the heap: %ld", r);
	checked++;
	if (skipped)
		return ut_note("%d checks; %d calls not implemented yet (e.g. %s)", checked, skipped,
			       skipped_groups);
	return ut_note("%d checks", checked);
}

/* --- both paths ------------------------------------------------------- */

int t_paths_agree(void)
{
	struct {
		const char *what;
		long n, a0, a1, a2;
	} calls[] = {
		{"getpid", SYS_getpid, 0, 0, 0},
		{"getppid", SYS_getppid, 0, 0, 0},
		{"floor", SYS_floor, 0, 0, 0},
		{"sbrk(0)", SYS_sbrk, 0, 0, 0},
		{"write(1, \"\", 0)", SYS_write, 1, (long)"", 0},
		{"write(-1)", SYS_write, -1, (long)"x", 1},
		{"write(99)", SYS_write, 99, (long)"x", 1},
		{"waitpid(-1, NULL, WNOHANG) without children", SYS_waitpid, -1, 0, WNOHANG},
		{"sysinfo(NULL)", SYS_sysinfo, 0, 0, 0},
		{"procsnap(NULL, 0)", SYS_procsnap, 0, 0, 0},
		{"kcheck", SYS_kcheck, 0, 0, 0},
		{"number 48", LDE_NSYSCALL, 0, 0, 0},
		{"number -1", -1, 0, 0, 0},
		{"number 1<<32", 1l << 32, 0, 0, 0},
		{"yield", SYS_yield, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		long a = lde_syscall(calls[i].n, calls[i].a0, calls[i].a1, calls[i].a2);
		long b = lde_syscall_int80(calls[i].n, calls[i].a0, calls[i].a1, calls[i].a2);
		CHECK(a == b, "%s: syscall %ld, int 0x80 %ld", calls[i].what, a, b);
	}
	struct lde_sysinfo sa, sb;
	CHECK(lde_syscall(SYS_sysinfo, &sa) == 0, "sysinfo via syscall failed");
	CHECK(lde_syscall_int80(SYS_sysinfo, &sb) == 0, "sysinfo via int 0x80 failed");
	CHECK(sa.syscall_path == sb.syscall_path && sa.int80_path == sb.int80_path &&
		      sa.hz == sb.hz && sa.pages_total == sb.pages_total && sa.nproc == sb.nproc &&
		      sa.nproc_max == sb.nproc_max && sa.on_lde == sb.on_lde,
	      "sysinfo differs between the paths");
	long ua = lde_syscall(SYS_uptime), ub = lde_syscall_int80(SYS_uptime);
	CHECK(ub >= ua && ub - ua < 1000, "uptime: syscall %ld, int 0x80 %ld", ua, ub);
	/* fork, exit and waitpid through int 0x80 only. */
	long pid = lde_syscall_int80(SYS_fork);
	if (pid == 0)
		lde_syscall_int80(SYS_exit, 77);
	CHECK(pid > 0, "fork via int 0x80: %ld", pid);
	int st = 0;
	long r = lde_syscall_int80(SYS_waitpid, pid, &st, 0);
	CHECK(r == pid && st == LDE_W_EXITED(77), "waitpid via int 0x80: %ld, status %#x", r, st);
	/* And a sleep on each. */
	uint64_t t0 = ut_now();
	CHECK(lde_syscall_int80(SYS_sleep, 30) == 0, "sleep via int 0x80");
	CHECK(ut_now() - t0 >= 30, "int 0x80 sleep too short");
	return ut_note("syscall: %s, int 0x80: %s", lde_trappath_name(sa.syscall_path),
		       lde_trappath_name(sa.int80_path));
}

/* --- registers -------------------------------------------------------- */

void regs_probe(int use_int80, uint64_t out[16]);

static const char *const regname[15] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
					"r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static int check_regs(int int80)
{
	uint64_t out[16];
	regs_probe(int80, out);
	CHECK((long)out[0] == getpid(), "rax = %#lx, want our pid", (unsigned long)out[0]);
	for (int k = 1; k < 15; k++) {
		uint64_t want = 0x1111111111111111ull * (uint64_t)(k + 1);
		if (!int80 && k == 2) { /* rcx: the return RIP */
			CHECK(out[2] == out[15], "rcx after syscall = %#lx, want the return address "
			      "%#lx", (unsigned long)out[2], (unsigned long)out[15]);
			continue;
		}
		if (!int80 && k == 10) { /* r11: RFLAGS, with IF */
			CHECK(out[10] & 0x200, "r11 after syscall = %#lx, want RFLAGS with IF",
			      (unsigned long)out[10]);
			continue;
		}
		CHECK(out[k] == want, "%s = %#lx after %s, want %#lx", regname[k],
		      (unsigned long)out[k], int80 ? "int 0x80" : "syscall", (unsigned long)want);
	}
	return ut_pass();
}

int t_regs_syscall(void)
{
	return check_regs(0);
}

int t_regs_int80(void)
{
	return check_regs(1);
}

/* --- errors and information ------------------------------------------- */

int t_enosys(void)
{
	static const long numbers[] = {LDE_NSYSCALL, LDE_NSYSCALL + 1, 100, 1000, 1l << 31,
				       1l << 32, -1, -2, (long)0x8000000000000000ul};
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		long a = lde_syscall(numbers[i], 1, 2, 3);
		long b = lde_syscall_int80(numbers[i], 1, 2, 3);
		CHECK(a == -ENOSYS && b == -ENOSYS, "number %ld: %ld / %ld, want -ENOSYS",
		      numbers[i], a, b);
	}
	CHECK(lde_syscall(SYS_floor) == 0, "SYS_floor returned nonzero");
	return ut_pass();
}

int t_badfd(void)
{
	static const long fds[] = {-1, 3, 15, 16, 99, 1000, 1l << 31, -1000};
	char buf[4];
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		long w = raw()(SYS_write, fds[i], "x", 1);
		CHECK(w == -EBADF, "write(%ld): %ld, want -EBADF", fds[i], w);
		long r = raw()(SYS_read, fds[i], buf, 1);
		CHECK(r == -EBADF, "read(%ld): %ld, want -EBADF", fds[i], r);
		long c = raw()(SYS_close, fds[i]);
		CHECK(c == -EBADF || c == -ENOSYS, "close(%ld): %ld, want -EBADF", fds[i], c);
	}
	CHECK(raw()(SYS_write, 1, "", 0) == 0, "write(1, \"\", 0) != 0");
	return ut_pass();
}

int t_sysinfo(void)
{
	struct lde_sysinfo si;
	CHECK(lde_sysinfo(&si) == 0, "sysinfo: %s", strerror(errno));
	CHECK(si.hz >= 10 && si.hz <= 10000, "hz %u", si.hz);
	CHECK(si.slice_ms >= 1 && si.slice_ms <= 1000, "slice %u ms", si.slice_ms);
	CHECK(si.pages_total > 0 && si.pages_free <= si.pages_total, "pages %lu free of %lu",
	      (unsigned long)si.pages_free, (unsigned long)si.pages_total);
	CHECK(si.nproc >= 2 && si.nproc <= si.nproc_max, "nproc %u of %u", si.nproc, si.nproc_max);
	CHECK(si.nproc_max >= 64, "nproc_max %u, want >= 64", si.nproc_max);
	CHECK(si.syscall_path <= LDE_PATH_UD_INT80 && si.int80_path <= LDE_PATH_UD_INT80,
	      "trap paths %u %u", si.syscall_path, si.int80_path);
	CHECK(si.syscall_path != LDE_PATH_BROKEN || si.int80_path != LDE_PATH_BROKEN,
	      "both trap paths broken, yet we run");
	CHECK(si.uptime_ms > 0, "uptime 0");
	CHECK(si.on_lde <= 1, "on_lde %u", si.on_lde);
	return ut_note("syscall %s, int 0x80 %s, hz %u, slice %u ms, %lu/%lu pages free, %s",
		       lde_trappath_name(si.syscall_path), lde_trappath_name(si.int80_path), si.hz,
		       si.slice_ms, (unsigned long)si.pages_free, (unsigned long)si.pages_total,
		       si.on_lde ? "on lde" : "not on lde");
}

int t_procsnap(void)
{
	enum { MAX = 128 };
	static struct lde_procinfo buf[MAX + 1];
	memset(buf, 0xa5, sizeof buf);
	int n = lde_procsnap(buf, MAX);
	CHECK(n >= 2, "procsnap: %d (%s)", n, strerror(errno));
	int found = 0;
	for (int i = 0; i < n; i++) {
		CHECK(buf[i].pid > 0 && buf[i].state != LDE_PROC_UNUSED, "entry %d: pid %d state %u",
		      i, buf[i].pid, buf[i].state);
		CHECK(memchr(buf[i].name, 0, LDE_PROCNAME) != NULL, "entry %d: name not terminated", i);
		if (buf[i].pid == getpid()) {
			found = 1;
			CHECK(buf[i].ppid == getppid(), "our ppid %d, want %d", buf[i].ppid, getppid());
			CHECK(strcmp(buf[i].name, "usertests") == 0, "our name \"%.16s\"", buf[i].name);
			CHECK(buf[i].state == LDE_PROC_RUNNING, "we are %s",
			      lde_procstate_name(buf[i].state));
			CHECK(buf[i].syscalls > 0, "no system calls counted for us");
		}
	}
	CHECK(found, "we are not in the snapshot");
	unsigned char *tail = (unsigned char *)&buf[n];
	for (size_t k = 0; k < sizeof buf[0]; k++)
		CHECK(tail[k] == 0xa5, "procsnap wrote past its count");
	/* A short buffer is filled only as far as it goes. */
	memset(buf, 0xa5, sizeof buf);
	int one = lde_procsnap(buf, 1);
	CHECK(one == 1, "procsnap(buf, 1) = %d", one);
	tail = (unsigned char *)&buf[1];
	for (size_t k = 0; k < sizeof buf[0]; k++)
		CHECK(tail[k] == 0xa5, "procsnap(buf, 1) wrote a second entry");
	return ut_note("%d processes", n);
}

int t_tracemark(void)
{
	CHECK(lde_tracemark(0x1de, 42) == 0, "tracemark: %s", strerror(errno));
	return ut_pass();
}

int t_kcheck(void)
{
	long r = lde_kcheck();
	CHECK(r == 0, "kcheck: %ld (%s)", r, r < 0 ? strerror(errno) : "invariant violations");
	return ut_pass();
}

/* yield entered with RFLAGS.NT set (popf may set it in ring 3), by syscall
 * or int 0x80, restoring the flags after.  Returns yield's result.  The
 * pushes step below the red zone, which the compiler may be using. */
static long yield_with_nt(int int80)
{
	long ret = SYS_yield;
	if (int80)
		__asm__ volatile("subq $128, %%rsp; pushfq; orq $0x4000, (%%rsp); popfq; int $0x80;"
		                 "pushfq; andq $~0x4000, (%%rsp); popfq; addq $128, %%rsp"
		                 : "+a"(ret)
		                 :
		                 : "memory", "cc");
	else
		__asm__ volatile("subq $128, %%rsp; pushfq; orq $0x4000, (%%rsp); popfq; syscall;"
		                 "pushfq; andq $~0x4000, (%%rsp); popfq; addq $128, %%rsp"
		                 : "+a"(ret)
		                 :
		                 : "rcx", "r11", "memory", "cc");
	return ret;
}

/* NT must not follow a system call into the kernel: the kernel's flags
 * travel across a context switch, and the next process to leave by iretq
 * (a preempted CPU hog) would take #GP in ring 0 with NT set. */
int t_rflags_nt(void)
{
	pid_t hog = fork();
	CHECK(hog >= 0, "fork: %s", strerror(errno));
	if (hog == 0)
		for (;;)
			;
	long bad = 0;
	for (int i = 0; i < 40; i++)
		if (yield_with_nt(i & 1) != 0)
			bad++;
	kill(hog, SIGKILL);
	int st;
	CHECK(waitpid(hog, &st, 0) == hog, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the hog: %s", ut_status(st));
	CHECK(bad == 0, "%ld of 40 yields with NT set failed", bad);
	return ut_pass();
}

/* SYS_timerlat answers EINVAL unless the kernel was booted with timerlat=N
 * (make bench's benchtimer does that; usertests never does). */
int t_timerlat_off(void)
{
	static uint32_t buf[4];
	errno = 0;
	CHECK(lde_timerlat(buf, 4) == -1 && errno == EINVAL, "timerlat: %s, want EINVAL",
	      strerror(errno));
	return ut_pass();
}
