/*
 * benchtrap [quick]: what entering lde's kernel costs, per entry path
 * (bench/PROTOCOL.md lines on stdout).
 *
 *   trap.floor.syscall   SYS_floor through `syscall`: the entry stub answers
 *   trap.floor.int80     it before any trap frame exists (the path's floor)
 *   trap.getpid.syscall  the full null system call, getpid, through each
 *   trap.getpid.int80    instruction
 *   trap.getpid.libc     getpid() as a program calls it (libc wrapper)
 *   exit.cpuid           cpuid from ring 3: an in-kernel VM exit on KVM
 *
 * Each figure is a loop of inline assembly -- the same instruction the
 * libc's lde_syscall / lde_syscall_int80 execute -- minus the same loop
 * without it, so under QEMU TCG -icount shift=0 a figure is the kernel's
 * instruction count for that path, the trapping instruction included.
 * The path is "whatever the kernel uses here": on kvm_pvm `syscall`
 * arrives as a #PF at LSTAR and `int $0x80` as a #UD (the BENCHINFO line
 * names them); a path the boot probe found broken is a BENCHSKIP.
 */
#include "lde_guest.h"

#define NMAX 400
static uint64_t v[NMAX], e[NMAX];

/* clang-format off */
GB_LOOP(loop_floor_empty, "xor %%eax, %%eax", "rax", "rcx", "r11")
GB_LOOP(loop_floor_syscall, "xor %%eax, %%eax\n\tsyscall", "rax", "rcx", "r11")
GB_LOOP(loop_floor_int80, "xor %%eax, %%eax\n\tint $0x80", "rax", "rcx", "r11")
GB_LOOP(loop_getpid_empty, "mov $" GB_STR(SYS_getpid) ", %%eax", "rax", "rcx", "r11")
GB_LOOP(loop_getpid_syscall, "mov $" GB_STR(SYS_getpid) ", %%eax\n\tsyscall", "rax", "rcx", "r11")
GB_LOOP(loop_getpid_int80, "mov $" GB_STR(SYS_getpid) ", %%eax\n\tint $0x80", "rax", "rcx", "r11")
GB_LOOP(loop_cpuid_empty, "xor %%eax, %%eax\n\txor %%ecx, %%ecx", "rax", "rbx", "rcx", "rdx")
GB_LOOP(loop_cpuid, "xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\tcpuid", "rax", "rbx", "rcx", "rdx")
/* clang-format on */

/* getpid() through the libc, against the same C loop calling nothing. */
static __attribute__((noinline)) uint64_t loop_getpid_libc(uint64_t k)
{
	uint64_t t0 = lb_rdtsc();
	for (uint64_t i = 0; i < k; i++)
		(void)getpid();
	return lb_rdtsc() - t0;
}

static __attribute__((noinline)) void nothing(void)
{
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) uint64_t loop_call_empty(uint64_t k)
{
	uint64_t t0 = lb_rdtsc();
	for (uint64_t i = 0; i < k; i++)
		nothing();
	return lb_rdtsc() - t0;
}

/* n samples of k operations, minus the empty loop's median sample. */
static void figure(const char *name, uint64_t (*op)(uint64_t), uint64_t (*empty)(uint64_t),
                   size_t n, uint64_t k)
{
	op(k); /* warm: first-touch faults, caches */
	empty(k);
	for (size_t i = 0; i < n; i++) {
		e[i] = empty(k);
		v[i] = op(k);
	}
	gb_emit(name, "tsc", v, n, k, gb_median(e, n));
}

static const char *broken_why(unsigned path)
{
	return path == LDE_PATH_BROKEN ? "the kernel's boot probe found this entry path broken here"
	                               : NULL;
}

int main(int argc, char **argv)
{
	int quick = gb_quick(argc, argv);
	size_t n = quick ? 5 : NMAX;
	uint64_t k = quick ? 5 : 20;
	struct lde_sysinfo si;

	if (gb_info(&si) < 0) {
		gb_skip("trap", "sysinfo failed: cannot tell the entry paths");
		return 1;
	}
	const char *no_sys = broken_why(si.syscall_path), *no_int = broken_why(si.int80_path);
	if (no_sys) {
		gb_skip("trap.floor.syscall", no_sys);
		gb_skip("trap.getpid.syscall", no_sys);
	} else {
		figure("trap.floor.syscall", loop_floor_syscall, loop_floor_empty, n, k);
		figure("trap.getpid.syscall", loop_getpid_syscall, loop_getpid_empty, n, k);
	}
	if (no_int) {
		gb_skip("trap.floor.int80", no_int);
		gb_skip("trap.getpid.int80", no_int);
	} else {
		figure("trap.floor.int80", loop_floor_int80, loop_floor_empty, n, k);
		figure("trap.getpid.int80", loop_getpid_int80, loop_getpid_empty, n, k);
	}
	figure("trap.getpid.libc", loop_getpid_libc, loop_call_empty, n, k);
	figure("exit.cpuid", loop_cpuid, loop_cpuid_empty, n, quick ? 5 : 16);
	return 0;
}
