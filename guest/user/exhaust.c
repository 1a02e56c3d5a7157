/*
 * exhaust: resource exhaustion, seen from user space (issue 7).  Each
 * case drives one kernel resource to its limit, checks the error the
 * limit gives, that the system stays usable meanwhile, and that every
 * page and process slot is back afterwards (SYS_sysinfo; SYS_kcheck).
 *
 *   exhaust [-n LIFETIMES] [CASE...]     run cases (default: all)
 *   exhaust -l                           list them
 *
 * One line per case: "exhaust: PASS name (note)" or "exhaust: FAIL name
 * (reason)"; the exit status is the number of failures.  usertests
 * covers the everyday versions (fork1000, proctable_full, stack_overflow,
 * sbrk_basic, pipe_big, open_close1000); these are the limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>

static char why[200];
static long lifetimes = 10000;

static int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return 1;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return failf(__VA_ARGS__);                                                 \
	} while (0)

/* sysinfo, with pages_free counting our own user pages as free too: the
 * test's own stack and bss grow as it runs, which is no kernel leak. */
static struct lde_sysinfo si(void)
{
	static struct lde_procinfo pi[256];
	struct lde_sysinfo s;
	memset(&s, 0, sizeof s);
	lde_sysinfo(&s);
	int n = lde_procsnap(pi, 256), me = getpid();
	for (int i = 0; i < n; i++)
		if (pi[i].pid == me)
			s.pages_free += pi[i].mem_kb / 4;
	return s;
}

/* Reap every child (and, as pid 1, every orphan) that has ended. */
static int reap_all(void)
{
	int n = 0;
	while (waitpid(-1, NULL, 0) > 0)
		n++;
	return n;
}

/* Free pages and processes back to `base` within a few seconds (orphans
 * may still be on their way to init). */
static int back_to(const struct lde_sysinfo *base, const char *what)
{
	struct lde_sysinfo now = si();
	uint64_t end = uptime_ms() + 5000;
	while ((now.pages_free != base->pages_free || now.nproc != base->nproc) &&
	       uptime_ms() < end) {
		msleep(20);
		now = si();
	}
	CHECK(now.nproc == base->nproc, "%s: %u processes before, %u after", what, base->nproc,
	      now.nproc);
	CHECK(now.pages_free == base->pages_free, "%s: %lu free pages before, %lu after", what,
	      (unsigned long)base->pages_free, (unsigned long)now.pages_free);
	long v = lde_kcheck();
	CHECK(v == 0, "%s: kcheck found %ld violation(s)", what, v);
	return 0;
}

/* ---- fork bomb ------------------------------------------------------------ */

/* Every bomb process forks until fork fails, records the error in its
 * exit status later, and waits to be killed. */
static _Noreturn void bomb(int errpipe)
{
	for (;;) {
		pid_t pid = fork();
		if (pid == 0)
			continue; /* the child bombs on */
		if (pid < 0) {
			unsigned char e = (unsigned char)errno;
			write(errpipe, &e, 1);
			for (;;)
				pause();
		}
	}
}

static int c_forkbomb(void)
{
	struct lde_sysinfo base = si();
	int p[2];
	CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	pid_t root = fork();
	CHECK(root >= 0, "fork: %s", strerror(errno));
	if (root == 0) {
		setpgid(0, 0);
		close(p[0]);
		bomb(p[1]);
	}
	close(p[1]);
	setpgid(root, root);
	unsigned char e = 0;
	CHECK(read(p[0], &e, 1) == 1, "no bomb process reported a fork failure");
	/* The table is full now; the system still answers. */
	struct lde_sysinfo full = si();
	errno = 0;
	pid_t extra = fork();
	if (extra == 0)
		_exit(0);
	int ferr = errno;
	int fds[2];
	int pipe_ok = pipe(fds) == 0;
	if (pipe_ok) {
		write(fds[1], "x", 1);
		char c;
		pipe_ok = read(fds[0], &c, 1) == 1 && c == 'x';
		close(fds[0]);
		close(fds[1]);
	}
	kill(-root, SIGKILL);
	close(p[0]);
	int reaped = reap_all();
	CHECK(e == EAGAIN, "a bomb's fork failed with %s, want EAGAIN", strerror(e));
	CHECK(full.nproc == full.nproc_max, "%u processes when fork failed, table of %u",
	      full.nproc, full.nproc_max);
	CHECK(extra < 0 && ferr == EAGAIN, "our own fork in a full table: %s",
	      extra < 0 ? strerror(ferr) : "it worked");
	CHECK(pipe_ok, "a pipe round trip failed with the table full");
	if (back_to(&base, "after the bomb"))
		return 1;
	pid_t again = fork();
	if (again == 0)
		_exit(7);
	int st;
	CHECK(again > 0 && waitpid(again, &st, 0) == again && WEXITSTATUS(st) == 7,
	      "fork after the bomb: %s", strerror(errno));
	snprintf(why, sizeof why, "table of %u filled, EAGAIN, %d reaped here", full.nproc_max,
	         reaped);
	return 0;
}

/* ---- memory ------------------------------------------------------------------ */

/* Grow the break by `step` until sbrk fails; the bytes obtained. */
static uint64_t sbrk_all(intptr_t step, int *err)
{
	uint64_t got = 0;
	for (;;) {
		errno = 0;
		if (sbrk(step) == (void *)-1) {
			*err = errno;
			return got;
		}
		got += (uint64_t)step;
	}
}

static int sbrk_child(void *arg)
{
	(void)arg;
	char *start = sbrk(0);
	int err = 0;
	uint64_t got = sbrk_all(1 << 20, &err);
	got += sbrk_all(4096, &err);
	if (err != ENOMEM)
		return 10;
	/* The break did not move on failure and every page is ours. */
	if ((char *)sbrk(0) != start + got)
		return 11;
	for (uint64_t off = 0; off < got; off += 4096)
		start[off] = (char)off;
	/* The system is still usable: a system call, a pipe. */
	int p[2];
	if (getpid() <= 0 || pipe(p) != 0)
		return 12;
	/* Give half back; then it can be had again. */
	uint64_t half = (got / 2) & ~4095ull;
	struct lde_sysinfo a, b; /* raw: our pages move to the free count */
	lde_sysinfo(&a);
	if (sbrk(-(intptr_t)half) == (void *)-1)
		return 13;
	lde_sysinfo(&b);
	if (b.pages_free < a.pages_free + half / 4096)
		return 14;
	if (sbrk((intptr_t)half - 128 * 4096) == (void *)-1) /* the kernel keeps 64 pages back */
		return 15;
	printf("exhaust: sbrk took %lu MiB before ENOMEM\n", (unsigned long)(got >> 20));
	return 0;
}

static int c_sbrk(void)
{
	struct lde_sysinfo base = si();
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(sbrk_child(NULL));
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child: status %#x (exit 10: not ENOMEM, 11: the break moved, 12: unusable, 13-15: "
	      "shrink/regrow)",
	      st);
	if (back_to(&base, "after the child's exit"))
		return 1;
	snprintf(why, sizeof why, "ENOMEM, pages back");
	return 0;
}

/* A process holding nearly all memory forks until fork fails: ENOMEM
 * (page tables), long before the table is full. */
static int c_forkmem(void)
{
	struct lde_sysinfo base = si();
	int p[2];
	CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		setpgid(0, 0);
		int err = 0;
		sbrk_all(1 << 20, &err);
		sbrk_all(4096, &err);
		int n = 0;
		unsigned char r[2] = {0, 0};
		for (;;) {
			pid_t c = fork();
			if (c == 0) {
				close(p[1]); /* the report's EOF must not wait for us */
				for (;;)
					pause();
			}
			if (c < 0) {
				r[0] = (unsigned char)errno;
				break;
			}
			n++;
		}
		r[1] = (unsigned char)n;
		write(p[1], r, 2);
		for (;;)
			pause();
	}
	close(p[1]);
	setpgid(pid, pid);
	unsigned char r[2] = {0, 0};
	alarm(60); /* SIGALRM (default: death) rather than a hang */
	ssize_t got = read(p[0], r, 2);
	alarm(0);
	kill(-pid, SIGKILL);
	close(p[0]);
	reap_all();
	CHECK(got == 2, "the memory hog reported nothing");
	CHECK(r[0] == ENOMEM,
	      "fork with memory exhausted failed with %s after %u children, want "
	      "ENOMEM",
	      strerror(r[0]), r[1]);
	if (back_to(&base, "after the hog and its children"))
		return 1;
	snprintf(why, sizeof why, "%u forks, then ENOMEM; pages back", r[1]);
	return 0;
}

/* ---- deep recursion -------------------------------------------------------- */

static int __attribute__((noinline)) deep(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	if (n <= 0)
		return frame[0];
	return deep(n - 1) + frame[0];
}

static int c_recursion(void)
{
	struct lde_sysinfo base = si();
	for (int round = 0; round < 3; round++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0)
			_exit(deep(1 << 30));
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		      "runaway recursion ended with status %#x, want SIGSEGV", st);
	}
	if (back_to(&base, "after three stack overflows"))
		return 1;
	snprintf(why, sizeof why, "SIGSEGV at the guard page, stack pages back");
	return 0;
}

/* ---- full pipes ------------------------------------------------------------- */

static int state_of(pid_t pid, char *wchan, size_t n)
{
	static struct lde_procinfo pi[256];
	int k = lde_procsnap(pi, 256);
	for (int i = 0; i < k; i++)
		if (pi[i].pid == pid) {
			snprintf(wchan, n, "%s", pi[i].wchan);
			return (int)pi[i].state;
		}
	return -1;
}

static int c_pipes(void)
{
	enum { TOTAL = 256 * 1024 };
	struct lde_sysinfo base = si();
	int p[2];
	CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	pid_t w = fork();
	CHECK(w >= 0, "fork: %s", strerror(errno));
	if (w == 0) {
		static unsigned char b[TOTAL];
		close(p[0]);
		for (int i = 0; i < TOTAL; i++)
			b[i] = (unsigned char)(i * 7);
		_exit(write(p[1], b, TOTAL) == TOTAL ? 0 : 1);
	}
	close(p[1]);
	/* The writer fills the pipe and blocks. */
	char wchan[16] = "";
	int state = -1;
	for (int i = 0; i < 200; i++) {
		state = state_of(w, wchan, sizeof wchan);
		if (state == LDE_PROC_BLOCKED)
			break;
		msleep(5);
	}
	CHECK(state == LDE_PROC_BLOCKED && !strcmp(wchan, "pipe full"),
	      "writer of a full pipe is %s (%s), want BLOCKED on \"pipe full\"",
	      lde_procstate_name((unsigned)state), wchan);
	/* The reader drains everything, in order. */
	static unsigned char r[4096];
	long total = 0;
	for (;;) {
		ssize_t n = read(p[0], r, sizeof r);
		CHECK(n >= 0, "read: %s", strerror(errno));
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			CHECK(r[i] == (unsigned char)((total + i) * 7), "byte %ld wrong",
			      total + i);
		total += n;
	}
	close(p[0]);
	int st;
	CHECK(waitpid(w, &st, 0) == w && st == 0, "writer: status %#x", st);
	CHECK(total == TOTAL, "read %ld bytes, want %d", total, TOTAL);
	/* Then every pipe a process can hold, each full: buffers come back. */
	int fds[64], n = 0;
	while (n + 2 <= 64 && pipe(fds + n) == 0) {
		static unsigned char page[4096];
		CHECK(write(fds[n + 1], page, sizeof page) == (ssize_t)sizeof page,
		      "filling pipe %d: %s", n / 2, strerror(errno));
		n += 2;
	}
	int err = errno;
	CHECK(err == EMFILE, "pipe #%d failed with %s, want EMFILE", n / 2 + 1, strerror(err));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	if (back_to(&base, "after the pipes"))
		return 1;
	snprintf(why, sizeof why,
	         "writer BLOCKED \"pipe full\", %d KiB drained; %d full pipes, "
	         "EMFILE",
	         TOTAL / 1024, n / 2);
	return 0;
}

/* ---- open files ------------------------------------------------------------- */

static int c_files(void)
{
	struct lde_sysinfo base = si();
	int fds[64], n = 0;
	const char *path = "/exhaust.tmp";
	int f = open(path, O_CREAT | O_RDWR, 0644);
	CHECK(f >= 0, "open %s: %s", path, strerror(errno));
	close(f);
	for (;;) {
		errno = 0;
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			break;
		CHECK(n < 64, "more than 64 descriptors open");
		fds[n++] = fd;
	}
	int err = errno;
	int lastfd = n ? fds[n - 1] : -1;
	int d = dup(0);
	int derr = errno;
	for (int i = 0; i < n; i++)
		CHECK(close(fds[i]) == 0, "close(%d): %s", fds[i], strerror(errno));
	CHECK(err == EMFILE, "open #%d failed with %s, want EMFILE", n + 1, strerror(err));
	CHECK(d < 0 && derr == EMFILE, "dup in a full table: %s",
	      d < 0 ? strerror(derr) : "worked");
	CHECK(lastfd == 31, "the last descriptor was %d, want 31 (NOFILE 32)", lastfd);
	f = open(path, O_RDONLY);
	CHECK(f >= 0 && f == 3, "open after closing all: %d (%s)", f, strerror(errno));
	close(f);
	unlink(path);
	if (back_to(&base, "after the files"))
		return 1;
	snprintf(why, sizeof why, "%d opens, then EMFILE; all closed", n);
	return 0;
}

/* ---- process lifetimes ----------------------------------------------------- */

static int c_lifetimes(void)
{
	struct lde_sysinfo base = si();
	for (long i = 0; i < lifetimes; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork #%ld: %s", i, strerror(errno));
		if (pid == 0)
			_exit((int)(i & 0x7f));
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid #%ld: %s", i, strerror(errno));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (int)(i & 0x7f), "child #%ld: status %#x",
		      i, st);
	}
	if (back_to(&base, "after the lifetimes"))
		return 1;
	snprintf(why, sizeof why,
	         "%ld fork/exit/wait; %lu pages free, %u processes before and after", lifetimes,
	         (unsigned long)base.pages_free, base.nproc);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
	const char *what;
} cases[] = {
    {"forkbomb", c_forkbomb, "a fork bomb fills the table: EAGAIN, usable, all reaped"},
    {"sbrk", c_sbrk, "sbrk until ENOMEM; the break holds, half back and again, pages back"},
    {"forkmem", c_forkmem, "fork with memory exhausted: ENOMEM, pages back"},
    {"recursion", c_recursion, "runaway recursion: SIGSEGV at the guard page, pages back"},
    {"pipes", c_pipes, "a full pipe blocks its writer, the reader drains; full pipes to EMFILE"},
    {"files", c_files, "open until EMFILE at descriptor 31; all close"},
    {"lifetimes", c_lifetimes, "N fork/exit/wait leave free pages and processes as they were"},
};
#define NCASES (sizeof cases / sizeof cases[0])

int main(int argc, char *argv[])
{
	int c;
	while ((c = getopt(argc, argv, "ln:")) != -1) {
		switch (c) {
		case 'l':
			for (size_t i = 0; i < NCASES; i++)
				printf("%-10s %s\n", cases[i].name, cases[i].what);
			return 0;
		case 'n':
			lifetimes = strtol(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: exhaust [-n LIFETIMES] [CASE...] | exhaust -l\n");
			return 255;
		}
	}
	lde_fill_proctable();
	int fails = 0;
	for (size_t i = 0; i < NCASES; i++) {
		bool want = optind == argc;
		for (int a = optind; a < argc && !want; a++)
			want = !strcmp(argv[a], cases[i].name);
		if (!want)
			continue;
		why[0] = 0;
		int r = cases[i].fn();
		printf("exhaust: %s %s%s%s%s\n", r ? "FAIL" : "PASS", cases[i].name,
		       why[0] ? " (" : "", why, why[0] ? ")" : "");
		fails += r != 0;
	}
	return fails > 255 ? 255 : fails;
}
