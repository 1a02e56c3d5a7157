/*
 * ktest MODE [ARG...]: the kernel's host tests' helper (tests/33-process.t).
 *
 *   ktest exit N         exit with status N
 *   ktest sleep MS       sleep MS milliseconds, then exit 0
 *   ktest exec PATH...   try each PATH with execv; print "exec PATH: ERRNO"
 *                        for each that fails, then "intact" and exit 0
 *                        (a failed exec must leave the caller whole)
 *   ktest paths          print the system-call paths sysinfo reports
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
 *     kjump       jump into the kernel image   SIGSEGV
 *     jump ADDR   jump to ADDR with rax = 1 and rcx = 0 (given LSTAR: a
 *                 plain SIGSEGV, not a system call)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <lde.h>

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
