/*
 * ktest MODE [ARG...]: the kernel's host tests' helper (tests/34-process.t).
 *
 *   ktest exit N         exit with status N
 *   ktest sleep MS       sleep MS milliseconds, then exit 0
 *   ktest exec PATH...   try each PATH with execv; print "exec PATH: ERRNO"
 *                        for each that fails, then "intact" and exit 0
 *                        (a failed exec must leave the caller whole)
 *   ktest paths          print the system-call paths sysinfo reports
 *   ktest sig [CASE...]  the signal cases (ktest/sig.c, tests/42-signals.t)
 *   ktest fs [CASE...]   the file-system and pipe cases (ktest/fs.c, tests/43-fs.t)
 *   ktest sigstate       print what exec left of the signal state
 *   ktest cost [N]       what kernel operations cost, in TSC cycles: the
 *                        median over N rounds (default 15) of each figure
 *   ktest each MODE[=ARG]...  run `ktest MODE ARG` in a child for each, and
 *                        print "each: MODE: exit N" or "each: MODE: signal
 *                        S" as it ends; then "each: done" (we survived)
 *   ktest FAULT [ADDR]   die by the fault (the kernel prints one line):
 *     null        read address 0               SIGSEGV
 *     kwrite      write the kernel image       SIGSEGV
 *     kread       read PHYSMAP                 SIGSEGV
 *     ud          ud2                          SIGILL
 *     de          divide by zero               SIGFPE
 *     int3        breakpoint                   SIGTRAP
 *     gp          non-canonical access         SIGSEGV
 *     priv        cli                          SIGSEGV
 *     hlt         hlt                          SIGSEGV
 *     out         out to lde's exit port       SIGSEGV
 *     wrmsr       wrmsr                        SIGSEGV
 *     stack       runaway recursion            SIGSEGV (the guard page)
 *     tfsyscall   TF set, then `syscall`       SIGTRAP (single step, in user mode)
 *     tfint80     TF set, then `int $0x80`     SIGTRAP
 *     kjump       jump into the kernel image   SIGSEGV
 *     jump ADDR   jump to ADDR with rax = 1 and rcx = 0 (given LSTAR: a
 *                 plain SIGSEGV, not a system call)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <lde.h>

#include "ktest/ktest.h"

int ktest_sigstate(void);

#define KERNEL_ADDR  0xffffffff80100000ul
#define PHYSMAP_ADDR 0xffff800000001000ul

static const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ENOENT, "ENOENT"}, {ENOEXEC, "ENOEXEC"}, {EACCES, "EACCES"}, {E2BIG, "E2BIG"},
		{EFAULT, "EFAULT"}, {ENOMEM, "ENOMEM"},   {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].e == e)
			return names[i].name;
	return "?";
}

/* Each level takes ~0.5 KiB of stack; depth says when to stop, which
 * no stack can reach. */
/* ---- costs ------------------------------------------------------------ */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#define MAXROUNDS 64
static uint64_t tsc_khz;

/* Print the median and minimum of r[0..n) (cycles per operation). */
static void report(const char *what, uint64_t *r, int n)
{
	qsort(r, (size_t)n, sizeof r[0], cmp_u64);
	uint64_t med = r[n / 2];
	printf("cost: %-28s %10lu cyc %9lu ns  (min %lu)\n", what, (unsigned long)med,
	       (unsigned long)(med * 1000000 / tsc_khz), (unsigned long)r[0]);
}

/* bss: zero-fill on demand */
static volatile char zfod_area[64 * 4096] __attribute__((aligned(4096)));
static volatile char cow_area[64 * 4096] __attribute__((aligned(4096)));

static int costs_issue4(int rounds, uint64_t *r);

static int costs(int rounds)
{
	struct lde_sysinfo si;
	uint64_t r[MAXROUNDS];
	enum { CALLS = 20 };
	if (lde_sysinfo(&si) < 0)
		return 1;
	tsc_khz = si.tsc_khz;
	printf("cost: paths syscall %s, int 0x80 %s; %d rounds\n", lde_trappath_name(si.syscall_path),
	       lde_trappath_name(si.int80_path), rounds);
	static const struct {
		const char *name;
		long nr;
		int int80;
	} calls[] = {{"floor via syscall", SYS_floor, 0}, {"floor via int 0x80", SYS_floor, 1},
		     {"getpid via syscall", SYS_getpid, 0}, {"getpid via int 0x80", SYS_getpid, 1}};
	for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++) {
		for (int i = 0; i < rounds; i++) {
			uint64_t t = rdtsc();
			for (int k = 0; k < CALLS; k++)
				calls[c].int80 ? lde_syscall_int80(calls[c].nr) : lde_syscall(calls[c].nr);
			r[i] = (rdtsc() - t) / CALLS;
		}
		report(calls[c].name, r, rounds);
	}
	/* yield with another process READY: each yield is a switch there and back. */
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			sched_yield();
	}
	for (int i = 0; i < rounds; i++) {
		uint64_t t = rdtsc();
		for (int k = 0; k < CALLS; k++)
			sched_yield();
		r[i] = (rdtsc() - t) / CALLS / 2;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	report("switch (yield, half a round)", r, rounds);
	for (int i = 0; i < rounds; i++) {
		uint64_t t = rdtsc();
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
		r[i] = rdtsc() - t;
	}
	report("fork + exit + wait", r, rounds);
	for (int i = 0; i < rounds; i++) {
		uint64_t t = rdtsc();
		pid_t c = fork();
		if (c == 0) {
			char *args[] = {"nop", NULL};
			execv("/bin/nop", args);
			_exit(127);
		}
		waitpid(c, NULL, 0);
		r[i] = rdtsc() - t;
	}
	report("fork + exec nop + exit + wait", r, rounds);
	/* First touch of bss pages: one zero-fill fault each. */
	int npages = rounds < 64 ? rounds : 64;
	for (int i = 0; i < npages; i++) {
		uint64_t t = rdtsc();
		zfod_area[i * 4096] = 1;
		r[i] = rdtsc() - t;
	}
	report("page fault, zero-fill", r, npages);
	/* Copy-on-write: touched here, written by a child after fork. */
	for (int i = 0; i < npages; i++)
		cow_area[i * 4096] = 1;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < npages; i++) {
			uint64_t t = rdtsc();
			cow_area[i * 4096] = 2;
			r[i] = rdtsc() - t;
		}
		report("page fault, copy-on-write", r, npages);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	return costs_issue4(rounds, r);
}

static void empty_handler(int sig)
{
	(void)sig;
}

/* Signals, pipes and files (issue 4). */
static int costs_issue4(int rounds, uint64_t *r)
{
	enum { CALLS = 10 };
	/* kill to ourselves with a handler: post, frame, handler, sigreturn */
	signal(SIGUSR1, empty_handler);
	for (int i = 0; i < rounds; i++) {
		uint64_t t = rdtsc();
		for (int k = 0; k < CALLS; k++)
			kill(getpid(), SIGUSR1);
		r[i] = (rdtsc() - t) / CALLS;
	}
	report("signal to self, handled", r, rounds);
	/* one byte there and back through two pipes: two transfers, two switches */
	int a[2], b[2];
	if (pipe(a) < 0 || pipe(b) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(a[1]); /* EOF when the parent closes its end */
		close(b[0]);
		while (read(a[0], &c, 1) == 1 && write(b[1], &c, 1) == 1)
			;
		_exit(0);
	}
	for (int i = 0; i < rounds; i++) {
		char c = 'x';
		uint64_t t = rdtsc();
		for (int k = 0; k < CALLS; k++)
			if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
				return 1;
		r[i] = (rdtsc() - t) / CALLS / 2;
	}
	report("pipe ping-pong (half a round)", r, rounds);
	close(a[1]);
	waitpid(pid, NULL, 0);
	close(a[0]), close(b[0]), close(b[1]);
	for (int i = 0; i < rounds; i++) {
		uint64_t t = rdtsc();
		for (int k = 0; k < CALLS; k++)
			close(open("/bin/ktest", O_RDONLY));
		r[i] = (rdtsc() - t) / CALLS;
	}
	report("open + close /bin/ktest", r, rounds);
	static char page[4096];
	int fd = open("/ktest-cost", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	for (int i = 0; i < rounds; i++) {
		uint64_t t = rdtsc();
		if (write(fd, page, sizeof page) != sizeof page)
			return 1;
		r[i] = rdtsc() - t;
	}
	report("write 4 KiB to a new file page", r, rounds);
	for (int i = 0; i < rounds; i++) {
		lseek(fd, 0, SEEK_SET);
		uint64_t t = rdtsc();
		if (read(fd, page, sizeof page) != sizeof page)
			return 1;
		r[i] = rdtsc() - t;
	}
	report("read 4 KiB of a file", r, rounds);
	close(fd);
	unlink("/ktest-cost");
	return 0;
}

static int __attribute__((noinline)) recurse(volatile char *prev, unsigned long depth)
{
	volatile char frame[512];
	frame[0] = prev ? prev[0] + 1 : 0;
	if (depth == 0)
		return frame[0];
	return recurse(frame, depth - 1) + frame[511];
}

static void jump(unsigned long addr)
{
	__asm__ volatile("mov $1, %%eax; xor %%ecx, %%ecx; jmp *%0" : : "r"(addr) : "rax", "rcx");
}

static int fault(const char *mode, const char *arg)
{
	volatile int zero = 0;
	if (!strcmp(mode, "null"))
		return *(volatile int *)0;
	if (!strcmp(mode, "kwrite"))
		*(volatile long *)KERNEL_ADDR = 0;
	else if (!strcmp(mode, "kread"))
		return (int)*(volatile long *)PHYSMAP_ADDR;
	else if (!strcmp(mode, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(mode, "de")) /* a real div: gcc turns 1 / x into compares */
		__asm__ volatile("xorl %%edx, %%edx; movl $1, %%eax; divl %0" : : "r"(zero) : "rax",
				 "rdx");
	else if (!strcmp(mode, "int3"))
		__asm__ volatile("int3");
	else if (!strcmp(mode, "gp"))
		return (int)*(volatile long *)0x8000000000000000ul;
	else if (!strcmp(mode, "priv"))
		__asm__ volatile("cli");
	else if (!strcmp(mode, "hlt"))
		__asm__ volatile("hlt");
	else if (!strcmp(mode, "out"))
		__asm__ volatile("movw $0x1de1, %%dx; xorl %%eax, %%eax; outl %%eax, %%dx" ::: "rax",
				 "rdx");
	else if (!strcmp(mode, "wrmsr"))
		__asm__ volatile("mov $0xc0000082, %%ecx; xor %%eax, %%eax; xor %%edx, %%edx; wrmsr" :::
				 "rax", "rcx", "rdx");
	else if (!strcmp(mode, "tfsyscall")) /* single-step into `syscall` */
		__asm__ volatile("mov $5, %%eax; pushfq; orq $0x100, (%%rsp); popfq; syscall; nop" :::
				 "rax", "rcx", "r11", "memory");
	else if (!strcmp(mode, "tfint80"))
		__asm__ volatile("mov $5, %%eax; pushfq; orq $0x100, (%%rsp); popfq; int $0x80; nop" :::
				 "rax", "memory");
	else if (!strcmp(mode, "stack"))
		return recurse(NULL, ~0ul);
	else if (!strcmp(mode, "kjump"))
		jump(KERNEL_ADDR);
	else if (!strcmp(mode, "jump") && arg)
		jump(strtoul(arg, NULL, 0));
	else
		return -1;
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: ktest MODE [ARG...]\n");
		return 2;
	}
	const char *mode = argv[1];
	if (!strcmp(mode, "exit") && argc == 3)
		return atoi(argv[2]);
	if (!strcmp(mode, "sleep") && argc == 3)
		return msleep((unsigned)atoi(argv[2])) == 0 ? 0 : 1;
	if (!strcmp(mode, "cost")) {
		int n = argc > 2 ? atoi(argv[2]) : 15;
		return costs(n < 3 ? 3 : n > MAXROUNDS ? MAXROUNDS : n);
	}
	if (!strcmp(mode, "sig"))
		return ktest_sig(argc - 2, argv + 2);
	if (!strcmp(mode, "fs"))
		return ktest_fs(argc - 2, argv + 2);
	if (!strcmp(mode, "sigstate"))
		return ktest_sigstate();
	if (!strcmp(mode, "paths")) {
		struct lde_sysinfo si;
		if (lde_sysinfo(&si) < 0)
			return 1;
		printf("syscall %s, int 0x80 %s\n", lde_trappath_name(si.syscall_path),
		       lde_trappath_name(si.int80_path));
		return 0;
	}
	if (!strcmp(mode, "each")) {
		for (int i = 2; i < argc; i++) {
			char m[64], *eq;
			snprintf(m, sizeof m, "%s", argv[i]);
			if ((eq = strchr(m, '=')))
				*eq++ = '\0';
			pid_t pid = fork();
			if (pid == 0) {
				char *args[] = {"ktest", m, eq, NULL};
				execv("/bin/ktest", args);
				_exit(127);
			}
			int st;
			if (pid < 0 || waitpid(pid, &st, 0) != pid) {
				printf("each: %s: fork/wait failed\n", m);
				return 1;
			}
			if (WIFSIGNALED(st))
				printf("each: %s: signal %d\n", m, WTERMSIG(st));
			else
				printf("each: %s: exit %d\n", m, WEXITSTATUS(st));
		}
		printf("each: done\n");
		return 0;
	}
	if (!strcmp(mode, "exec")) {
		for (int i = 2; i < argc; i++) {
			char *args[] = {argv[i], NULL};
			execv(argv[i], args);
			printf("exec %s: %s\n", argv[i], errno_name(errno));
		}
		printf("intact\n");
		return 0;
	}
	int r = fault(mode, argc > 2 ? argv[2] : NULL);
	if (r == -1) {
		fprintf(stderr, "ktest: unknown mode %s\n", mode);
		return 2;
	}
	printf("ktest: %s did not fault\n", mode);
	return 3;
}
