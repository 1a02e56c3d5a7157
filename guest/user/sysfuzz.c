/*
 * sysfuzz: a system-call fuzzer -- the user side of issue 7's user ->
 * kernel trust boundary.
 *
 *   sysfuzz [-s SEED] [-n CALLS] [-c CALLS_PER_CHILD] [-k KCHECK_EVERY] [-q] [-v]
 *
 * -q drops the progress lines; -v checks the free pages after every
 * child and names each child (and its seed) that changed them.
 *
 * The parent forks one child per batch of CALLS_PER_CHILD calls; the
 * child makes them with random numbers (valid, out of range, negative,
 * with garbage in the high half) and arguments drawn from classes that
 * break kernels: kernel, unmapped, misaligned, non-canonical and
 * top-of-user-space pointers, huge and negative lengths, closed, negative
 * and truncating descriptors, invalid signals, pids and flags -- through
 * `syscall` and `int $0x80` at random.  A child may die of what it does
 * (SIGSEGV from a forged sigreturn, a kill of itself, exit ...): the
 * parent survives, reaps it, counts it, and calls SYS_kcheck every
 * KCHECK_EVERY children and at the end.
 *
 * Before each call the child writes its index to a pipe the parent
 * drains, so "calls" counts exactly the calls made, the fatal ones
 * included.  One summary line at the end:
 *
 *   sysfuzz: calls N children C signaled S (...) watchdog W kcheck V
 *            pages A->B procs P->Q seed X: ok|FAILED
 *
 * Exit status 0 only if kcheck found no violation and the free pages
 * and processes in use came back to where they were after the warm-up.
 *
 * What the fuzzer tames, so that the run cannot stop for legitimate
 * reasons (each one named where it is done, in tame()):
 *  - kill and setpgid never reach the parent, its group, pid 1 or every
 *    process (-1), in the 64-bit or the 32-bit view of the argument;
 *  - pause is never called (only a signal the fuzzer cannot promise ends
 *    it), sleep is bounded to 3 ms;
 *  - the report pipe's descriptor is never a descriptor argument;
 *  - a pipe the fuzz makes loses one end at once (a process holding both
 *    ends of an empty or full pipe would wait for itself forever);
 *  - paths come from a pool that names no program and no system file
 *    (execve never succeeds, unlink never removes the initrd), or are
 *    random bytes or bad pointers;
 *  - a fork's new child _exits at once.
 * Anything else that hangs a child is ended by the parent's watchdog
 * (SIGKILL after WATCHDOG_S seconds) and counted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>
#include <lde/wait.h>

#define REPORT_FD  31 /* NOFILE - 1: the child's end of the report pipe */
#define SCRATCH    "/fz"
#define WATCHDOG_S 5
#define BUFSZ      (64 * 1024)

/* ---- the PRNG: xorshift64*, seeded, reproducible ----------------------- */

/*
 * What keeps the run safe lives in .data, below .bss: the fuzz aims
 * pointers at the valid buffer (in .bss, followed by a 1 MiB pad), the
 * heap's end and the stack, and a copy running upward from any of them
 * cannot reach this.  The loop's counters are here too, so a copy over
 * the child's stack frame cannot make it run on.
 */
static struct {
	uint64_t rng;
	int my_pid, my_pgid, parent_pid, parent_pgid, last_child, last_fd;
	uint32_t i, n;
	volatile unsigned char *stackbuf; /* a local array of fuzz_child's frame */
} S __attribute__((section(".data"))) = {.rng = 1, .last_fd = 3};

static uint64_t rnd(void)
{
	uint64_t x = S.rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	S.rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

#define PICK(table) ((table)[below(sizeof(table) / sizeof((table)[0]))])

/* ---- argument classes -------------------------------------------------- */

static struct {
	unsigned char buf[BUFSZ]; /* the valid buffer, random bytes */
	unsigned char pad[1 << 20];
} arena __attribute__((aligned(4096)));
#define buf arena.buf
static const char rodata[] = "read-only data";

/* Paths that name neither a program nor a file the system needs. */
static const char *const paths[] = {
    "",
    ".",
    "..",
    "/",
    "/bin",
    "a",
    "b",
    "d",
    "d/a",
    "d/d/d",
    "a/",
    "/nonexistent",
    "/nonexistent/x",
    SCRATCH,
    SCRATCH "/a",
    SCRATCH "/d",
    SCRATCH "/d/x",
    "/bin/../" SCRATCH "/b",
    "//" SCRATCH "///a",
    "a/../b",
    "/init/x",
    "/bin/sh/x",
    "/p1.c/",
    "........",
    "0123456789012345678901234567890123456789012345678901234567890123456789", /* > NAME_MAX */
};

static uint64_t ptr_arg(void)
{
	const uint64_t brk = (uint64_t)sbrk(0);
	switch (below(22)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(4096);
	case 2:
		return 0x3ff000 + below(4096); /* below the program */
	case 3:
		return (uint64_t)(uintptr_t)&ptr_arg; /* text: read-only, executable */
	case 4:
		return (uint64_t)(uintptr_t)rodata;
	case 5:
	case 6:
	case 7:
		return (uint64_t)(uintptr_t)buf + below(BUFSZ);
	case 8:
		return (uint64_t)(uintptr_t)buf + 1 + 2 * below(BUFSZ / 2 - 1); /* misaligned */
	case 9:
		return (uint64_t)(uintptr_t)(buf + BUFSZ) - below(64); /* runs past it */
	case 10:
		return brk - below(64); /* runs off the heap */
	case 11:
		return (uint64_t)(uintptr_t)S.stackbuf + below(256);
	case 12:
		return 0x7ffffffff000ull + below(4096); /* the top page, never mapped */
	case 13:
		return 0x7fffffffffffull - below(16);
	case 14:
		return 0x800000000000ull + below(4096); /* first non-canonical */
	case 15:
		return 0xffff800000000000ull + below(1 << 20); /* the kernel's physmap */
	case 16:
		return 0xffffffff80000000ull + below(4 << 20); /* the kernel image */
	case 17:
		return 0xfffffffffffff000ull + below(4096);
	case 18:
		return 0x8000000000000000ull + below(4096);
	case 19:
		return 0x10000000000ull + below(1ull << 32); /* unmapped user */
	case 20:
		return rnd() & 0x7fffffffffffull;
	default:
		return rnd();
	}
}

static uint64_t len_arg(void)
{
	static const uint64_t lens[] = {
	    0,       1,          2,          7,          8,          16,    63,       64,
	    255,     4095,       4096,       4097,       8192,       65535, 65536,    65537,
	    1 << 20, 1ull << 31, 1ull << 32, 1ull << 47, 1ull << 63, ~0ull, -4096ull, -1ull >> 1};
	return below(4) ? PICK(lens) : below(3) ? below(BUFSZ) : rnd();
}

static uint64_t fd_arg(void)
{
	static const uint64_t fds[] = {0,
	                               1,
	                               2,
	                               3,
	                               4,
	                               5,
	                               6,
	                               7,
	                               30,
	                               32,
	                               33,
	                               64,
	                               1023,
	                               1024,
	                               0x7fffffff,
	                               0x80000000,
	                               -1ull,
	                               -2ull,
	                               -100ull,
	                               0x100000003ull,
	                               0xffffffff00000004ull};
	switch (below(4)) {
	case 0:
		return (uint64_t)S.last_fd;
	case 1:
		return 3 + below(8);
	default:
		return PICK(fds);
	}
}

static uint64_t sig_arg(void)
{
	static const uint64_t sigs[] = {
	    0,  SIGKILL, SIGSEGV, SIGSTOP, SIGCHLD, SIGALRM, SIGPIPE,        31,
	    32, 33,      64,      65,      255,     -1ull,   0x100000009ull, -9ull};
	return below(2) ? 1 + below(31) : PICK(sigs);
}

static uint64_t pid_arg(void)
{
	static const uint64_t pids[] = {0,
	                                -1ull,
	                                1,
	                                2,
	                                99999,
	                                100000,
	                                0x7fffffff,
	                                0x80000000,
	                                -2ull,
	                                -99999ull,
	                                0x100000001ull,
	                                0xffffffff00000000ull,
	                                -0x7fffffffull,
	                                ~0ull >> 1,
	                                1ull << 63};
	switch (below(5)) {
	case 0:
		return (uint64_t)S.my_pid;
	case 1:
		return (uint64_t)S.last_child;
	case 2:
		return (uint64_t) - (int64_t)S.my_pid;
	case 3:
		return below(200);
	default:
		return PICK(pids);
	}
}

static uint64_t flags_arg(void)
{
	static const uint64_t flags[] = {0,
	                                 O_RDONLY,
	                                 O_WRONLY,
	                                 O_RDWR,
	                                 3,
	                                 O_CREAT | O_RDWR,
	                                 O_CREAT | O_EXCL | O_WRONLY,
	                                 O_TRUNC | O_RDWR,
	                                 O_APPEND | O_WRONLY,
	                                 O_DIRECTORY,
	                                 O_CREAT | O_DIRECTORY,
	                                 WNOHANG,
	                                 2,
	                                 4,
	                                 0x80000000,
	                                 ~0ull,
	                                 0xffffffff00000000ull};
	return below(3) ? PICK(flags) : below(2) ? rnd() & 0xffff : rnd();
}

static uint64_t path_arg(void)
{
	switch (below(8)) {
	case 0:
	case 1:
	case 2:
	case 3: { /* a pool path, copied into the buffer */
		const char *p = PICK(paths);
		char *dst = (char *)buf + below(BUFSZ - 256);
		strcpy(dst, p);
		return (uint64_t)(uintptr_t)dst;
	}
	case 4: { /* random bytes, NUL-terminated or not within 300 */
		char *dst = (char *)buf + below(BUFSZ - 512);
		size_t n = below(300);
		for (size_t i = 0; i < n; i++)
			dst[i] = (char)(below(2) ? 'a' + below(3) : rnd());
		dst[n] = below(4) ? 0 : 'x';
		return (uint64_t)(uintptr_t)dst;
	}
	case 5: { /* a string running into the end of the valid buffer */
		char *dst = (char *)buf + BUFSZ - 1 - below(300);
		memset(dst, 'a', (size_t)((char *)buf + BUFSZ - dst));
		return (uint64_t)(uintptr_t)dst;
	}
	default:
		return ptr_arg();
	}
}

/* An argv/envp array: NULL, well-formed, bad element pointers, unterminated. */
static uint64_t argv_arg(void)
{
	uint64_t *v = (uint64_t *)(void *)(buf + 8 * below(BUFSZ / 8 - 64));
	switch (below(4)) {
	case 0:
		return 0;
	case 1: {
		int n = (int)below(8);
		for (int i = 0; i < n; i++)
			v[i] = path_arg();
		v[n] = 0;
		return (uint64_t)(uintptr_t)v;
	}
	case 2: {
		for (int i = 0; i < 32; i++)
			v[i] = ptr_arg();
		return (uint64_t)(uintptr_t)v;
	}
	default:
		return ptr_arg();
	}
}

static uint64_t any_arg(void)
{
	switch (below(6)) {
	case 0:
		return ptr_arg();
	case 1:
		return len_arg();
	case 2:
		return fd_arg();
	case 3:
		return below(16);
	case 4:
		return -below(16);
	default:
		return rnd();
	}
}

/* ---- the system calls and their argument kinds ---------------------------- */

enum kind { K_ANY, K_PTR, K_LEN, K_FD, K_SIG, K_PID, K_FLAGS, K_PATH, K_ARGV, K_INT, K_SBRK };

struct call {
	int nr;
	unsigned weight; /* relative frequency */
	int nargs;
	uint8_t kind[6];
};

static const struct call calls[] = {
    {SYS_floor, 1, 0, {0}},
    {SYS_exit, 1, 1, {K_INT}},
    {SYS_fork, 2, 0, {0}},
    {SYS_execve, 4, 3, {K_PATH, K_ARGV, K_ARGV}},
    {SYS_waitpid, 4, 3, {K_PID, K_PTR, K_FLAGS}},
    {SYS_getpid, 1, 0, {0}},
    {SYS_getppid, 1, 0, {0}},
    {SYS_yield, 1, 0, {0}},
    {SYS_sleep, 2, 1, {K_INT}},
    {SYS_uptime, 1, 0, {0}},
    {SYS_read, 8, 3, {K_FD, K_PTR, K_LEN}},
    {SYS_write, 8, 3, {K_FD, K_PTR, K_LEN}},
    {SYS_sbrk, 4, 1, {K_SBRK}},
    {SYS_procsnap, 4, 2, {K_PTR, K_LEN}},
    {SYS_sysinfo, 3, 1, {K_PTR}},
    {SYS_kill, 5, 2, {K_PID, K_SIG}},
    {SYS_sigaction, 6, 3, {K_SIG, K_PTR, K_PTR}},
    {SYS_sigreturn, 1, 0, {0}},
    {SYS_sigprocmask, 4, 3, {K_INT, K_PTR, K_PTR}},
    /* SYS_pause: never (see the top) */
    {SYS_alarm, 2, 1, {K_INT}},
    {SYS_open, 8, 3, {K_PATH, K_FLAGS, K_ANY}},
    {SYS_close, 4, 1, {K_FD}},
    {SYS_lseek, 4, 3, {K_FD, K_LEN, K_INT}},
    {SYS_unlink, 4, 1, {K_PATH}},
    {SYS_fstat, 4, 2, {K_FD, K_PTR}},
    {SYS_stat, 4, 2, {K_PATH, K_PTR}},
    {SYS_mkdir, 4, 2, {K_PATH, K_ANY}},
    {SYS_getdents, 4, 3, {K_FD, K_PTR, K_LEN}},
    {SYS_pipe, 4, 1, {K_PTR}},
    {SYS_dup, 4, 1, {K_FD}},
    {SYS_dup2, 4, 2, {K_FD, K_FD}},
    {SYS_chdir, 3, 1, {K_PATH}},
    {SYS_getcwd, 3, 2, {K_PTR, K_LEN}},
    {SYS_setpgid, 3, 2, {K_PID, K_PID}},
    {SYS_getpgid, 2, 1, {K_PID}},
    {SYS_ioctl, 4, 3, {K_FD, K_ANY, K_ANY}},
    {SYS_rmdir, 3, 1, {K_PATH}},
    {SYS_kcheck, 1, 0, {0}},
    {SYS_tracemark, 1, 2, {K_ANY, K_ANY}},
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

static uint64_t gen(enum kind k)
{
	switch (k) {
	case K_PTR:
		return ptr_arg();
	case K_LEN:
		return len_arg();
	case K_FD:
		return fd_arg();
	case K_SIG:
		return sig_arg();
	case K_PID:
		return pid_arg();
	case K_FLAGS:
		return flags_arg();
	case K_PATH:
		return path_arg();
	case K_ARGV:
		return argv_arg();
	case K_INT:
		return below(4) ? below(5) : rnd();
	case K_SBRK: {
		static const uint64_t incr[] = {
		    0,          1,          4096,       -4096ull,   1 << 20, -(1ull << 20),
		    1ull << 30, 1ull << 46, 1ull << 62, 1ull << 63, -1ull,   -(1ull << 46)};
		return PICK(incr);
	}
	default:
		return any_arg();
	}
}

/* A number: mostly a call of the table, sometimes one outside it (with
 * or without garbage in the high bits, which must not alias a call). */
static uint64_t gen_nr(void)
{
	static unsigned total;
	if (!total)
		for (size_t i = 0; i < NCALLS; i++)
			total += calls[i].weight;
	switch (below(16)) {
	case 0:
		return LDE_NSYSCALL + below(64);
	case 1:
		return (rnd() & ~0xffull) | below(LDE_NSYSCALL); /* high garbage */
	case 2:
		return below(LDE_NSYSCALL); /* any, gaps included */
	case 3:
		return rnd();
	default:
		break;
	}
	unsigned w = (unsigned)below(total);
	for (size_t i = 0; i < NCALLS; i++) {
		if (w < calls[i].weight)
			return (uint64_t)calls[i].nr;
		w -= calls[i].weight;
	}
	return SYS_getpid;
}

/* ---- taming: what must not happen (see the top) ------------------------ */

/* A kill or group target in one view (64-bit or the kernel's 32-bit):
 * may it name the parent, its group, init or everyone? */
static bool forbidden_target(int64_t v)
{
	if (v == -1 || v == 1 || v == S.parent_pid || v == -S.parent_pid || v == -S.parent_pgid ||
	    v == S.parent_pgid)
		return true;
	if (v == 0)
		return S.my_pgid == S.parent_pgid;
	/* Any other process that exists and is not ours: only our own pid,
	 * group and last child are known to be ours. */
	if (v > 0 && v <= 99999)
		return v != S.my_pid && v != S.last_child && v != S.my_pgid;
	if (v < 0 && v >= -99999)
		return -v != S.my_pgid && -v != S.my_pid && -v != S.last_child;
	return false;
}

static bool bad_target(uint64_t a)
{
	return forbidden_target((int64_t)a) || forbidden_target((int32_t)a);
}

static bool is_report_fd(uint64_t a)
{
	return a == REPORT_FD || (int32_t)a == REPORT_FD;
}

/* Make the call safe for the run; returns false to skip it. */
static bool tame(uint64_t nr, uint64_t a[6])
{
	/* Only the low bits select a call if the kernel were wrong; tame by
	 * the exact number (a truncating kernel is what the fuzz looks for,
	 * so garbage-high numbers with a dangerous low part are skipped). */
	uint64_t low = nr & 0xffffffffull;
	if (nr != low || (nr & 0xff) != nr) {
		uint64_t l8 = nr & 0xff;
		if (l8 == SYS_kill || l8 == SYS_setpgid || l8 == SYS_pause || l8 == SYS_sleep ||
		    l8 == SYS_close || l8 == SYS_dup2 || l8 == SYS_pipe)
			return false;
		return true;
	}
	switch (nr) {
	case SYS_pause:
		return false; /* ends only by a signal: never */
	case SYS_sleep:
		a[0] %= 4; /* at most 3 ms */
		return true;
	case SYS_kill:
		if (bad_target(a[0]))
			a[0] = 100000 + below(1000); /* > PID_MAX: ESRCH */
		return true;
	case SYS_setpgid: /* never join the parent's group (then kill(0) would reach it) */
		if (a[1] != 0 && bad_target(a[1]))
			a[1] = 0;
		if (a[0] != 0 && bad_target(a[0]))
			a[0] = 0;
		return true;
	case SYS_close:
	case SYS_dup:
	case SYS_read:
	case SYS_write:
	case SYS_lseek:
	case SYS_fstat:
	case SYS_getdents:
	case SYS_ioctl:
		if (is_report_fd(a[0]))
			a[0] = 30;
		return true;
	case SYS_dup2:
		if (is_report_fd(a[0]))
			a[0] = 30;
		if (is_report_fd(a[1]))
			a[1] = 30;
		return true;
	default:
		return true;
	}
}

/* After a call: remember what it made; close one end of a new pipe. */
static void after(uint64_t nr, const uint64_t a[6], long r)
{
	if (r < 0)
		return;
	switch (nr) {
	case SYS_fork:
		if (r == 0)
			_exit(0);
		S.last_child = (int)r;
		break;
	case SYS_open:
	case SYS_dup:
	case SYS_dup2:
		if (r < REPORT_FD)
			S.last_fd = (int)r;
		break;
	case SYS_pipe: {
		int fds[2];
		memcpy(fds, (const void *)(uintptr_t)a[0], sizeof(fds));
		close(fds[below(2)]);
		S.last_fd = fds[0];
		break;
	}
	case SYS_setpgid:
		S.my_pgid = getpgid(0);
		break;
	}
}

/* ---- the child: one batch --------------------------------------------- */

/* Descriptors to aim at: 3 a pipe's read end without writer (EOF), 4 a
 * pipe's write end without reader (EPIPE; SIGPIPE ignored at first), 5 a
 * file, 6 a directory.  The console (0-2) is closed: reading it would
 * wait for a key, and writing garbage to it would fill the test's log. */
static void child_setup(void)
{
	int p[2];
	close(0);
	close(1);
	close(2);
	if (pipe(p) == 0) { /* gets 0, 1 */
		dup2(p[0], 3);
		close(p[0]);
		close(p[1]);
	}
	if (pipe(p) == 0) {
		dup2(p[1], 4);
		close(p[0]);
		close(p[1]);
	}
	int f = open(SCRATCH "/file", O_CREAT | O_RDWR, 0644);
	if (f >= 0) {
		write(f, "some bytes\n", 11);
		dup2(f, 5);
		close(f);
	}
	f = open(SCRATCH, O_RDONLY);
	if (f >= 0) {
		dup2(f, 6);
		close(f);
	}
	signal(SIGPIPE, SIG_IGN);
	setpgid(0, 0); /* our own group: kill(0, ...) stays ours */
	chdir(SCRATCH);
	S.my_pid = getpid();
	S.my_pgid = getpgid(0);
	for (size_t i = 0; i < sizeof(buf); i += 8) {
		uint64_t v = rnd();
		memcpy(buf + i, &v, 8);
	}
}

static _Noreturn void fuzz_child(uint64_t seed, uint32_t ncalls)
{
	volatile unsigned char local[256];
	S.stackbuf = local;
	S.rng = seed | 1;
	S.n = ncalls;
	child_setup();
	for (S.i = 1; S.i <= S.n; S.i++) {
		uint64_t nr = gen_nr(), a[6];
		const struct call *c = NULL;
		for (size_t k = 0; k < NCALLS && !c; k++)
			if ((uint64_t)calls[k].nr == nr)
				c = &calls[k];
		/* Typed arguments 7 times in 8; the rest, and the registers a
		 * call does not read, any class. */
		for (int k = 0; k < 6; k++)
			a[k] =
			    c && k < c->nargs && below(8) ? gen((enum kind)c->kind[k]) : any_arg();
		if (!tame(nr, a))
			continue;
		uint32_t idx = S.i;
		if (write(REPORT_FD, &idx, sizeof(idx)) != sizeof(idx))
			_exit(2);
		long r = below(2) ? lde_syscall((long)nr, a[0], a[1], a[2], a[3], a[4], a[5])
		                  : lde_syscall_int80((long)nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		after(nr, a, r);
	}
	_exit(0);
}

/* ---- the parent ---------------------------------------------------------- */

static volatile int alarmed;
static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* Remove everything under dir (not dir itself). */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[LDE_PATH_MAX];
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			rm_tree(path);
			rmdir(path);
		} else {
			unlink(path);
		}
	}
	closedir(d);
}

/* The system's directories (the pool reaches "/" and "/bin", and a
 * working directory there makes "a" land in them): their names at the
 * start; anything else in them afterwards is the fuzz's. */
#define MAXNAMES 128
static const char *const sysdirs[] = {"/", "/bin"};
static char known[MAXNAMES][LDE_NAME_MAX + 1];
static int nknown;

static void note_names(void)
{
	for (size_t k = 0; k < sizeof(sysdirs) / sizeof(sysdirs[0]); k++) {
		DIR *d = opendir(sysdirs[k]);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL && nknown < MAXNAMES)
			snprintf(known[nknown++], sizeof(known[0]), "%s%s%s", sysdirs[k],
			         k ? "/" : "", e->d_name);
		if (d)
			closedir(d);
	}
}

static void clean_sysdirs(void)
{
	char path[LDE_PATH_MAX];
	for (size_t k = 0; k < sizeof(sysdirs) / sizeof(sysdirs[0]); k++) {
		DIR *d = opendir(sysdirs[k]);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "%s%s%s", sysdirs[k], k ? "/" : "", e->d_name);
			bool seen = !strcmp(path, SCRATCH);
			for (int i = 0; i < nknown && !seen; i++)
				seen = !strcmp(known[i], path);
			if (seen)
				continue;
			rm_tree(path);
			if (rmdir(path) != 0)
				unlink(path);
		}
		if (d)
			closedir(d);
	}
	rm_tree(SCRATCH);
}

struct stats {
	uint64_t calls, children, signaled, exited_nonzero, watchdog, kcheck, kchecks;
	uint64_t bysig[LDE_NSIG];
};

/* One child: fork, drain its reports until EOF, reap it. */
static void run_child(struct stats *s, uint64_t seed, uint32_t n)
{
	int p[2];
	if (pipe(p) != 0) {
		printf("sysfuzz: pipe: %s\n", strerror(errno));
		exit(3);
	}
	pid_t pid = fork();
	if (pid < 0) {
		printf("sysfuzz: fork: %s\n", strerror(errno));
		exit(3);
	}
	if (pid == 0) {
		close(p[0]);
		if (p[1] != REPORT_FD) {
			dup2(p[1], REPORT_FD);
			close(p[1]);
		}
		fuzz_child(seed, n);
	}
	close(p[1]);
	s->children++;
	alarmed = 0;
	alarm(WATCHDOG_S);
	uint32_t last = 0, rep[256];
	for (;;) {
		ssize_t r = read(p[0], rep, sizeof(rep));
		if (r > 0) {
			last = rep[r / 4 - 1];
			s->calls += (uint64_t)r / 4;
			continue;
		}
		if (r < 0 && errno == EINTR && alarmed) {
			kill(pid, SIGKILL);
			s->watchdog++;
			printf("sysfuzz: watchdog: child %d (seed %#lx) stuck after call %u\n", pid,
			       (unsigned long)seed, last);
			alarmed = 0;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	alarm(0);
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st)) {
		s->signaled++;
		s->bysig[WTERMSIG(st) & (LDE_NSIG - 1)]++;
	} else if (WEXITSTATUS(st) != 0) {
		s->exited_nonzero++;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans that reached us (pid 1) */
		;
}

static long kcheck(struct stats *s)
{
	long v = lde_kcheck();
	s->kchecks++;
	if (v != 0) {
		printf("sysfuzz: kcheck: %ld violation(s) after %lu calls\n", v,
		       (unsigned long)s->calls);
		s->kcheck += v < 0 ? 1 : (uint64_t)v;
	}
	return v;
}

/* The user pages the parent itself holds (its heap and stack may grow
 * while it cleans up): "pages" below counts free pages plus these, so
 * the parent's own growth is not taken for a kernel leak. */
static uint64_t own_pages(void)
{
	static struct lde_procinfo pi[256];
	int n = lde_procsnap(pi, 256);
	for (int i = 0; i < n; i++)
		if (pi[i].pid == S.parent_pid)
			return pi[i].mem_kb / 4;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: sysfuzz [-s SEED] [-n CALLS] [-c CALLS_PER_CHILD] [-k EVERY] [-q] [-v]\n");
	exit(64);
}

int main(int argc, char *argv[])
{
	uint64_t seed = 1, total = 20000;
	uint32_t per = 200, every = 50;
	int quiet = 0, verbose = 0, c;
	while ((c = getopt(argc, argv, "s:n:c:k:qv")) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			total = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			per = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'k':
			every = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (per == 0 || every == 0 || optind != argc)
		usage();

	/* The parent: only the watchdog's SIGALRM and SIGKILL reach it. */
	sigset_t all;
	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	sigprocmask(SIG_SETMASK, &all, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: the read returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	S.parent_pid = getpid();
	S.parent_pgid = getpgid(0);

	mkdir(SCRATCH, 0755);
	note_names();
	struct stats s;
	memset(&s, 0, sizeof(s));
	uint64_t t0 = uptime_ms();
	printf("sysfuzz: seed %#lx, %lu calls, %u per child\n", (unsigned long)seed,
	       (unsigned long)total, per);
	struct lde_sysinfo before, after_si;
	{
		/* warm up: kernel stacks of every slot, the scratch files, the pipes */
		struct stats w;
		memset(&w, 0, sizeof(w));
		run_child(&w, seed ^ 0x5eed, 50);
		clean_sysdirs();
		lde_fill_proctable();
	}
	lde_sysinfo(&before);
	uint64_t free0 = before.pages_free + own_pages(), last_free = free0;

	S.rng = seed | 1;
	while (s.calls < total) {
		uint64_t cs = rnd();
		uint64_t left = total - s.calls;
		run_child(&s, cs, left < per ? (uint32_t)left : per);
		clean_sysdirs();
		if (verbose) { /* which child changed the count: replay it with -s */
			struct lde_sysinfo si;
			lde_sysinfo(&si);
			uint64_t now = si.pages_free + own_pages();
			if (now != last_free)
				printf("sysfuzz: child %lu (seed %#lx): pages %lu -> %lu\n",
				       (unsigned long)s.children, (unsigned long)cs,
				       (unsigned long)last_free, (unsigned long)now);
			last_free = now;
		}
		if (s.children % every == 0) {
			kcheck(&s);
			if (!quiet)
				printf("sysfuzz: %lu calls, %lu children, %lu signaled, %lu ms\n",
				       (unsigned long)s.calls, (unsigned long)s.children,
				       (unsigned long)s.signaled,
				       (unsigned long)(uptime_ms() - t0));
		}
	}
	clean_sysdirs();
	kcheck(&s);
	lde_sysinfo(&after_si);
	uint64_t free1 = after_si.pages_free + own_pages();
	uint64_t ms = uptime_ms() - t0;

	char sigs[200] = "";
	size_t o = 0;
	for (int i = 1; i < LDE_NSIG; i++) {
		char name[SIG2STR_MAX];
		if (!s.bysig[i] || o >= sizeof(sigs) - 24 || sig2str(i, name) != 0)
			continue;
		o += (size_t)snprintf(sigs + o, sizeof(sigs) - o, "%s%s=%lu", o ? " " : "", name,
		                      (unsigned long)s.bysig[i]);
	}
	bool ok = s.kcheck == 0 && free1 == free0 && after_si.nproc == before.nproc;
	printf("sysfuzz: calls %lu children %lu signaled %lu (%s) watchdog %lu kcheck %lu "
	       "pages %lu->%lu procs %u->%u ms %lu seed %#lx: %s\n",
	       (unsigned long)s.calls, (unsigned long)s.children, (unsigned long)s.signaled, sigs,
	       (unsigned long)s.watchdog, (unsigned long)s.kcheck, (unsigned long)free0,
	       (unsigned long)free1, before.nproc, after_si.nproc, (unsigned long)ms,
	       (unsigned long)seed, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
