/*
 * The vmm's sandbox: once setup is done (the guest's files read, KVM, RAM,
 * the vCPU, the console's input thread, the timer), every thread of the
 * vmm is confined by a seccomp-BPF filter that lets through only the
 * system calls the running vmm makes, with the arguments it makes them
 * with where arguments give power:
 *
 *   the exit loop     ioctl KVM_RUN, KVM_GET_REGS/SREGS (dumps, a bad
 *                     port's rip), KVM_GET_MSRS (--trace's clock) on the
 *                     vCPU fd; KVM_IRQ_LINE on the VM fd (COM1's IRQ)
 *   console           write (stdout, messages), poll (a full non-blocking
 *                     stdout), read (the input thread on stdin), futex
 *                     (the UART's lock and condition between the threads),
 *                     ioctl TCSETS and TCGETS on fd 0 (the terminal
 *                     restored; glibc reads the mode back)
 *   signals and ends  rt_sigreturn, rt_sigprocmask, rt_sigaction, getpid,
 *                     gettid, tgkill to this process only (raise and
 *                     pthread_kill: timeout, SIGTERM & co, Ctrl-A x),
 *                     restart_syscall, exit (the input thread at end of
 *                     input, with madvise(MADV_DONTNEED) of its stack),
 *                     exit_group
 *   the input thread  set_robust_list, rseq: its start may still be under
 *                     way when the filter arrives
 *   --trace, --stats  close (the trace file), clock_gettime and
 *                     clock_nanosleep (timing, the TSC rate when KVM does
 *                     not say), sysinfo (glibc's qsort of many rows asks),
 *                     brk, mmap of anonymous memory and munmap (malloc), never
 *                     executable: mmap and mprotect without PROT_EXEC
 *
 * Everything else, and every call through the x32 or i386 ABI, traps:
 * SIGSYS, whose handler (below) writes one line naming the call, restores
 * the terminal and exits LDE_VMM_EXIT_SECCOMP (127).  The handler needs
 * nothing the filter forbids, and a vmm subverted into replacing it gains
 * nothing: the trapped call never ran.  Console output is written as it
 * comes, so none is lost; a --trace file loses what its buffer held.
 *
 * A build with AddressSanitizer (make vmm-asan) allows besides what the
 * sanitizer runtime needs (its leak check at exit stops the threads with
 * ptrace from a clone and reads /proc; its reports go to files and start
 * a symbolizer; it maps memory as it likes): that build runs the tests
 * with the sandbox on, to find memory errors; it is not a boundary.
 *
 * LDE_VMM_SECCOMP_SELFTEST=NAME (test only; tests/73-seccomp.t) makes the
 * vmm try one forbidden call as soon as the filter is on.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include <lde/status.h>

#include "sysnames.h"
#include "term.h"
#include "vmm.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif

#define X32_BIT 0x40000000u /* __X32_SYSCALL_BIT */

/* What a trap says (SECCOMP_RET_DATA, the handler's si_errno). */
enum { TRAP_CALL = 0, TRAP_ARGS, TRAP_X32, TRAP_ABI };

/* ---- the filter ---- */

#define MAXINS 512

struct bpf {
	struct sock_filter f[MAXINS];
	unsigned n;
};

static void op(struct bpf *b, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (b->n == MAXINS)
		die(LDE_VMM_EXIT_INTERNAL, "sandbox: filter longer than %u instructions", MAXINS);
	b->f[b->n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

static void ld(struct bpf *b, uint32_t off)
{
	op(b, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

static void ret(struct bpf *b, uint32_t v)
{
	op(b, BPF_RET | BPF_K, v, 0, 0);
}

/* The low 32 bits of argument i (little endian); fds, ioctl requests,
 * pids, prot and flags are all ints to the kernel. */
#define ARG(i) (uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i))

#define ALLOW     SECCOMP_RET_ALLOW
#define TRAP(why) (SECCOMP_RET_TRAP | (why))

/* nr, then a block that ends in a return; skipped unless A == nr. */
static void guarded(struct bpf *b, uint32_t nr, const struct bpf *blk)
{
	if (blk->n > 255)
		die(LDE_VMM_EXIT_INTERNAL, "sandbox: block for call %u too long", nr);
	op(b, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, (uint8_t)blk->n);
	for (unsigned i = 0; i < blk->n; i++)
		op(b, blk->f[i].code, blk->f[i].k, blk->f[i].jt, blk->f[i].jf);
}

/* Calls allowed whatever their arguments. */
/* clang-format off */
static const int plain[] = {
	SYS_read, SYS_write, SYS_poll,          /* console: stdin, stdout, a full stdout */
	SYS_futex,                              /* the UART's lock and condition */
	SYS_rt_sigreturn, SYS_rt_sigprocmask,   /* signal handlers; raise, pthread_kill */
	SYS_rt_sigaction,                       /* dying of the stopping signal */
	SYS_getpid, SYS_gettid,                 /* raise, pthread_kill */
	SYS_restart_syscall,                    /* a sleep a signal interrupted */
	SYS_exit, SYS_exit_group,               /* the input thread's end; the vmm's */
	SYS_set_robust_list, SYS_rseq,          /* the input thread's start */
	SYS_close,                              /* the trace file */
	SYS_clock_gettime, SYS_clock_nanosleep, /* --stats, --trace: time, TSC rate */
	SYS_sysinfo,                            /* glibc's qsort of many --stats rows */
	SYS_brk, SYS_munmap,                    /* malloc */
#ifdef SANDBOX_ASAN
	/* The sanitizer runtime: the leak check at exit (a clone that ptraces
	 * the threads, reading /proc/self/task), reports to log_path (isatty on
	 * any fd), the symbolizer it starts (fork, exec, its dynamic loader),
	 * a new thread's stack bounds (sched_getaffinity), its own memory. */
	SYS_openat, SYS_open, SYS_access, SYS_stat, SYS_fstat, SYS_newfstatat, SYS_lseek,
	SYS_pread64, SYS_readlink, SYS_getdents, SYS_getdents64, SYS_fcntl, SYS_dup, SYS_dup2,
	SYS_pipe, SYS_pipe2, SYS_ioctl, SYS_clone, SYS_fork, SYS_vfork, SYS_execve, SYS_wait4,
	SYS_ptrace, SYS_prctl, SYS_kill, SYS_getppid, SYS_sched_yield, SYS_sched_getaffinity,
	SYS_sigaltstack, SYS_nanosleep, SYS_gettimeofday, SYS_uname, SYS_getrlimit,
	SYS_prlimit64, SYS_arch_prctl, SYS_set_tid_address, SYS_getrandom, SYS_mmap,
	SYS_mprotect, SYS_madvise, SYS_mremap,
#endif
};
/* clang-format on */

/* ioctl: which requests on which fd. */
struct ioctl_rule {
	int fd;
	unsigned long req[4];
	unsigned nreq;
};

static void ioctl_block(struct bpf *b, const struct ioctl_rule *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		ld(b, ARG(0));
		op(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r[i].fd, 0,
		   (uint8_t)(2 + 2 * r[i].nreq));
		ld(b, ARG(1));
		for (unsigned j = 0; j < r[i].nreq; j++) {
			op(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r[i].req[j], 0, 1);
			ret(b, ALLOW);
		}
		ret(b, TRAP(TRAP_ARGS));
	}
	ret(b, TRAP(TRAP_ARGS));
}

static void build(struct bpf *b, const struct vm *vm)
{
	const struct ioctl_rule ioctls[] = {
	    {vm->vcpu_fd, {KVM_RUN, KVM_GET_REGS, KVM_GET_SREGS, KVM_GET_MSRS}, 4},
	    {vm->vm_fd, {KVM_IRQ_LINE}, 1},
	    /* term_restore(): glibc's tcsetattr reads the mode back (TCGETS)
	     * to check what a pty ignored. */
	    {0, {TCSETS, TCGETS}, 2},
	};
	struct bpf blk;

	b->n = 0;
	/* The x86-64 ABI only: no i386 (int 0x80), no x32. */
	ld(b, offsetof(struct seccomp_data, arch));
	op(b, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	ret(b, TRAP(TRAP_ABI));
	ld(b, offsetof(struct seccomp_data, nr));
	op(b, BPF_JMP | BPF_JSET | BPF_K, X32_BIT, 0, 1);
	ret(b, TRAP(TRAP_X32));

	for (unsigned i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		op(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)plain[i], 0, 1);
		ret(b, ALLOW);
	}

	blk.n = 0;
	ioctl_block(&blk, ioctls, sizeof(ioctls) / sizeof(ioctls[0]));
	guarded(b, SYS_ioctl, &blk);

	/* tgkill: this process's threads only (raise, pthread_kill). */
	blk.n = 0;
	ld(&blk, ARG(0));
	op(&blk, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)getpid(), 0, 1);
	ret(&blk, ALLOW);
	ret(&blk, TRAP(TRAP_ARGS));
	guarded(b, SYS_tgkill, &blk);

#ifndef SANDBOX_ASAN
	/* Memory for malloc: anonymous, never executable. */
	blk.n = 0;
	ld(&blk, ARG(2));
	op(&blk, BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 3, 0);
	ld(&blk, ARG(3));
	op(&blk, BPF_JMP | BPF_JSET | BPF_K, MAP_ANONYMOUS, 0, 1);
	ret(&blk, ALLOW);
	ret(&blk, TRAP(TRAP_ARGS));
	guarded(b, SYS_mmap, &blk);

	blk.n = 0;
	ld(&blk, ARG(2));
	op(&blk, BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0);
	ret(&blk, ALLOW);
	ret(&blk, TRAP(TRAP_ARGS));
	guarded(b, SYS_mprotect, &blk);

	/* madvise: a finished thread's stack, memory malloc gives back. */
	blk.n = 0;
	ld(&blk, ARG(2));
	op(&blk, BPF_JMP | BPF_JEQ | BPF_K, MADV_DONTNEED, 0, 1);
	ret(&blk, ALLOW);
	ret(&blk, TRAP(TRAP_ARGS));
	guarded(b, SYS_madvise, &blk);
#endif

	ret(b, TRAP(TRAP_CALL));
}

/* ---- the report: async-signal-safe ---- */

struct line {
	char buf[200];
	size_t n;
};

static void add(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = *s++;
	l->buf[l->n] = '\0';
}

static void add_num(struct line *l, unsigned long long v, unsigned base)
{
	char d[24];
	int i = 0;

	if (base == 16)
		add(l, "0x");
	do {
		d[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i > 0 && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = d[--i];
	l->buf[l->n] = '\0';
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	const unsigned nr = (unsigned)si->si_syscall;
	const int why = si->si_errno;
	struct line l = {.n = 0};

	(void)sig;
	add(&l, "sandbox: forbidden system call ");
	if (why == TRAP_ABI) {
		add(&l, "number ");
		add_num(&l, nr, 10);
		add(&l, si->si_arch == AUDIT_ARCH_I386 ? " of the i386 ABI (int 0x80)"
		                                       : " of another ABI");
	} else if (why == TRAP_X32) {
		add(&l, "number ");
		add_num(&l, nr, 16);
		add(&l, " of the x32 ABI");
	} else {
		if (nr < sizeof(sysnames) / sizeof(sysnames[0]) && sysnames[nr]) {
			add(&l, sysnames[nr]);
			add(&l, " (");
			add_num(&l, nr, 10);
			add(&l, ")");
		} else {
			add(&l, "number ");
			add_num(&l, nr, 10);
		}
		if (why == TRAP_ARGS) {
			add(&l, " with arguments the sandbox does not allow (");
			add_num(&l, (unsigned long long)uc->uc_mcontext.gregs[REG_RDI], 16);
			add(&l, ", ");
			add_num(&l, (unsigned long long)uc->uc_mcontext.gregs[REG_RSI], 16);
			add(&l, ", ");
			add_num(&l, (unsigned long long)uc->uc_mcontext.gregs[REG_RDX], 16);
			add(&l, ", ...)");
		}
	}
	add(&l, "; the vmm stopped itself");
	msg_raw(l.buf);
	term_restore();
	_exit(LDE_VMM_EXIT_SECCOMP);
}

/* ---- self-tests: one forbidden call each (tests/73-seccomp.t) ---- */

static void st_openat(const struct vm *vm)
{
	(void)vm;
	syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
}

static void st_execve(const struct vm *vm)
{
	static char *const argv[] = {"true", NULL};

	(void)vm;
	syscall(SYS_execve, "/bin/true", argv, argv + 1);
}

static void st_socket(const struct vm *vm)
{
	(void)vm;
	syscall(SYS_socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
}

static void st_ioctl_request(const struct vm *vm)
{
	syscall(SYS_ioctl, vm->vm_fd, KVM_CREATE_VCPU, 1);
}

static void st_ioctl_fd(const struct vm *vm)
{
	syscall(SYS_ioctl, vm->vm_fd, KVM_RUN, 0); /* KVM_RUN, but not on the vCPU */
}

static void st_mmap_exec(const struct vm *vm)
{
	(void)vm;
	syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void st_tgkill(const struct vm *vm)
{
	(void)vm;
	syscall(SYS_tgkill, 1, 1, 0); /* signal 0: would only probe init */
}

static void st_x32(const struct vm *vm)
{
	(void)vm;
	syscall(X32_BIT | SYS_getpid);
}

static void st_i386(const struct vm *vm)
{
	long r = 20; /* getpid in the i386 ABI */

	(void)vm;
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
}

static const struct {
	const char *name;
	void (*fn)(const struct vm *vm);
} selftests[] = {
    {"openat", st_openat},     {"execve", st_execve},
    {"socket", st_socket},     {"ioctl-request", st_ioctl_request},
    {"ioctl-fd", st_ioctl_fd}, {"mmap-exec", st_mmap_exec},
    {"tgkill", st_tgkill},     {"x32", st_x32},
    {"i386", st_i386},
};

/* ---- entry ---- */

void sandbox_enter(const struct vm *vm)
{
	static struct bpf b;
	struct sock_fprog prog;
	struct sigaction sa;
	const char *test = getenv("LDE_VMM_SECCOMP_SELFTEST");
	int t = -1;

	if (test) {
		for (unsigned i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
			if (strcmp(test, selftests[i].name) == 0)
				t = (int)i;
		}
		if (t < 0)
			die(LDE_VMM_EXIT_USAGE, "LDE_VMM_SECCOMP_SELFTEST=%s: no such self-test",
			    test);
	}
	build(&b, vm);
	msg_prepare(); /* what a message needs, while fstat is allowed */

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		die(LDE_VMM_EXIT_INTERNAL, "sandbox: SIGSYS handler: %s", strerror(errno));

	prog.len = (unsigned short)b.n;
	prog.filter = b.f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(LDE_VMM_EXIT_INTERNAL,
		    "sandbox: PR_SET_NO_NEW_PRIVS: %s; --no-sandbox runs without it",
		    strerror(errno));
	/* TSYNC: the console's input thread, already running, too. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0)
		die(LDE_VMM_EXIT_INTERNAL,
		    "sandbox: seccomp filter: %s; --no-sandbox runs without it",
		    errno > 0 ? strerror(errno) : "a thread could not be synchronised");

	if (t >= 0) {
		selftests[t].fn(vm);
		die(LDE_VMM_EXIT_INTERNAL, "sandbox self-test %s: the forbidden call went through",
		    selftests[t].name);
	}
}
