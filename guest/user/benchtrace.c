/*
 * benchtrace [quick]: what issue 5's tracing costs a system call
 * (bench/PROTOCOL.md lines on stdout).
 *
 *   trace.getpid.syscall  getpid through `syscall`, measured exactly as
 *                         trap.getpid.syscall (benchtrap.c)
 *   trace.tracemark       SYS_tracemark: a system call that writes one
 *                         user event (LDE_EV_USER) when tracing is on
 *
 * The program cannot see whether the vmm traces it: the harness runs it
 * plainly and again under `./vmm --trace /dev/null --trace-events=syscall`,
 * naming the second run's figures *.traced, so the table puts "tracing
 * off" beside trap.getpid.syscall (it should cost nothing measurable) and
 * "tracing on" beside "off".
 *
 * benchtrace events N: N tracemark calls and nothing else, for the
 * harness's count of VM exits per 1000 trace events (it reads the vmm's
 * --stats and the trace's "# end:" line; the guest cannot see its exits).
 */
#include <stdlib.h>

#include "lde_guest.h"

#define NMAX 400
static uint64_t v[NMAX], e[NMAX];

/* clang-format off */
GB_LOOP(loop_getpid_empty, "mov $" GB_STR(SYS_getpid) ", %%eax", "rax", "rcx", "r11")
GB_LOOP(loop_getpid_syscall, "mov $" GB_STR(SYS_getpid) ", %%eax\n\tsyscall", "rax", "rcx", "r11")
GB_LOOP(loop_mark_empty, "mov $" GB_STR(SYS_tracemark) ", %%eax\n\txor %%edi, %%edi\n\t"
	"xor %%esi, %%esi", "rax", "rcx", "r11", "rdi", "rsi")
GB_LOOP(loop_mark, "mov $" GB_STR(SYS_tracemark) ", %%eax\n\txor %%edi, %%edi\n\t"
	"xor %%esi, %%esi\n\tsyscall", "rax", "rcx", "r11", "rdi", "rsi")
/* clang-format on */

static void figure(const char *name, uint64_t (*op)(uint64_t), uint64_t (*empty)(uint64_t),
                   size_t n, uint64_t k)
{
	op(k);
	empty(k);
	for (size_t i = 0; i < n; i++) {
		e[i] = empty(k);
		v[i] = op(k);
	}
	gb_emit(name, "tsc", v, n, k, gb_median(e, n));
}

int main(int argc, char **argv)
{
	struct lde_sysinfo si;

	if (argc == 3 && !strcmp(argv[1], "events")) {
		long n = atol(argv[2]);
		char line[80];
		for (long i = 0; i < n; i++)
			lde_tracemark(0x62656e63, (uint64_t)i); /* "benc" */
		int len = snprintf(line, sizeof line, "BENCHINFO trace_marks=%ld\n", n);
		gb_write(line, (size_t)len);
		return 0;
	}
	int quick = gb_quick(argc, argv);
	size_t n = quick ? 5 : 200;
	uint64_t k = quick ? 5 : 20;
	if (gb_info(&si) < 0)
		return 1;
	if (si.syscall_path == LDE_PATH_BROKEN) {
		gb_skip("trace.getpid.syscall", "the `syscall` path is broken here");
		return 0;
	}
	figure("trace.getpid.syscall", loop_getpid_syscall, loop_getpid_empty, n, k);
	figure("trace.tracemark", loop_mark, loop_mark_empty, n, k);
	return 0;
}
