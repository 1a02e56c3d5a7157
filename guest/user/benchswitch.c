/*
 * benchswitch [quick]: what a context switch costs between two processes
 * on one CPU (bench/PROTOCOL.md lines on stdout).
 *
 *   switch.yield.self  sched_yield() with nobody else READY: the system
 *                      call alone, no switch
 *   switch.yield       two processes yielding to each other: a round trip
 *                      is two switches; the figure is per switch and
 *                      includes one yield system call
 *   switch.pipe.rtt    lmbench lat_ctx (zero working set): a byte goes
 *                      parent -> child -> parent through two pipes
 *   switch.pipe.ovh    the same writes and reads in one process (no switch)
 *   switch.pipe        (rtt - ovh) / 2: one switch, pipe work taken off
 *
 * Pipes arrive with issue 4's kernel work: while pipe() says ENOSYS the
 * pipe figures are a BENCHSKIP with that reason.
 */
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "lde_guest.h"

#define NMAX 200
static uint64_t v[NMAX], w[NMAX];

static void yields(size_t n, uint64_t k)
{
	/* Alone: yield returns at once. */
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++)
			sched_yield();
		v[s] = lb_rdtsc() - t0;
	}
	gb_emit("switch.yield.self", "tsc", v, n, k, 0);

	pid_t pid = fork();
	if (pid < 0) {
		gb_skip("switch.yield", "fork failed");
		return;
	}
	if (pid == 0)
		for (;;)
			sched_yield();
	for (int i = 0; i < 4; i++) /* the child has run; both are warm */
		sched_yield();
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++)
			sched_yield();
		v[s] = lb_rdtsc() - t0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	gb_emit("switch.yield", "tsc", v, n, 2 * k, 0);
}

static int xwrite(int fd)
{
	char c = 'x';
	return write(fd, &c, 1) == 1 ? 0 : -1;
}

static int xread(int fd)
{
	char c;
	return read(fd, &c, 1) == 1 ? 0 : -1;
}

static void pipes(size_t n, uint64_t k)
{
	int a[2], b[2];
	char why[120];

	if (pipe(a) < 0 || pipe(b) < 0) {
		snprintf(why, sizeof why, "pipe() fails with %s%s",
		         errno == ENOSYS ? "ENOSYS" : strerror(errno),
		         errno == ENOSYS ? ": this kernel has no pipes yet" : "");
		gb_skip("switch.pipe", why);
		return;
	}
	/* lat_ctx's overhead: the token's writes and reads, one process. */
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++)
			if (xwrite(a[1]) || xread(a[0]) || xwrite(b[1]) || xread(b[0]))
				goto broken;
		w[s] = lb_rdtsc() - t0;
	}
	pid_t pid = fork();
	if (pid < 0) {
		gb_skip("switch.pipe", "fork failed");
		return;
	}
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		while (xread(a[0]) == 0)
			if (xwrite(b[1]))
				break;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	for (int i = 0; i < 4; i++)
		if (xwrite(a[1]) || xread(b[0]))
			goto broken_child;
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		for (uint64_t i = 0; i < k; i++)
			if (xwrite(a[1]) || xread(b[0]))
				goto broken_child;
		v[s] = lb_rdtsc() - t0;
	}
	close(a[1]); /* the child reads end of file and exits */
	waitpid(pid, NULL, 0);
	close(b[0]);
	uint64_t rtt[NMAX];
	memcpy(rtt, v, n * sizeof v[0]);
	gb_emit("switch.pipe.rtt", "tsc", rtt, n, k, 0);
	struct lb_stats o = gb_emit("switch.pipe.ovh", "tsc", w, n, k, 0);
	gb_emit("switch.pipe", "tsc", v, n, 2 * k, o.med);
	return;
broken_child:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
broken:
	gb_skip("switch.pipe", "a one-byte pipe write or read failed");
}

int main(int argc, char **argv)
{
	int quick = gb_quick(argc, argv);
	struct lde_sysinfo si;

	gb_info(&si);
	yields(quick ? 3 : 100, quick ? 3 : 10);
	pipes(quick ? 3 : 100, quick ? 3 : 5);
	return 0;
}
