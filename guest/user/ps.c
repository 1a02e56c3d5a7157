/*
 * ps [-l]: the process table, one line per process, in pid order.
 *
 *   PID PPID PGID  the process, its parent, its process group
 *   STATE          OSTEP's states: RUNNING, READY, BLOCKED (WCHAN says on
 *                  what: wait, sleep, console, pipe...), ZOMBIE, EMBRYO
 *   TICKS          timer ticks it was charged while RUNNING (CPU use)
 *   SYSCALLS       system calls it made
 *   SWITCH         context switches away from it: voluntary (it blocked or
 *                  yielded) + involuntary (preempted); -l shows both
 *   -l adds VSW, ISW, MEM (KiB of user pages) and START (ms after boot)
 *
 * The table comes from SYS_procsnap, a snapshot taken in one system
 * call, so the lines are consistent with each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lde.h>

static int by_pid(const void *a, const void *b)
{
	const struct lde_procinfo *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int main(int argc, char *argv[])
{
	int lng = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			lng = 1;
		} else {
			fprintf(stderr, "usage: ps [-l]\n");
			return 2;
		}
	}
	struct lde_sysinfo si;
	size_t max = lde_sysinfo(&si) == 0 && si.nproc_max ? si.nproc_max : 256;
	struct lde_procinfo *p = calloc(max, sizeof *p);
	int n = p ? lde_procsnap(p, max) : -1;
	if (n < 0) {
		perror("ps: procsnap");
		return 1;
	}
	qsort(p, (size_t)n, sizeof *p, by_pid);
	printf("  PID  PPID  PGID STATE       TICKS SYSCALLS %s WCHAN    NAME\n",
	       lng ? "   VSW    ISW    MEM    START" : "SWITCH");
	for (int i = 0; i < n; i++) {
		const struct lde_procinfo *q = &p[i];
		printf("%5d %5d %5d %-8s %8lu %8lu ", q->pid, q->ppid, q->pgid,
		       lde_procstate_name(q->state), (unsigned long)q->ticks,
		       (unsigned long)q->syscalls);
		if (lng)
			printf("%6lu %6lu %5luK %8lu", (unsigned long)q->vswitches,
			       (unsigned long)q->iswitches, (unsigned long)q->mem_kb,
			       (unsigned long)q->start_ms);
		else
			printf("%6lu", (unsigned long)(q->vswitches + q->iswitches));
		printf(" %-8.8s %.*s\n", q->state == LDE_PROC_BLOCKED ? q->wchan : "-",
		       LDE_PROCNAME, q->name);
	}
	return 0;
}
