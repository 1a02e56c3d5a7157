/*
 * sig.c: `ktest sig [CASE...]`, the kernel's signal cases (tests/42-signals.t):
 * what the frame looks like at handler entry, what a handler may change in
 * it and what sigreturn refuses, registers across an asynchronous signal,
 * nesting and flags, interrupted and restarted calls, what fork and exec
 * keep, faults that cannot be hidden.  usertests' signal group covers the
 * basics; these pin the kernel's side of the ABI (include/lde/signal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>
#include <lde/syscall.h>

#include "ktest.h"

#define RED_ZONE   128
#define FRAME_SIZE 688
#define RF_DF      0x400ul
#define RF_IF      0x200ul

extern void __lde_restorer(void);

/* ---- assembly helpers ------------------------------------------------- */

/* tramp: a handler that notes %rsp, %rdi and RFLAGS at entry, then jumps
 * to tramp_target with the stack untouched (the restorer on top). */
volatile uint64_t ent_rsp, ent_rdi, ent_rflags;
void (*volatile tramp_target)(int);
void tramp(int);

/* kill_probe(pid, sig): kill through `syscall` with DF set and the red
 * zone filled; returns how many red-zone words changed.  probe_rsp: %rsp
 * at the call; probe_rflags: RFLAGS right after it. */
volatile uint64_t probe_rsp, probe_rflags;
long kill_probe(long pid, long sig);
extern char kill_probe_ret[];

/* regs_spin(flag, out): every general register and xmm0-15 set to known
 * values, spin until *flag, store them all in out[46]. */
void regs_spin(volatile int *flag, uint64_t *out);

/* spin_badstack(): %rsp into unmapped memory, spin forever. */
void spin_badstack(void);

/* ud2_then(): rax = 0, ud2, return rax. */
long ud2_then(void);

/* sigreturn_bare(): SYS_sigreturn with %rsp in unmapped memory. */
void sigreturn_bare(void);

#define RZ16(op) op(8) op(16) op(24) op(32) op(40) op(48) op(56) op(64) op(72) op(80) op(88) op(96) op(104) op(112) op(120) op(128)
#define RZ_STORE(n) "	mov %rax, -" #n "(%rsp)\n"
#define RZ_CMP(n) "	cmp %rdx, -" #n "(%rsp)\n	setne %cl\n	add %rcx, %rax\n"

__asm__(".text\n"
        ".globl tramp\n"
        "tramp:\n"
        "	mov %rsp, ent_rsp(%rip)\n"
        "	mov %rdi, ent_rdi(%rip)\n"
        "	pushfq\n"
        "	popq ent_rflags(%rip)\n"
        "	jmp *tramp_target(%rip)\n"

        ".globl kill_probe\n"
        ".globl kill_probe_ret\n"
        "kill_probe:\n"
        "	mov %rsp, probe_rsp(%rip)\n"
        "	movabs $0xa5a5a5a5a5a5a5a5, %rax\n" RZ16(RZ_STORE)
        "	std\n"
        "	mov $15, %eax\n" /* SYS_kill */
        "	syscall\n"
        "kill_probe_ret:\n"
        "	lea -256(%rsp), %rsp\n"
        "	pushfq\n"
        "	popq probe_rflags(%rip)\n"
        "	lea 256(%rsp), %rsp\n"
        "	cld\n"
        "	movabs $0xa5a5a5a5a5a5a5a5, %rdx\n"
        "	xor %eax, %eax\n"
        "	xor %ecx, %ecx\n" RZ16(RZ_CMP)
        "	ret\n"

        ".globl regs_spin\n"
        "regs_spin:\n"
        "	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
        "	push %rsi\n"
        "	movabs $0x1111111111111111, %rax\n"
        "	movabs $0x2222222222222222, %rbx\n"
        "	movabs $0x3333333333333333, %rcx\n"
        "	movabs $0x4444444444444444, %rdx\n"
        "	movabs $0x5555555555555555, %rsi\n"
        "	movabs $0x6666666666666666, %rbp\n"
        "	movabs $0x7777777777777777, %r8\n"
        "	movabs $0x8888888888888888, %r9\n"
        "	movabs $0x9999999999999999, %r10\n"
        "	movabs $0xaaaaaaaaaaaaaaaa, %r11\n"
        "	movabs $0xbbbbbbbbbbbbbbbb, %r12\n"
        "	movabs $0xcccccccccccccccc, %r13\n"
        "	movabs $0xdddddddddddddddd, %r14\n"
        "	movabs $0xeeeeeeeeeeeeeeee, %r15\n"
        "	movq %rax, %xmm0\n	movq %rbx, %xmm1\n	movq %rcx, %xmm2\n	movq %rdx, %xmm3\n"
        "	movq %rsi, %xmm4\n	movq %rbp, %xmm5\n	movq %r8, %xmm6\n	movq %r9, %xmm7\n"
        "	movq %r10, %xmm8\n	movq %r11, %xmm9\n	movq %r12, %xmm10\n	movq %r13, %xmm11\n"
        "	movq %r14, %xmm12\n	movq %r15, %xmm13\n	movq %rax, %xmm14\n	movq %rbx, %xmm15\n"
        "	punpcklqdq %xmm0, %xmm0\n	punpcklqdq %xmm1, %xmm1\n	punpcklqdq %xmm2, %xmm2\n"
        "	punpcklqdq %xmm3, %xmm3\n	punpcklqdq %xmm4, %xmm4\n	punpcklqdq %xmm5, %xmm5\n"
        "	punpcklqdq %xmm6, %xmm6\n	punpcklqdq %xmm7, %xmm7\n	punpcklqdq %xmm8, %xmm8\n"
        "	punpcklqdq %xmm9, %xmm9\n	punpcklqdq %xmm10, %xmm10\n	punpcklqdq %xmm11, %xmm11\n"
        "	punpcklqdq %xmm12, %xmm12\n	punpcklqdq %xmm13, %xmm13\n	punpcklqdq %xmm14, %xmm14\n"
        "	punpcklqdq %xmm15, %xmm15\n"
        "1:	cmpl $0, (%rdi)\n"
        "	je 1b\n"
        "	xchg %rdi, (%rsp)\n"
        "	mov %rax, 0(%rdi)\n	mov %rbx, 8(%rdi)\n	mov %rcx, 16(%rdi)\n	mov %rdx, 24(%rdi)\n"
        "	mov %rsi, 32(%rdi)\n	mov %rbp, 40(%rdi)\n	mov %r8, 48(%rdi)\n	mov %r9, 56(%rdi)\n"
        "	mov %r10, 64(%rdi)\n	mov %r11, 72(%rdi)\n	mov %r12, 80(%rdi)\n	mov %r13, 88(%rdi)\n"
        "	mov %r14, 96(%rdi)\n	mov %r15, 104(%rdi)\n"
        "	movdqu %xmm0, 112(%rdi)\n	movdqu %xmm1, 128(%rdi)\n	movdqu %xmm2, 144(%rdi)\n"
        "	movdqu %xmm3, 160(%rdi)\n	movdqu %xmm4, 176(%rdi)\n	movdqu %xmm5, 192(%rdi)\n"
        "	movdqu %xmm6, 208(%rdi)\n	movdqu %xmm7, 224(%rdi)\n	movdqu %xmm8, 240(%rdi)\n"
        "	movdqu %xmm9, 256(%rdi)\n	movdqu %xmm10, 272(%rdi)\n	movdqu %xmm11, 288(%rdi)\n"
        "	movdqu %xmm12, 304(%rdi)\n	movdqu %xmm13, 320(%rdi)\n	movdqu %xmm14, 336(%rdi)\n"
        "	movdqu %xmm15, 352(%rdi)\n"
        "	pop %rax\n"
        "	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
        "	ret\n"

        ".globl spin_badstack\n"
        "spin_badstack:\n"
        "	mov $0x1000, %rsp\n"
        "1:	jmp 1b\n"

        ".globl ud2_then\n"
        "ud2_then:\n"
        "	xor %eax, %eax\n"
        "	ud2\n"
        "	ret\n"

        ".globl sigreturn_bare\n"
        "sigreturn_bare:\n"
        "	mov $0x1000, %rsp\n"
        "	mov $17, %eax\n" /* SYS_sigreturn */
        "	syscall\n"
        "	ud2\n");

/* ---- helpers ---------------------------------------------------------- */

static volatile int got, got_sig;
static char order[32];
static volatile int norder;
static struct lde_sigframe saved; /* the frame as the handler saw it */

static void note(char c)
{
	if (norder < (int)sizeof order - 1)
		order[norder++] = c;
}

static void on_sig(int sig)
{
	got++;
	got_sig = sig;
}

static int install(int sig, void (*fn)(int), int flags, sigset_t mask)
{
	struct sigaction sa = {.sa_handler = fn, .sa_mask = mask, .sa_flags = flags};
	return sigaction(sig, &sa, NULL);
}

/* The handler behind tramp: fn, with the frame at ent_rsp. */
static int install_tramp(int sig, void (*fn)(int), int flags)
{
	tramp_target = fn;
	return install(sig, tramp, flags, 0);
}

static struct lde_sigframe *frame(void)
{
	return (struct lde_sigframe *)ent_rsp;
}

/* A helper process: after ms1 send sig to the caller, after ms2 more
 * write one byte to fd (if fd >= 0); then exit. */
static pid_t helper(int ms1, int sig, int ms2, int fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		msleep((unsigned)ms1);
		kill(parent, sig);
		if (fd >= 0) {
			msleep((unsigned)ms2);
			write(fd, "x", 1);
		}
		_exit(0);
	}
	return pid;
}

static uint32_t get_mxcsr(void)
{
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static void set_mxcsr(uint32_t m)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static uint64_t get_rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static sigset_t blocked_now(void)
{
	sigset_t s = 0;
	sigprocmask(SIG_SETMASK, NULL, &s);
	return s;
}

#define BIT(s) ((sigset_t)1 << ((s)-1))

/* Run fn in a child; its wait status. */
static int child_status(void (*fn)(void))
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

/* ---- the frame ---------------------------------------------------------- */

static uint32_t handler_mxcsr;
static sigset_t handler_mask;

static void h_frame(int sig)
{
	(void)sig;
	saved = *frame();
	handler_mxcsr = get_mxcsr();
	handler_mask = blocked_now();
	got++;
}

static int c_frame(char *why)
{
	KCHECK(install_tramp(SIGUSR1, h_frame, 0) == 0, "sigaction: %s", strerror(errno));
	set_mxcsr(0x3f80); /* round down: the interrupted state, not the handler's */
	long changed = kill_probe(getpid(), SIGUSR1);
	uint32_t after = get_mxcsr();
	set_mxcsr(0x1f80);
	uint32_t fx_mxcsr;
	memcpy(&fx_mxcsr, &saved.ctx.fxsave[24], 4);
	KCHECK(got == 1, "the handler ran %d times", got);
	KCHECK(ent_rdi == SIGUSR1, "%%rdi at entry %lu, want %d", (unsigned long)ent_rdi, SIGUSR1);
	KCHECK((ent_rsp + 8) % 16 == 0, "%%rsp at entry %#lx: %%rsp + 8 not 16-byte aligned",
	       (unsigned long)ent_rsp);
	KCHECK(ent_rsp + FRAME_SIZE <= probe_rsp - RED_ZONE,
	       "frame [%#lx, +%d) reaches into the red zone below %#lx", (unsigned long)ent_rsp,
	       FRAME_SIZE, (unsigned long)probe_rsp);
	KCHECK(changed == 0, "%ld red-zone words changed", changed);
	KCHECK(saved.restorer == (uint64_t)__lde_restorer, "restorer %#lx, want the libc's %#lx",
	       (unsigned long)saved.restorer, (unsigned long)__lde_restorer);
	KCHECK(saved.sig == SIGUSR1, "frame.sig %lu", (unsigned long)saved.sig);
	KCHECK(saved.ctx.rsp == probe_rsp, "ctx.rsp %#lx, want %#lx", (unsigned long)saved.ctx.rsp,
	       (unsigned long)probe_rsp);
	KCHECK(saved.ctx.rip == (uint64_t)kill_probe_ret, "ctx.rip %#lx, want %#lx (after syscall)",
	       (unsigned long)saved.ctx.rip, (unsigned long)kill_probe_ret);
	KCHECK(saved.ctx.rax == 0, "ctx.rax %#lx, want kill's result 0", (unsigned long)saved.ctx.rax);
	KCHECK(saved.ctx.rflags & RF_DF, "ctx.rflags %#lx: DF as the interrupted code had it",
	       (unsigned long)saved.ctx.rflags);
	KCHECK(!(ent_rflags & RF_DF), "DF set at handler entry (rflags %#lx)",
	       (unsigned long)ent_rflags);
	KCHECK(probe_rflags & RF_DF, "DF not restored by sigreturn (rflags %#lx)",
	       (unsigned long)probe_rflags);
	KCHECK(saved.ctx.oldmask == 0, "ctx.oldmask %#lx, want 0", (unsigned long)saved.ctx.oldmask);
	KCHECK(handler_mask == BIT(SIGUSR1), "mask in the handler %#lx, want SIGUSR1's bit",
	       (unsigned long)handler_mask);
	KCHECK(fx_mxcsr == 0x3f80, "fxsave MXCSR %#x, want the interrupted 0x3f80", fx_mxcsr);
	KCHECK(handler_mxcsr == 0x1f80, "the handler's MXCSR %#x, want a clean 0x1f80",
	       handler_mxcsr);
	KCHECK(after == 0x3f80, "MXCSR after return %#x, want 0x3f80", after);
	KCHECK(blocked_now() == 0, "mask after return %#lx", (unsigned long)blocked_now());
	return 0;
}

/* ---- registers across an asynchronous signal ------------------------------ */

static volatile int spin_flag;

static void h_clobber(int sig)
{
	volatile double x = sig;
	for (int i = 0; i < 100; i++)
		x = x * 1.25 + 0.5;
	spin_flag = x > 0;
}

static int c_regs(char *why)
{
	static uint64_t out[46];
	static const uint64_t seed[14] = {
	    0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444,
	    0x5555555555555555, 0x6666666666666666, 0x7777777777777777, 0x8888888888888888,
	    0x9999999999999999, 0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb, 0xcccccccccccccccc,
	    0xdddddddddddddddd, 0xeeeeeeeeeeeeeeee};
	static const char *const names[14] = {"rax", "rbx", "rcx", "rdx", "rsi", "rbp", "r8",
	                                      "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
	KCHECK(signal(SIGUSR1, h_clobber) != SIG_ERR, "signal: %s", strerror(errno));
	pid_t h = helper(50, SIGUSR1, 0, -1);
	regs_spin(&spin_flag, out);
	waitpid(h, NULL, 0);
	for (int i = 0; i < 14; i++)
		KCHECK(out[i] == seed[i], "%s %#lx after the handler, want %#lx", names[i],
		       (unsigned long)out[i], (unsigned long)seed[i]);
	for (int i = 0; i < 16; i++) {
		uint64_t want = seed[i < 14 ? i : i - 14];
		KCHECK(out[14 + 2 * i] == want && out[15 + 2 * i] == want,
		       "xmm%d %#lx:%#lx after the handler, want %#lx twice", i,
		       (unsigned long)out[15 + 2 * i], (unsigned long)out[14 + 2 * i],
		       (unsigned long)want);
	}
	return 0;
}

/* ---- nesting and flags ------------------------------------------------------ */

static void h_outer(int sig)
{
	(void)sig;
	note('a');
	raise(SIGUSR2);
	note('b');
}

static void h_inner(int sig)
{
	(void)sig;
	note('2');
}

static int c_nest(char *why)
{
	install(SIGUSR1, h_outer, 0, 0);
	install(SIGUSR2, h_inner, 0, 0);
	raise(SIGUSR1);
	order[norder] = 0;
	KCHECK(!strcmp(order, "a2b"), "order %s, want a2b (SIGUSR2 inside SIGUSR1's handler)", order);
	norder = 0;
	install(SIGUSR1, h_outer, 0, BIT(SIGUSR2));
	raise(SIGUSR1);
	order[norder] = 0;
	KCHECK(!strcmp(order, "ab2"), "order %s, want ab2 (sa_mask defers SIGUSR2)", order);
	return 0;
}

static volatile int depth, max_depth, reraised;

static void h_again(int sig)
{
	if (++depth > max_depth)
		max_depth = depth;
	if (!reraised++)
		raise(sig);
	depth--;
}

static int c_nodefer(char *why)
{
	install(SIGUSR1, h_again, 0, 0);
	raise(SIGUSR1);
	KCHECK(reraised == 2 && max_depth == 1, "without SA_NODEFER: %d runs, depth %d, want 2, 1",
	       reraised, max_depth);
	reraised = max_depth = 0;
	install(SIGUSR1, h_again, SA_NODEFER, 0);
	raise(SIGUSR1);
	KCHECK(reraised == 2 && max_depth == 2, "with SA_NODEFER: %d runs, depth %d, want 2, 2",
	       reraised, max_depth);
	return 0;
}

static void resethand_child(void)
{
	install(SIGUSR1, on_sig, SA_RESETHAND, 0);
	raise(SIGUSR1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	if (got != 1 || old.sa_handler != SIG_DFL)
		_exit(1);
	raise(SIGUSR1); /* the default now: death */
	_exit(2);
}

static int c_resethand(char *why)
{
	int st = child_status(resethand_child);
	KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1,
	       "SA_RESETHAND: %s, want the second SIGUSR1 to kill", ktest_status(st));
	return 0;
}

static int c_mask_in_handler(char *why)
{
	tramp_target = h_frame;
	install(SIGUSR1, tramp, 0, BIT(SIGUSR2) | BIT(SIGKILL));
	raise(SIGUSR1);
	KCHECK(handler_mask == (BIT(SIGUSR1) | BIT(SIGUSR2)),
	       "mask in the handler %#lx, want SIGUSR1 | SIGUSR2 (never SIGKILL)",
	       (unsigned long)handler_mask);
	KCHECK(blocked_now() == 0, "mask after return %#lx", (unsigned long)blocked_now());
	return 0;
}

/* ---- what a handler may change, what sigreturn refuses ----------------------- */

static void h_skip(int sig)
{
	(void)sig;
	frame()->ctx.rip += 2; /* over the ud2 */
	frame()->ctx.rax = 42;
}

static int c_skip_insn(char *why)
{
	KCHECK(install_tramp(SIGILL, h_skip, 0) == 0, "sigaction: %s", strerror(errno));
	long r = ud2_then();
	KCHECK(r == 42, "after the SIGILL handler moved RIP and set RAX: %ld, want 42", r);
	return 0;
}

enum forge { F_RIP_KERNEL, F_RIP_NONCANON, F_RIP_TOP, F_RSP_NONCANON, F_RFLAGS, F_MXCSR, F_MASK };
static enum forge forging;

static void h_forge(int sig)
{
	struct lde_sigframe *f = frame();
	uint32_t m = 0xffffffff;

	(void)sig;
	switch (forging) {
	case F_RIP_KERNEL:
		f->ctx.rip = 0xffffffff80100000ul;
		break;
	case F_RIP_NONCANON:
		f->ctx.rip = 0x0000800000000000ul;
		break;
	case F_RIP_TOP:
		f->ctx.rip = 0x00007ffffffff000ul;
		break;
	case F_RSP_NONCANON:
		f->ctx.rsp = 0x0000900000000000ul;
		break;
	case F_RFLAGS: /* IOPL 3, NT, RF, VM, VIF, VIP set; IF clear */
		f->ctx.rflags = (f->ctx.rflags | 0x1b7000ul) & ~RF_IF;
		break;
	case F_MXCSR:
		memcpy(&f->ctx.fxsave[24], &m, 4);
		break;
	case F_MASK:
		f->ctx.oldmask = ~(sigset_t)0;
		break;
	}
}

static void forge_child(void)
{
	install_tramp(SIGUSR1, h_forge, 0);
	raise(SIGUSR1);
	switch (forging) {
	case F_RFLAGS: {
		uint64_t fl = get_rflags();
		_exit((fl & 0x1b7000ul) ? 10 : !(fl & RF_IF) ? 11 : 0);
	}
	case F_MXCSR: { /* what this CPU accepts: MXCSR_MASK from fxsave (0: 0xffbf) */
		static uint8_t fx[512] __attribute__((aligned(16)));
		uint32_t mask;
		__asm__ volatile("fxsave %0" : "=m"(fx));
		memcpy(&mask, fx + 28, 4);
		_exit(get_mxcsr() & ~(mask ? mask : 0xffbf) ? 12 : 0);
	}
	case F_MASK: {
		sigset_t s = blocked_now();
		_exit(s & (BIT(SIGKILL) | BIT(SIGSTOP)) ? 13 : s != ((1ul << 31) - 1 - BIT(SIGKILL) - BIT(SIGSTOP)) ? 14 : 0);
	}
	default:
		_exit(20); /* should never come back */
	}
}

static int c_sigreturn(char *why)
{
	static const struct {
		enum forge f;
		const char *what;
		int sig; /* 0: the process goes on and exits 0 */
	} cases[] = {
	    {F_RIP_KERNEL, "RIP in the kernel", SIGSEGV},
	    {F_RIP_NONCANON, "RIP non-canonical", SIGSEGV},
	    {F_RIP_TOP, "RIP in the never-mapped top page", SIGSEGV},
	    {F_RSP_NONCANON, "RSP non-canonical", SIGSEGV},
	    {F_RFLAGS, "RFLAGS with IOPL 3, NT, RF, VM, VIF, VIP and IF clear: masked, IF set", 0},
	    {F_MXCSR, "MXCSR with every bit set: the reserved ones cleared, no kernel #GP", 0},
	    {F_MASK, "a full mask: SIGKILL and SIGSTOP stay unblocked", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		forging = cases[i].f;
		int st = child_status(forge_child);
		if (cases[i].sig)
			KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig, "%s: %s, want signal %d",
			       cases[i].what, ktest_status(st), cases[i].sig);
		else
			KCHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", cases[i].what,
			       ktest_status(st));
	}
	int st = child_status(sigreturn_bare);
	KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	       "sigreturn outside a handler (rsp unmapped): %s, want SIGSEGV", ktest_status(st));
	return 0;
}

/* ---- faults ------------------------------------------------------------------ */

static void badstack_child(void)
{
	signal(SIGUSR1, on_sig);
	spin_badstack();
}

static int c_bad_stack(char *why)
{
	pid_t pid = fork();
	if (pid == 0)
		badstack_child();
	msleep(50);
	kill(pid, SIGUSR1);
	int st;
	waitpid(pid, &st, 0);
	KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	       "a handler with no stack to run on: %s, want SIGSEGV", ktest_status(st));
	return 0;
}

static void null_read(void)
{
	(void)*(volatile int *)0;
}

static void fault_blocked_child(void)
{
	signal(SIGSEGV, on_sig);
	sigset_t s = BIT(SIGSEGV);
	sigprocmask(SIG_BLOCK, &s, NULL);
	null_read();
}

static void fault_ignored_child(void)
{
	signal(SIGSEGV, SIG_IGN);
	null_read();
}

static void divide_child(void)
{
	volatile int zero = 0, num = 1000;
	_exit(num / zero);
}

static int c_fault_unhidable(char *why)
{
	int st = child_status(fault_blocked_child);
	KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a fault with SIGSEGV blocked: %s",
	       ktest_status(st));
	st = child_status(fault_ignored_child);
	KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a fault with SIGSEGV ignored: %s",
	       ktest_status(st));
	st = child_status(divide_child);
	KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE, "divide by zero, default action: %s",
	       ktest_status(st));
	return 0;
}

/* ---- interrupted calls --------------------------------------------------------- */

static int read_case(int flags, int int80, int mask_it, char *why)
{
	int p[2];
	char c;

	lde_set_syscall_path(int80);
	got = 0;
	KCHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	install(SIGUSR1, on_sig, flags, 0);
	if (mask_it) {
		sigset_t s = BIT(SIGUSR1);
		sigprocmask(SIG_BLOCK, &s, NULL);
	}
	pid_t h = helper(50, SIGUSR1, 50, p[1]);
	errno = 0;
	ssize_t r = read(p[0], &c, 1);
	int e = errno;
	int got_before_unblock = got;
	if (mask_it) {
		sigset_t s = BIT(SIGUSR1);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
	}
	waitpid(h, NULL, 0);
	close(p[0]);
	close(p[1]);
	lde_set_syscall_path(0);
	if (mask_it) {
		KCHECK(r == 1 && got_before_unblock == 0, "a blocked signal interrupted read: %zd, %d",
		       r, got_before_unblock);
		KCHECK(got == 1, "the blocked signal never came after unblocking");
	} else if (flags & SA_RESTART) {
		KCHECK(r == 1 && c == 'x' && got == 1, "SA_RESTART (%s): read %zd errno %d, handler %d",
		       int80 ? "int 0x80" : "syscall", r, e, got);
	} else {
		KCHECK(r == -1 && e == EINTR && got == 1, "no SA_RESTART: read %zd errno %d, handler %d",
		       r, e, got);
	}
	return 0;
}

static int c_restart_read(char *why)
{
	if (read_case(SA_RESTART, 0, 0, why) || read_case(SA_RESTART, 1, 0, why) ||
	    read_case(0, 0, 0, why) || read_case(0, 1, 0, why) || read_case(SA_RESTART, 0, 1, why))
		return 1;
	return 0;
}

static int c_restart_wait(char *why)
{
	for (int restart = 0; restart < 2; restart++) {
		got = 0;
		install(SIGUSR1, on_sig, restart ? SA_RESTART : 0, 0);
		pid_t kid = fork();
		if (kid == 0) {
			msleep(150);
			_exit(3);
		}
		pid_t h = helper(50, SIGUSR1, 0, -1);
		int st;
		errno = 0;
		pid_t r = waitpid(kid, &st, 0);
		int e = errno;
		if (restart)
			KCHECK(r == kid && WEXITSTATUS(st) == 3 && got == 1,
			       "SA_RESTART: waitpid %d errno %d handler %d", r, e, got);
		else
			KCHECK(r == -1 && e == EINTR && got == 1 && waitpid(kid, &st, 0) == kid,
			       "no SA_RESTART: waitpid %d errno %d handler %d", r, e, got);
		waitpid(h, NULL, 0);
	}
	return 0;
}

static int c_sleep_eintr(char *why)
{
	install(SIGUSR1, on_sig, SA_RESTART, 0);
	pid_t h = helper(50, SIGUSR1, 0, -1);
	uint64_t t0 = uptime_ms();
	long r = lde_syscall(SYS_sleep, 1000);
	uint64_t dt = uptime_ms() - t0;
	waitpid(h, NULL, 0);
	KCHECK(r == -EINTR && got == 1, "sleep with SA_RESTART: %ld, handler %d; want -EINTR (never restarted)", r, got);
	KCHECK(dt < 800, "sleep took %lu ms", (unsigned long)dt);
	return 0;
}

static int c_pause(char *why)
{
	signal(SIGUSR1, SIG_IGN);
	install(SIGUSR2, on_sig, SA_RESTART, 0);
	pid_t parent = getpid(), h = fork();
	if (h == 0) {
		msleep(50);
		kill(parent, SIGUSR1); /* ignored: pause goes on */
		msleep(100);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	uint64_t t0 = uptime_ms();
	errno = 0;
	int r = pause();
	int e = errno;
	uint64_t dt = uptime_ms() - t0;
	waitpid(h, NULL, 0);
	KCHECK(r == -1 && e == EINTR && got_sig == SIGUSR2, "pause %d errno %d after signal %d", r, e,
	       got_sig);
	KCHECK(dt >= 120, "pause ended after %lu ms: the ignored SIGUSR1 ended it", (unsigned long)dt);
	return 0;
}

static void h_chld(int sig)
{
	(void)sig;
	got++;
}

static int c_sigchld_wait(char *why)
{
	install(SIGCHLD, h_chld, SA_RESTART, 0);
	pid_t kid = fork();
	if (kid == 0) {
		msleep(50);
		_exit(5);
	}
	int st;
	pid_t r = waitpid(kid, &st, 0);
	KCHECK(r == kid && WEXITSTATUS(st) == 5, "waitpid %d (%s) with a SIGCHLD handler", r,
	       strerror(errno));
	KCHECK(got == 1, "SIGCHLD handler ran %d times", got);
	return 0;
}

/* ---- blocked processes die by SIGKILL; their wait channels ------------------------ */

static int c_kill_blocked(char *why)
{
	static const char *const chans[] = {"pipe", "pause", "sleep", "wait", "pipe full"};
	for (size_t i = 0; i < sizeof chans / sizeof chans[0]; i++) {
		int p[2];
		pipe(p);
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			static char big[8192];
			switch (i) {
			case 0: read(p[0], &c, 1); break;
			case 1: pause(); break;
			case 2: msleep(100000); break;
			case 3: if (fork() == 0) { msleep(300); _exit(0); } wait(NULL); break;
			case 4: write(p[1], big, sizeof big); break;
			}
			_exit(9);
		}
		struct lde_procinfo pi[128];
		const char *state = "?";
		char wchan[16] = "";
		for (int tries = 0; tries < 50; tries++) {
			msleep(20);
			int n = lde_procsnap(pi, 128);
			for (int k = 0; k < n; k++)
				if (pi[k].pid == pid) {
					state = pi[k].state == LDE_PROC_BLOCKED ? "BLOCKED" : "other";
					memcpy(wchan, pi[k].wchan, sizeof wchan);
					wchan[15] = 0;
				}
			if (!strcmp(state, "BLOCKED"))
				break;
		}
		KCHECK(!strcmp(state, "BLOCKED") && !strcmp(wchan, chans[i]),
		       "case %zu: %s '%s', want BLOCKED '%s'", i, state, wchan, chans[i]);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		KCHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "blocked in %s: %s after SIGKILL",
		       chans[i], ktest_status(st));
		close(p[0]);
		close(p[1]);
	}
	return 0;
}

/* ---- what fork and exec keep --------------------------------------------------- */

static void h_term(int sig)
{
	(void)sig;
	got++;
}

static int c_fork_keeps(char *why)
{
	install(SIGUSR1, on_sig, 0, 0);
	signal(SIGUSR2, SIG_IGN);
	install(SIGTERM, h_term, 0, 0);
	sigset_t s = BIT(SIGTERM);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGTERM); /* pending in us, not in the child */
	alarm(10);
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction a1, a2;
		sigaction(SIGUSR1, NULL, &a1);
		sigaction(SIGUSR2, NULL, &a2);
		if (a1.sa_handler != on_sig || a2.sa_handler != SIG_IGN)
			_exit(1);
		if (blocked_now() != BIT(SIGTERM))
			_exit(2);
		if (alarm(0) != 0)
			_exit(3); /* alarms are not inherited */
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		_exit(got == 0 ? 0 : 4); /* nor pending signals */
	}
	int st;
	waitpid(pid, &st, 0);
	KCHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child: %s (1 actions, 2 mask, 3 alarm, 4 pending)",
	       ktest_status(st));
	unsigned left = alarm(0);
	KCHECK(left >= 9 && left <= 10, "our alarm: %u seconds left", left);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	KCHECK(got == 1, "our pending SIGTERM: handler ran %d times", got);
	return 0;
}

static int c_exec_keeps(char *why)
{
	int p[2];
	KCHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	install(SIGUSR1, on_sig, 0, 0);
	signal(SIGUSR2, SIG_IGN);
	sigset_t s = BIT(SIGTERM);
	sigprocmask(SIG_BLOCK, &s, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *args[] = {"ktest", "sigstate", NULL};
		execv("/bin/ktest", args);
		_exit(127);
	}
	close(p[1]);
	char buf[128] = "";
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = 0;
	KCHECK(!strcmp(buf, "USR1=DFL USR2=IGN mask=TERM\n"),
	       "after exec: \"%s\", want handlers reset, ignored kept, mask kept", buf);
	return 0;
}

/* `ktest sigstate`: what exec left of the signal state. */
int ktest_sigstate(void)
{
	struct sigaction a1, a2;
	sigaction(SIGUSR1, NULL, &a1);
	sigaction(SIGUSR2, NULL, &a2);
	sigset_t m = blocked_now();
	printf("USR1=%s USR2=%s mask=%s\n", a1.sa_handler == SIG_DFL ? "DFL" : "other",
	       a2.sa_handler == SIG_IGN ? "IGN" : "other", m == BIT(SIGTERM) ? "TERM" : "other");
	return 0;
}

/* ---- no stopped state: SIGSTOP and SIGTSTP are ignored, SIGSTOP unchangeable ------ */

static int c_stop(char *why)
{
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (;;) {
			write(p[1], "y", 1);
			msleep(10);
		}
	}
	close(p[1]);
	kill(pid, SIGSTOP);
	kill(pid, SIGTSTP);
	char c;
	for (int i = 0; i < 5; i++)
		KCHECK(read(p[0], &c, 1) == 1, "the process stopped writing after SIGSTOP/SIGTSTP");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	errno = 0;
	KCHECK(signal(SIGSTOP, SIG_IGN) == SIG_ERR && errno == EINVAL, "SIGSTOP could be ignored");
	sigset_t s = BIT(SIGSTOP);
	sigprocmask(SIG_BLOCK, &s, NULL);
	KCHECK(!(blocked_now() & BIT(SIGSTOP)), "SIGSTOP could be blocked");
	return 0;
}

static int c_alarm(char *why)
{
	install(SIGALRM, on_sig, 0, 0);
	KCHECK(alarm(1) == 0, "an alarm was pending");
	KCHECK(alarm(0) == 1, "alarm(0) after alarm(1) did not return 1");
	msleep(1300);
	KCHECK(got == 0, "a cancelled alarm fired");
	alarm(1);
	uint64_t t0 = uptime_ms();
	while (!got && uptime_ms() - t0 < 3000)
		;
	uint64_t dt = uptime_ms() - t0;
	KCHECK(got == 1 && got_sig == SIGALRM, "no SIGALRM while spinning");
	KCHECK(dt >= 900 && dt < 1500, "alarm(1) fired after %lu ms", (unsigned long)dt);
	return 0;
}

static const struct kcase cases[] = {
    {"frame", c_frame},
    {"regs", c_regs},
    {"nest", c_nest},
    {"nodefer", c_nodefer},
    {"resethand", c_resethand},
    {"mask_in_handler", c_mask_in_handler},
    {"skip_insn", c_skip_insn},
    {"sigreturn", c_sigreturn},
    {"bad_stack", c_bad_stack},
    {"fault_unhidable", c_fault_unhidable},
    {"restart_read", c_restart_read},
    {"restart_wait", c_restart_wait},
    {"sleep_eintr", c_sleep_eintr},
    {"pause", c_pause},
    {"sigchld_wait", c_sigchld_wait},
    {"kill_blocked", c_kill_blocked},
    {"fork_keeps", c_fork_keeps},
    {"exec_keeps", c_exec_keeps},
    {"stop", c_stop},
    {"alarm", c_alarm},
};

int ktest_sig(int argc, char **argv)
{
	return ktest_run(cases, sizeof cases / sizeof cases[0], argc, argv);
}
