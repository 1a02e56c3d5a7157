/*
 * bench/host.c: host Linux baselines for lde's benchmarks, and the wall
 * clock timer the harness uses for whole programs (boot figures).
 *
 *   host tsc                     calibrate the TSC against CLOCK_MONOTONIC_RAW
 *   host getpid [-n N] [-k K]    raw getpid system call
 *   host pipe   [-n N] [-k K]    pipe ping-pong between two processes on one
 *                                CPU, lmbench lat_ctx style
 *   host fork   [-n N] [-m MIB]  fork + _exit + waitpid; with -m, after writing
 *                                every page of MIB MiB of heap (host.fork.<MIB>m:
 *                                fork as the parent's memory grows)
 *   host exec   [-n N] [-x PROG] fork + execve(tiny static PROG) + waitpid
 *   host spawn -N NAME [-n N] [-s STATUS] [-t SECS] [-o LOG] -- CMD...
 *                                wall time (ns) and peak RSS of CMD, run N times,
 *                                each killed after SECS (default 60)
 *   host selftest                check lde_bench.h's statistics and format
 *
 * Every timed figure is printed as a BENCH line (bench/PROTOCOL.md).  The
 * process pins itself to the CPU it runs on when its affinity allows more
 * than one, so both ends of the ping-pong share a CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lde_bench.h"

static const char *prog = "host";

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "%s%s\n", errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static void emit(const char *name, const char *unit, uint64_t *v, size_t n, uint64_t iters,
                 uint64_t ovh)
{
	struct lb_stats s;
	char line[256];
	lb_compute(v, n, iters, ovh, &s);
	lb_format(line, sizeof line, name, unit, &s);
	fputs(line, stdout);
	fflush(stdout);
}

static uint64_t *samples(size_t n)
{
	uint64_t *v = calloc(n, sizeof *v);
	if (!v)
		die("%s", "out of memory");
	return v;
}

/* Pin to the current CPU unless the affinity mask is one CPU already
 * (taskset -c N from `make bench`). */
static void pin(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == 1)
		return;
	int cpu = sched_getcpu();
	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0)
		die("%s", "sched_setaffinity");
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* TSC kHz: the median of 5 ratios of rdtsc to CLOCK_MONOTONIC_RAW over
 * ms milliseconds each. */
static int cmd_tsc(unsigned ms)
{
	uint64_t khz[5];
	for (int i = 0; i < 5; i++) {
		uint64_t n0 = now_ns(CLOCK_MONOTONIC_RAW), t0 = lb_rdtsc(), n1, t1;
		do {
			n1 = now_ns(CLOCK_MONOTONIC_RAW);
			t1 = lb_rdtsc();
		} while (n1 - n0 < ms * 1000000ull);
		khz[i] = (t1 - t0) * 1000000ull / (n1 - n0);
	}
	lb_sort(khz, 5);
	printf("BENCHINFO tsc_khz=%llu tsc_source=calibrated spread_khz=%llu\n",
	       (unsigned long long)khz[2], (unsigned long long)(khz[4] - khz[0]));
	return 0;
}

/* The system call itself, without glibc's wrapper or its caching. */
static inline long raw_getpid(void)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
	return r;
}

static int cmd_getpid(size_t n, uint64_t k)
{
	uint64_t *v = samples(n), ovh = lb_overhead(1000);
	for (uint64_t i = 0; i < k; i++)
		raw_getpid();
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++)
			raw_getpid();
		v[s] = lb_rdtsc() - t0;
	}
	emit("host.getpid", "tsc", v, n, k, ovh);
	return 0;
}

static void xwrite(int fd)
{
	char c = 'x';
	if (write(fd, &c, 1) != 1)
		die("%s", "pipe write");
}

static int xread(int fd)
{
	char c;
	ssize_t r = read(fd, &c, 1);
	if (r < 0)
		die("%s", "pipe read");
	return (int)r;
}

/*
 * lmbench lat_ctx with a zero-size working set: a token goes parent ->
 * child -> parent through two pipes, so one round trip is two context
 * switches plus two writes and two reads.  The pipe work alone is measured
 * in one process (the same writes and reads, no switch) and subtracted:
 * host.ctxsw = (round trip - pipe overhead) / 2.
 */
static int cmd_pipe(size_t n, uint64_t k)
{
	int a[2], b[2];
	if (pipe(a) || pipe(b))
		die("%s", "pipe");
	uint64_t *ovh = samples(n), *rtt = samples(n), *sw = samples(n);

	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++) {
			xwrite(a[1]);
			xread(a[0]);
			xwrite(b[1]);
			xread(b[0]);
		}
		ovh[s] = lb_rdtsc() - t0;
	}

	pid_t pid = fork();
	if (pid < 0)
		die("%s", "fork");
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		while (xread(a[0]) == 1)
			xwrite(b[1]);
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	for (uint64_t i = 0; i < k; i++) {
		xwrite(a[1]);
		xread(b[0]);
	}
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++) {
			xwrite(a[1]);
			xread(b[0]);
		}
		rtt[s] = sw[s] = lb_rdtsc() - t0;
	}
	close(a[1]);
	waitpid(pid, NULL, 0);

	/* The overhead's median, taken before emit() reorders the array. */
	uint64_t *tmp = samples(n);
	memcpy(tmp, ovh, n * sizeof *tmp);
	lb_sort(tmp, n);
	uint64_t ovh_med = tmp[(n - 1) / 2];
	free(tmp);

	emit("host.pipe.rtt", "tsc", rtt, n, k, 0);
	emit("host.pipe.ovh", "tsc", ovh, n, k, 0);
	emit("host.ctxsw", "tsc", sw, n, 2 * k, ovh_med);
	return 0;
}

static void reap(pid_t pid, const char *what)
{
	int st;
	if (pid < 0)
		die("%s: fork", what);
	if (waitpid(pid, &st, 0) != pid)
		die("%s: waitpid", what);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = 0;
		die("%s: child failed", what);
	}
}

static int cmd_fork(size_t n, uint64_t mib)
{
	uint64_t *v = samples(n);
	char name[40] = "host.fork";
	if (mib) {
		/* Present and private before the timing, as benchproc's heap. */
		char *mem = malloc(mib << 20);
		if (!mem)
			die("%s", "fork -m: out of memory");
		for (uint64_t off = 0; off < mib << 20; off += 4096)
			mem[off] = 1;
		snprintf(name, sizeof name, "host.fork.%llum", (unsigned long long)mib);
	}
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		reap(pid, "fork");
		v[s] = lb_rdtsc() - t0;
	}
	emit(name, "tsc", v, n, 1, 0);
	return 0;
}

static int cmd_exec(size_t n, const char *path)
{
	char *argv[] = {(char *)path, NULL}, *envp[] = {NULL};
	uint64_t *v = samples(n);
	if (access(path, X_OK) != 0)
		die("exec: %s", path);
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		pid_t pid = fork();
		if (pid == 0) {
			execve(path, argv, envp);
			_exit(127);
		}
		reap(pid, "exec");
		v[s] = lb_rdtsc() - t0;
	}
	emit("host.forkexec", "tsc", v, n, 1, 0);
	return 0;
}

static volatile pid_t spawn_child;

static void spawn_timeout(int sig)
{
	(void)sig;
	if (spawn_child > 0)
		kill(spawn_child, SIGKILL);
}

/* Runs argv n times with stdin from /dev/null and output to log (or
 * /dev/null); each run must end with status `want` within `secs`
 * seconds.  Prints NAME (wall ns from fork to reaped) and NAME.maxrss
 * (peak RSS, KiB). */
static int cmd_spawn(const char *name, size_t n, int want, unsigned secs, const char *log,
                     char **argv)
{
	struct sigaction sa = {.sa_handler = spawn_timeout}; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	uint64_t *wall = samples(n), *rss = samples(n);
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);
		pid_t pid = fork();
		if (pid == 0) {
			int in = open("/dev/null", O_RDONLY);
			int out =
			    open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
			    dup2(out, 2) < 0)
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid < 0)
			die("spawn %s: fork", name);
		spawn_child = pid;
		alarm(secs);
		int st;
		struct rusage ru;
		pid_t r;
		while ((r = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
			;
		wall[s] = now_ns(CLOCK_MONOTONIC) - t0;
		alarm(0);
		spawn_child = 0;
		if (r != pid)
			die("spawn %s: wait4", name);
		rss[s] = (uint64_t)ru.ru_maxrss;
		int got = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (got != want) {
			fprintf(stderr, "%s: spawn %s: %s %s %d, expected %d%s%s\n", prog, name,
			        argv[0],
			        got == 128 + SIGKILL ? "killed after the timeout, status"
			                             : "exited with status",
			        got, want, log ? "; output in " : "", log ? log : "");
			return 1;
		}
	}
	char rname[128];
	snprintf(rname, sizeof rname, "%s.maxrss", name);
	emit(name, "ns", wall, n, 1, 0);
	emit(rname, "kb", rss, n, 1, 0);
	return 0;
}

/* lde_bench.h against hand-computed cases; one line per check. */
static int cmd_selftest(void)
{
	static const struct {
		uint64_t v[8];
		size_t n;
		uint64_t iters, ovh;
		const char *want;
	} cases[] = {
	    /* clang-format off: one case per line */
	    {{5}, 1, 1, 0, "BENCH t unit=tsc n=1 iters=1 min=5 med=5 p99=5 max=5 ovh=0\n"},
	    {{9, 1, 5, 3, 7},
	     5,
	     1,
	     0,
	     "BENCH t unit=tsc n=5 iters=1 min=1 med=5 p99=9 max=9 ovh=0\n"},
	    {{4, 1, 3, 2}, 4, 1, 0, "BENCH t unit=tsc n=4 iters=1 min=1 med=2 p99=4 max=4 ovh=0\n"},
	    {{300, 100, 200},
	     3,
	     100,
	     50,
	     "BENCH t unit=tsc n=3 iters=100 min=0.5 med=1.5 p99=2.5 max=2.5 ovh=0.5\n"},
	    {{10, 20},
	     2,
	     3,
	     0,
	     "BENCH t unit=tsc n=2 iters=3 min=3.33 med=3.33 p99=6.67 max=6.67 ovh=0\n"},
	    {{199, 5},
	     2,
	     2,
	     10,
	     "BENCH t unit=tsc n=2 iters=2 min=0 med=0 p99=94.5 max=94.5 ovh=5\n"},
	    {{1999}, 1, 1000, 0, "BENCH t unit=tsc n=1 iters=1000 min=2 med=2 p99=2 max=2 ovh=0\n"},
	    {{8, 7, 6, 5, 4, 3, 2, 1},
	     8,
	     1,
	     0,
	     "BENCH t unit=tsc n=8 iters=1 min=1 med=4 p99=8 max=8 ovh=0\n"},
	    /* clang-format on */
	};
	int bad = 0, i = 0;
	for (; i < (int)(sizeof cases / sizeof cases[0]); i++) {
		uint64_t v[8];
		struct lb_stats s;
		char line[256];
		memcpy(v, cases[i].v, sizeof v);
		lb_compute(v, cases[i].n, cases[i].iters, cases[i].ovh, &s);
		lb_format(line, sizeof line, "t", "tsc", &s);
		int ok = strcmp(line, cases[i].want) == 0;
		bad += !ok;
		printf("%s %d - stats case %d\n", ok ? "ok" : "not ok", i + 1, i + 1);
		if (!ok)
			printf("# got  %s# want %s", line, cases[i].want);
	}
	/* a large array sorts correctly and p99 is the nearest rank */
	size_t n = 1000;
	uint64_t *v = samples(n);
	for (size_t j = 0; j < n; j++)
		v[j] = (j * 7919) % n; /* a permutation of 0..999 */
	struct lb_stats s;
	lb_compute(v, n, 1, 0, &s);
	int sorted = 1;
	for (size_t j = 0; j < n; j++)
		sorted &= v[j] == j;
	int ok = sorted && s.med == 499 && s.p99 == 989 && s.min == 0 && s.max == 999;
	bad += !ok;
	printf("%s %d - heapsort and ranks over 1000 samples\n", ok ? "ok" : "not ok", ++i);
	char small[16];
	size_t need = lb_format(small, sizeof small, "t", "tsc", &s);
	ok = need > sizeof small && strlen(small) == sizeof small - 1;
	bad += !ok;
	printf("%s %d - format truncates and reports the needed length\n", ok ? "ok" : "not ok",
	       ++i);
	char skip[64];
	lb_format_skip(skip, sizeof skip, "trap.x", "path broken here");
	ok = strcmp(skip, "BENCHSKIP trap.x path broken here\n") == 0;
	bad += !ok;
	printf("%s %d - skip line\n", ok ? "ok" : "not ok", ++i);
	return bad != 0;
}

static const char *default_tiny(void)
{
	static char path[PATH_MAX];
	ssize_t r = readlink("/proc/self/exe", path, sizeof path - 8);
	if (r <= 0)
		return "tiny";
	path[r] = '\0';
	char *slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "tiny");
	return path;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: %s tsc|getpid|pipe|fork|exec|selftest [-n samples] [-k iters] "
	        "[-m MiB] [-x prog]\n       %s spawn -N name [-n runs] [-s status] [-t secs] "
	        "[-o log] -- cmd...\n",
	        prog, prog);
	exit(64);
}

static uint64_t number(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v == 0 || v > 100000000ull) {
		fprintf(stderr, "%s: bad number '%s'\n", prog, s);
		exit(64);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *cmd = argv[1], *name = NULL, *log = NULL, *tiny = NULL;
	size_t n = 0;
	uint64_t k = 0, mib = 0;
	int want = 0, opt;
	unsigned secs = 60;
	optind = 2;
	while ((opt = getopt(argc, argv, "+n:k:m:x:N:s:t:o:")) != -1) {
		switch (opt) {
		case 'n':
			n = number(optarg);
			break;
		case 'k':
			k = number(optarg);
			break;
		case 'm':
			mib = number(optarg);
			break;
		case 'x':
			tiny = optarg;
			break;
		case 'N':
			name = optarg;
			break;
		case 's':
			want = (int)strtol(optarg, NULL, 10);
			break;
		case 't':
			secs = (unsigned)number(optarg);
			break;
		case 'o':
			log = optarg;
			break;
		default:
			usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "selftest") == 0)
		return cmd_selftest();
	if (strcmp(cmd, "spawn") == 0) {
		if (!name || optind >= argc)
			usage();
		return cmd_spawn(name, n ? n : 10, want, secs, log, argv + optind);
	}
	pin();
	if (strcmp(cmd, "tsc") == 0)
		return cmd_tsc(k ? (unsigned)k : 100);
	if (strcmp(cmd, "getpid") == 0)
		return cmd_getpid(n ? n : 1000, k ? k : 100);
	if (strcmp(cmd, "pipe") == 0)
		return cmd_pipe(n ? n : 200, k ? k : 50);
	if (strcmp(cmd, "fork") == 0)
		return cmd_fork(n ? n : 300, mib);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(n ? n : 200, tiny ? tiny : default_tiny());
	usage();
}
