/*
 * benchproc [quick]: what creating a process costs (bench/PROTOCOL.md
 * lines on stdout); each sample is one whole operation, timed by the parent.
 *
 *   proc.fork         fork + the child's _exit(0) + waitpid
 *   proc.forkexec     fork + execv("/bin/nop") + its exit + waitpid
 *   proc.fork.<N>m    fork + _exit + waitpid with the parent's heap grown
 *                     to N MiB and every page of it written first (1, 16,
 *                     64; quick: 1, 2): fork's cost as memory grows, as in
 *                     "A fork() in the road" (HotOS '19)
 *
 * lde's fork copies the page tables copy-on-write and its child runs
 * first; on kvm_pvm, where ring 0 is interpreted, a fork costs ~7 ms and a
 * page fault ~0.7 ms, so the sample counts are small.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "lde_guest.h"

#define NMAX 40
static uint64_t v[NMAX];

static int reap(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int forks(const char *name, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (reap(pid) < 0) {
			gb_skip(name, "fork or waitpid failed");
			return -1;
		}
		v[s] = lb_rdtsc() - t0;
	}
	gb_emit(name, "tsc", v, n, 1, 0);
	return 0;
}

static void forkexecs(size_t n)
{
	for (size_t s = 0; s < n; s++) {
		uint64_t t0 = lb_rdtsc();
		pid_t pid = fork();
		if (pid == 0) {
			char *args[] = {"nop", NULL};
			execv("/bin/nop", args);
			_exit(127);
		}
		if (reap(pid) < 0) {
			gb_skip("proc.forkexec", "fork, exec of /bin/nop or waitpid failed");
			return;
		}
		v[s] = lb_rdtsc() - t0;
	}
	gb_emit("proc.forkexec", "tsc", v, n, 1, 0);
}

/* Grows the heap to `mib` MiB past where it started and writes every
 * page, so the parent's memory is all present when fork copies it. */
static int grow(char *base, size_t *have, size_t mib)
{
	size_t want = mib << 20;
	if (want > *have) {
		if (sbrk((intptr_t)(want - *have)) == (void *)-1)
			return -1;
		for (size_t off = *have; off < want; off += 4096)
			base[off] = 1;
		*have = want;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int quick = gb_quick(argc, argv);
	struct lde_sysinfo si;
	static const size_t full[] = {1, 16, 64}, brief[] = {1, 2};

	gb_info(&si);
	if (forks("proc.fork", quick ? 3 : 30) < 0)
		return 1;
	forkexecs(quick ? 3 : 20);

	char *base = sbrk(0);
	size_t have = 0;
	const size_t *sizes = quick ? brief : full;
	size_t nsizes = quick ? 2 : 3;
	for (size_t i = 0; i < nsizes; i++) {
		char name[32], why[96];
		snprintf(name, sizeof name, "proc.fork.%zum", sizes[i]);
		if (grow(base, &have, sizes[i]) < 0) {
			snprintf(why, sizeof why, "sbrk to %zu MiB failed (%s)", sizes[i],
			         errno == ENOMEM ? "ENOMEM" : "error");
			gb_skip(name, why);
			continue;
		}
		/* 64 MiB: ~1.6 s a fork on kvm_pvm, and steady */
		forks(name, quick ? 2 : sizes[i] >= 64 ? 5 : 10);
	}
	return 0;
}
