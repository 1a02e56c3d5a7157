/*
 * t_proc.c: fork, exit, wait and waitpid, process states, orphans,
 * resource return, preemption and FPU state (issue 3).
 */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

/* Find pid in a fresh snapshot; 1 and *out filled if found. */
static int snap_find(pid_t pid, struct lde_procinfo *out)
{
	struct lde_procinfo buf[128];
	int n = lde_procsnap(buf, sizeof buf / sizeof buf[0]);
	for (int i = 0; i < n; i++)
		if (buf[i].pid == pid) {
			*out = buf[i];
			return 1;
		}
	return 0;
}

int t_fork_basic(void)
{
	pid_t me = getpid();
	CHECK(me > 0, "getpid() = %d", me);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(getppid() == me && getpid() != me ? 7 : 8);
	CHECK(pid != me, "fork returned our own pid");
	int st;
	pid_t r = waitpid(pid, &st, 0);
	CHECK(r == pid, "waitpid returned %d, want %d", r, pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "child saw wrong getppid/getpid: %s",
	      ut_status(st));
	CHECK(getpid() == me, "our pid changed");
	return ut_pass();
}

int t_exit_status(void)
{
	static const int codes[] = {0, 1, 2, 42, 127, 128, 200, 255, 256, 257, -1};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0)
			_exit(codes[i]);
		int st = -1;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
		CHECK(WIFEXITED(st) && !WIFSIGNALED(st), "_exit(%d): %s", codes[i], ut_status(st));
		CHECK(WEXITSTATUS(st) == (codes[i] & 0xff), "_exit(%d) gave %s", codes[i],
		      ut_status(st));
		CHECK(st == LDE_W_EXITED(codes[i]), "_exit(%d): status word %#x, want %#x", codes[i],
		      st, LDE_W_EXITED(codes[i]));
	}
	/* exit() through main's return path too */
	pid_t pid = fork();
	if (pid == 0)
		exit(33);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 33,
	      "exit(33): %s", ut_status(st));
	return ut_pass();
}

/* Faults a student's program makes, and the signal each must end with. */
static void f_null_read(void)
{
	(void)*(volatile int *)0;
}
static void f_null_write(void)
{
	*(volatile int *)0 = 1;
}
static void f_ud2(void)
{
	__asm__ volatile("ud2");
}
static void f_div0(void)
{
	volatile int a = 1, b = 0;
	a = a / b;
}
static void f_int3(void)
{
	__asm__ volatile("int3");
}
static void f_jump0(void)
{
	((void (*)(void))0)();
}
static void f_noncanon(void)
{
	(void)*(volatile long *)0x0000800000000000ul;
}
static void f_wild_jump(void)
{
	((void (*)(void))0x0000100000000000ul)();
}

static const struct {
	const char *name;
	void (*fn)(void);
	int sig;
} faults[] = {
	{"null read", f_null_read, SIGSEGV},       {"null write", f_null_write, SIGSEGV},
	{"ud2", f_ud2, SIGILL},                    {"divide by zero", f_div0, SIGFPE},
	{"int3", f_int3, SIGTRAP},                 {"call 0", f_jump0, SIGSEGV},
	{"non-canonical read", f_noncanon, SIGSEGV}, {"jump to unmapped", f_wild_jump, SIGSEGV},
};

int t_fault_status(void)
{
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0) {
			faults[i].fn();
			_exit(0); /* survived the fault */
		}
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
		CHECK(WIFSIGNALED(st) && !WIFEXITED(st), "%s: %s, want signal %d", faults[i].name,
		      ut_status(st), faults[i].sig);
		CHECK(WTERMSIG(st) == faults[i].sig, "%s: %s, want signal %d", faults[i].name,
		      ut_status(st), faults[i].sig);
		CHECK(st == LDE_W_SIGNALED(faults[i].sig), "%s: status word %#x", faults[i].name, st);
	}
	return ut_pass();
}

int t_wait_any(void)
{
	enum { N = 5 };
	pid_t kids[N];
	int seen[N] = {0};
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork: %s", strerror(errno));
		if (kids[i] == 0)
			_exit(10 + i);
	}
	for (int n = 0; n < N; n++) {
		int st;
		pid_t r = wait(&st);
		CHECK(r > 0, "wait #%d: %s", n, strerror(errno));
		int i = 0;
		while (i < N && kids[i] != r)
			i++;
		CHECK(i < N, "wait returned %d, not one of our children", r);
		CHECK(!seen[i], "child %d reaped twice", r);
		seen[i] = 1;
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10 + i, "child %d: %s, want exit %d", r,
		      ut_status(st), 10 + i);
	}
	errno = 0;
	CHECK(wait(NULL) == -1 && errno == ECHILD, "wait with no children left: errno %d", errno);
	return ut_pass();
}

int t_waitpid_specific(void)
{
	enum { N = 3 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork: %s", strerror(errno));
		if (kids[i] == 0) {
			msleep(30 * (N - i)); /* the first child exits last */
			_exit(20 + i);
		}
	}
	for (int i = 0; i < N; i++) {
		int st;
		pid_t r = waitpid(kids[i], &st, 0);
		CHECK(r == kids[i], "waitpid(%d) returned %d", kids[i], r);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 20 + i, "child %d: %s", r, ut_status(st));
	}
	return ut_pass();
}

int t_waitpid_nohang(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		msleep(300);
		_exit(5);
	}
	int st = 0x1234;
	pid_t r = waitpid(pid, &st, WNOHANG);
	CHECK(r == 0, "WNOHANG on a running child returned %d (%s)", r, strerror(errno));
	uint64_t end = ut_now() + 10000;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && ut_now() < end)
		msleep(10);
	CHECK(r == pid, "WNOHANG never returned the child (%d, %s)", r, strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "child: %s", ut_status(st));
	return ut_pass();
}

int t_wait_nochild(void)
{
	static const struct {
		pid_t pid;
		int opts;
		const char *what;
	} cases[] = {
		{-1, 0, "any child"},     {-1, WNOHANG, "any child, WNOHANG"},
		{0, 0, "own group"},      {1, 0, "init"},
		{99999, 0, "no process"}, {-12345, 0, "foreign group"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		errno = 0;
		pid_t r = waitpid(cases[i].pid, NULL, cases[i].opts);
		CHECK(r == -1 && errno == ECHILD, "waitpid(%s) = %d errno %d, want ECHILD",
		      cases[i].what, r, errno);
	}
	errno = 0;
	CHECK(waitpid(getpid(), NULL, 0) == -1 && errno == ECHILD, "waitpid(self): errno %d", errno);
	return ut_pass();
}

int t_zombie_state(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(3);
	struct lde_procinfo pi;
	uint64_t end = ut_now() + 5000;
	int found;
	while ((found = snap_find(pid, &pi)) && pi.state != LDE_PROC_ZOMBIE && ut_now() < end)
		msleep(10);
	CHECK(found, "child %d missing from the snapshot before wait", pid);
	CHECK(pi.state == LDE_PROC_ZOMBIE, "child state %s, want ZOMBIE",
	      lde_procstate_name(pi.state));
	CHECK(pi.ppid == getpid(), "zombie's ppid %d, want %d", pi.ppid, getpid());
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3, "waitpid: %s", ut_status(st));
	CHECK(!snap_find(pid, &pi), "child %d still in the table after wait (%s)", pid,
	      lde_procstate_name(pi.state));
	return ut_pass();
}

int t_blocked_state(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		msleep(1000);
		_exit(0);
	}
	msleep(200);
	struct lde_procinfo pi, me;
	CHECK(snap_find(pid, &pi), "child missing from the snapshot");
	CHECK(pi.state == LDE_PROC_BLOCKED, "sleeping child is %s, want BLOCKED",
	      lde_procstate_name(pi.state));
	CHECK(snap_find(getpid(), &me), "we are missing from the snapshot");
	CHECK(me.state == LDE_PROC_RUNNING, "we are %s in our own snapshot, want RUNNING",
	      lde_procstate_name(me.state));
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "waitpid: %s", ut_status(st));
	return ut_pass();
}

static int global_var = 100;

int t_fork_copy(void)
{
	int local = 200;
	int *heap = malloc(64 * sizeof(int));
	CHECK(heap, "malloc failed");
	for (int i = 0; i < 64; i++)
		heap[i] = i;
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int ok = global_var == 100 && local == 200 && heap[63] == 63;
		global_var = 1, local = 2;
		for (int i = 0; i < 64; i++)
			heap[i] = -1;
		_exit(ok ? 0 : 1);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child did not see the parent's values: %s",
	      ut_status(st));
	CHECK(global_var == 100 && local == 200, "child's writes reached the parent");
	for (int i = 0; i < 64; i++)
		CHECK(heap[i] == i, "child's heap writes reached the parent");
	free(heap);
	return ut_pass();
}

/*
 * C forks G and exits; G must be re-parented to pid 1, and pid 1 must
 * reap it once it exits.  Seen through snapshots (no pipes needed).
 */
int t_orphan_reparent(void)
{
	struct lde_procinfo pi;
	pid_t c = fork();
	CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		pid_t g = fork();
		if (g < 0)
			_exit(2);
		if (g == 0) {
			pid_t parent = getppid();
			uint64_t end = ut_now() + 10000;
			while (getppid() == parent && ut_now() < end)
				msleep(10);
			msleep(300); /* let the test see us re-parented */
			_exit(getppid() == 1 ? 0 : 1);
		}
		msleep(200); /* let the test find g in a snapshot */
		_exit(0);
	}
	/* Find c's child. */
	pid_t g = -1;
	uint64_t end = ut_now() + 5000;
	while (g < 0 && ut_now() < end) {
		struct lde_procinfo buf[128];
		int n = lde_procsnap(buf, 128);
		for (int i = 0; i < n; i++)
			if (buf[i].ppid == c)
				g = buf[i].pid;
		if (g < 0)
			msleep(10);
	}
	CHECK(g > 0, "grandchild never appeared in a snapshot");
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
	      ut_status(st));
	CHECK(snap_find(g, &pi), "orphan %d vanished at once", g);
	CHECK(pi.ppid == 1, "orphan's ppid is %d, want 1", pi.ppid);
	errno = 0;
	CHECK(waitpid(g, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "we could wait for our grandchild (errno %d)", errno);
	end = ut_now() + 10000;
	while (snap_find(g, &pi) && ut_now() < end)
		msleep(10);
	CHECK(!snap_find(g, &pi), "pid 1 never reaped the orphan (state %s)",
	      lde_procstate_name(pi.state));
	return ut_pass();
}

int t_fork1000(void)
{
	struct lde_sysinfo before, after;
	/* One warm-up round, so lazily built kernel state is already there. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid, "warm-up fork: %s", strerror(errno));
	CHECK(lde_sysinfo(&before) == 0, "sysinfo: %s", strerror(errno));
	for (int i = 0; i < 1000; i++) {
		pid = fork();
		CHECK(pid >= 0, "fork #%d: %s", i, strerror(errno));
		if (pid == 0)
			_exit(i & 0xff);
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid #%d: %s", i, strerror(errno));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (i & 0xff), "child #%d: %s", i,
		      ut_status(st));
	}
	CHECK(lde_sysinfo(&after) == 0, "sysinfo: %s", strerror(errno));
	CHECK(after.pages_free == before.pages_free, "free pages %lu before, %lu after (%ld leaked)",
	      (unsigned long)before.pages_free, (unsigned long)after.pages_free,
	      (long)(before.pages_free - after.pages_free));
	CHECK(after.nproc == before.nproc, "processes %u before, %u after", before.nproc,
	      after.nproc);
	return ut_note("%lu pages free before and after", (unsigned long)after.pages_free);
}

/*
 * Fork until the table is full.  Each child waits until it sees the table
 * full (then exits: as a zombie it still holds its slot), or gives up
 * after 20 s.
 */
int t_proctable_full(void)
{
	struct lde_sysinfo si, end_si;
	CHECK(lde_sysinfo(&si) == 0, "sysinfo: %s", strerror(errno));
	unsigned max = si.nproc_max;
	CHECK(max >= 64 && max < 100000, "nproc_max %u, want >= 64", max);
	int n = 0, err = 0;
	for (;;) {
		pid_t pid = fork();
		if (pid == 0) {
			struct lde_sysinfo s;
			uint64_t end = ut_now() + 20000;
			while (lde_sysinfo(&s) == 0 && s.nproc < s.nproc_max && ut_now() < end)
				msleep(20);
			_exit(0);
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		if (++n > (int)max)
			break;
	}
	int full_nproc = -1;
	if (lde_sysinfo(&si) == 0)
		full_nproc = (int)si.nproc;
	int reaped = 0;
	while (wait(NULL) > 0)
		reaped++;
	CHECK(err == EAGAIN, "fork failed with %s after %d children, want EAGAIN",
	      err ? strerror(err) : "nothing", n);
	CHECK(reaped == n, "forked %d children, reaped %d", n, reaped);
	CHECK(full_nproc == (int)max, "nproc %d when fork failed, nproc_max %u", full_nproc, max);
	/* Everything back, and fork works again. */
	CHECK(lde_sysinfo(&end_si) == 0, "sysinfo: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid, "fork after the table was full: %s",
	      strerror(errno));
	return ut_note("%d children until EAGAIN, table of %u", n, max);
}

/* Pure user-mode work: no system calls inside. */
static uint64_t burn(uint64_t iters)
{
	volatile uint64_t x = 0;
	for (uint64_t i = 0; i < iters; i++)
		x += i ^ (x >> 3);
	return x;
}

/* Iterations of burn() taking about `ms` milliseconds here. */
static uint64_t calibrate(uint64_t ms)
{
	uint64_t iters = 1 << 16;
	for (;;) {
		uint64_t t0 = ut_now();
		burn(iters);
		uint64_t dt = ut_now() - t0;
		if (dt >= ms / 4 || iters > (1ull << 40))
			return dt ? iters * ms / dt : iters * 4;
		iters *= 2;
	}
}

/*
 * N children spin without system calls for ~SPIN ms each.  Each exits
 * with the time it first ran, in 10 ms units after the start.  Without
 * preemption the k-th child would start only after k-1 others finished;
 * with it, all start within a few time slices.
 */
int t_preempt(void)
{
	enum { N = 4, SPIN = 400 };
	uint64_t iters = calibrate(SPIN);
	uint64_t t0 = ut_now();
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork: %s", strerror(errno));
		if (kids[i] == 0) {
			uint64_t start = ut_now() - t0;
			burn(iters);
			_exit(start / 10 > 255 ? 255 : (int)(start / 10));
		}
	}
	int latest = 0;
	for (int i = 0; i < N; i++) {
		int st;
		CHECK(waitpid(kids[i], &st, 0) == kids[i], "waitpid: %s", strerror(errno));
		CHECK(WIFEXITED(st), "spinner %d: %s", i, ut_status(st));
		if (WEXITSTATUS(st) > latest)
			latest = WEXITSTATUS(st);
	}
	uint64_t total = ut_now() - t0;
	CHECK(latest * 10 < SPIN / 2,
	      "a spinner first ran %d ms after the start, when one spin takes ~%d ms: "
	      "not preempted?", latest * 10, SPIN);
	return ut_note("%d spinners of ~%d ms: last started after %d ms, all done in %lu ms", N,
		       SPIN, latest * 10, (unsigned long)total);
}

/* A floating-point workload whose result depends on every rounding: SSE
 * doubles and x87 long doubles. */
static uint64_t fp_work(uint64_t iters, uint64_t seed)
{
	volatile double d = (double)seed / 7.0;
	volatile long double ld = (long double)seed / 3.0L;
	for (uint64_t i = 1; i <= iters; i++) {
		d = d * 1.0000001 + 1.0 / (double)(i + seed);
		ld = ld * 0.9999999L + 1.0L / (long double)(i * 3 + seed);
	}
	double dd = d;
	long double lld = ld;
	uint64_t a, b[2] = {0, 0};
	memcpy(&a, &dd, sizeof a);
	memcpy(b, &lld, 10);
	return a ^ (b[0] * 31) ^ (b[1] << 7);
}

static void set_rounding(unsigned mode)
{
	uint32_t mxcsr = 0x1f80 | (mode & 3) << 13;
	uint16_t fcw = (uint16_t)(0x037f | (mode & 3) << 10);
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	__asm__ volatile("fldcw %0" : : "m"(fcw));
}

static void get_fpu_ctl(uint32_t *mxcsr, uint16_t *fcw)
{
	__asm__ volatile("stmxcsr %0" : "=m"(*mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(*fcw));
}

/*
 * Three children compute with different rounding modes (MXCSR and x87
 * control word), long enough to be preempted many times; each compares
 * its result and its control registers with what the parent computed
 * alone beforehand.
 */
int t_fpu_preempt(void)
{
	enum { N = 3 };
	uint64_t iters = 1 << 14;
	for (;;) { /* about 300 ms of work */
		uint64_t t0 = ut_now();
		fp_work(iters, 1);
		if (ut_now() - t0 >= 75 || iters > (1ull << 36))
			break;
		iters *= 2;
	}
	iters *= 4;
	uint64_t want[N];
	for (int i = 0; i < N; i++) {
		set_rounding((unsigned)i + 1);
		want[i] = fp_work(iters, (uint64_t)i + 2);
	}
	set_rounding(0);
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork: %s", strerror(errno));
		if (kids[i] == 0) {
			set_rounding((unsigned)i + 1);
			uint64_t got = fp_work(iters, (uint64_t)i + 2);
			uint32_t mxcsr;
			uint16_t fcw;
			get_fpu_ctl(&mxcsr, &fcw);
			/* fcw & 0xf3f: the control bits, without reserved bit 6 */
			int bad = (got != want[i]) | ((mxcsr & 0xffc0) != (0x1f80 | (i + 1u) << 13)) << 1 |
				  ((fcw & 0xf3f) != ((0x037f | (i + 1u) << 10) & 0xf3f)) << 2;
			_exit(bad);
		}
	}
	for (int i = 0; i < N; i++) {
		int st;
		CHECK(waitpid(kids[i], &st, 0) == kids[i], "waitpid: %s", strerror(errno));
		CHECK(WIFEXITED(st), "child %d: %s", i, ut_status(st));
		CHECK(WEXITSTATUS(st) == 0, "child %d:%s%s%s", i,
		      WEXITSTATUS(st) & 1 ? " wrong result" : "",
		      WEXITSTATUS(st) & 2 ? " MXCSR changed" : "",
		      WEXITSTATUS(st) & 4 ? " x87 control word changed" : "");
	}
	uint32_t mxcsr;
	uint16_t fcw;
	get_fpu_ctl(&mxcsr, &fcw);
	CHECK((mxcsr & 0xffc0) == 0x1f80 && (fcw & 0xf3f) == (0x037f & 0xf3f),
	      "our own FPU control changed: mxcsr %#x fcw %#x", mxcsr, fcw);
	return ut_pass();
}

int t_sleep_time(void)
{
	uint64_t t0 = ut_now();
	CHECK(msleep(100) == 0, "msleep: %s", strerror(errno));
	uint64_t dt = ut_now() - t0;
	CHECK(dt >= 100 && dt < 1000, "msleep(100) took %lu ms", (unsigned long)dt);
	t0 = ut_now();
	CHECK(msleep(0) == 0, "msleep(0): %s", strerror(errno));
	CHECK(ut_now() - t0 < 100, "msleep(0) took %lu ms", (unsigned long)(ut_now() - t0));
	uint64_t prev = ut_now();
	for (int i = 0; i < 1000; i++) {
		uint64_t now = ut_now();
		CHECK(now >= prev, "uptime went back: %lu then %lu", (unsigned long)prev,
		      (unsigned long)now);
		prev = now;
	}
	return ut_note("msleep(100) took %lu ms", (unsigned long)dt);
}

int t_yield(void)
{
	for (int i = 0; i < 100; i++)
		CHECK(sched_yield() == 0, "sched_yield: %s", strerror(errno));
	return ut_pass();
}
