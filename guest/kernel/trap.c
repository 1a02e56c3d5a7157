/*
 * trap.c: the IDT and trap(), where every vector lands (trap.asm builds
 * the frame).
 *
 * The timer and the two system-call entries are the hot paths and come
 * first, with few instructions (each costs ~1,700 cycles in ring 0 here).
 * The same system-call table serves `syscall` (syscall_entry, vector
 * T_SYSCALL64), `int $0x80` (T_SYSCALL) and, where the boot probe found
 * this machine's KVM (trapquirk.c), the #PF and #UD those instructions
 * raise there, which trap.asm's stubs turn into T_SYSCALL frames.  The
 * stubs call the table themselves (trap.asm: SYSDISPATCH); trap() sees a
 * system call only when it is traced, out of the table, or the boot probe.
 *
 * A user-mode exception never stops the kernel: a page fault may be a
 * copy-on-write or first-touch fault (uvm.c), anything else ends the
 * process with the matching signal, reported in one line
 * (trap_user_fault).  Every trap that came from user mode leaves through
 * return_to_user(): a reschedule owed by the timer, then the signals
 * pending (signal.c) -- the one place where a process is stopped on its
 * way back to user mode.
 *
 * A kernel-mode page fault on a user address is resolved the same way
 * (copyout writes through the user mapping, so it meets copy-on-write
 * pages); other kernel-mode exceptions are either expected (extable.c:
 * resume at the fixup) or fatal: the dump names the vector, error code,
 * RIP, CR2 and every register, and the VM ends with LDE_STATUS_PANIC.
 */
#include <lde/errno.h>
#include <lde/signal.h>

#include "defs.h"
#include "lapic.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "trace.h"
#include "trap.h"
#include "x86.h"

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type; /* type: P | DPL | 0xE (interrupt gate: IF cleared) */
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));
_Static_assert(sizeof(struct gate) == 16, "64-bit gate is 16 bytes");

static struct gate idt[256] __attribute__((aligned(16)));
extern const uint64_t trap_vectors[256];

volatile uint64_t ticks;
volatile uint64_t nmi_count;
volatile uint64_t nmi_rsp;
static void (*irq_handler[NIRQ])(void);

static const char *const exc_names[NEXCEPTIONS] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range exceeded",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
};

const char *trap_name(uint64_t vector)
{
	if (vector < NEXCEPTIONS)
		return exc_names[vector];
	if (vector == T_TIMER)
		return "LAPIC timer";
	if (vector > T_IRQ0 && vector < T_IRQ0 + NIRQ)
		return "IRQ";
	if (vector == T_SYSCALL)
		return "int 0x80";
	if (vector == T_SYSCALL64)
		return "syscall";
	if (vector == T_SPURIOUS)
		return "spurious";
	return "unknown";
}

/* Two 64-bit stores per gate: each store is emulated in ring 0 here. */
static void set_gate(int v, uint64_t handler, int dpl, int ist)
{
	uint64_t *g = (uint64_t *)&idt[v];

	g[0] = (handler & 0xffff) | (uint64_t)SEG_KCODE << 16 | (uint64_t)ist << 32 |
	       (uint64_t)(0x8e | dpl << 5) << 40 | ((handler >> 16) & 0xffff) << 48;
	g[1] = handler >> 32;
}

void trap_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};

	/* Only vectors with a stub (trap.asm) get a gate; any other vector
	 * raises #NP, which names it.  The loop skips the gap 48..0x7f
	 * rather than testing each: boot is interpreted here. */
	for (int v = 0; v < 256; v = v == 47 ? T_SYSCALL : v == T_SYSCALL ? T_SPURIOUS : v + 1) {
		int dpl = (v == T_BP || v == T_OF || v == T_SYSCALL) ? 3 : 0;
		int ist = v == T_DF ? IST_DF : v == T_NMI ? IST_NMI : v == T_MC ? IST_MC : 0;
		set_gate(v, trap_vectors[v], dpl, ist);
		if (v == T_SPURIOUS)
			break;
	}
	asm volatile("lidt %0" : : "m"(idtr));
}

/* SYSCALL: CS/SS from STAR (GDT order in mmu.h), entry at syscall_entry,
 * and IF, TF, DF, AC, NT cleared on entry so the stub runs with interrupts
 * off until it is on the kernel stack.  NT too: a user may set it (popf),
 * the kernel keeps its RFLAGS across swtch, and an iretq with NT set
 * raises #GP in long mode -- the next process leaving by iretq would
 * bring the kernel down.  Interrupt gates clear NT themselves. */
void syscall_init(void)
{
	extern char syscall_entry[];

	wrmsr(MSR_STAR, (uint64_t)SEG_KDATA << 48 | (uint64_t)SEG_KCODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void irq_register(int irq, void (*fn)(void))
{
	assert(irq > 0 && irq < NIRQ);
	irq_handler[irq] = fn;
}

static void pf_describe(uint64_t err, char *buf, size_t n)
{
	ksnprintf(buf, n, " [%s, %s, %s%s%s]", err & PF_P ? "protection" : "not present",
	          err & PF_W ? "write" : "read", err & PF_U ? "user" : "kernel",
	          err & PF_I ? ", fetch" : "", err & PF_RSVD ? ", reserved bit" : "");
}

/* Follow the frame-pointer chain; probe_read64 makes a bad chain harmless. */
static void backtrace(uint64_t rbp)
{
	kprintf("  backtrace:");
	for (int i = 0; i < 8 && rbp >= PHYSMAP && !(rbp & 7); i++) {
		uint64_t next, ret;
		if (probe_read64((void *)rbp, &next) || probe_read64((void *)(rbp + 8), &ret))
			break;
		kprintf(" %p", (void *)ret);
		if (next <= rbp)
			break;
		rbp = next;
	}
	kprintf("\n");
}

void trap_dump(const struct trapframe *tf)
{
	char what[64] = "";
	uint64_t code[2] = {0, 0};

	if (tf->vector == T_PF)
		pf_describe(tf->error, what, sizeof(what));
	kprintf("\n%s trap: vector %lu (%s), error 0x%lx%s\n", tf_from_user(tf) ? "user" : "kernel",
	        tf->vector, trap_name(tf->vector), tf->error, what);
	kprintf("  RIP %p  CS  0x%04lx  RFLAGS 0x%08lx\n", (void *)tf->rip, tf->cs, tf->rflags);
	kprintf("  RSP %p  SS  0x%04lx  CR2 %p  CR3 %p\n", (void *)tf->rsp, tf->ss, (void *)rcr2(),
	        (void *)rcr3());
	kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", tf->rax, tf->rbx, tf->rcx,
	        tf->rdx);
	kprintf("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", tf->rsi, tf->rdi, tf->rbp,
	        tf->r8);
	kprintf("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", tf->r9, tf->r10, tf->r11,
	        tf->r12);
	kprintf("  R13 %016lx R14 %016lx R15 %016lx\n", tf->r13, tf->r14, tf->r15);
	if (!probe_read64((void *)tf->rip, &code[0]) &&
	    !probe_read64((void *)(tf->rip + 8), &code[1])) {
		const uint8_t *b = (const uint8_t *)code;
		kprintf("  code at RIP:");
		for (int i = 0; i < 16; i++)
			kprintf(" %02x", b[i]);
		kprintf("\n");
	}
	if (!tf_from_user(tf))
		backtrace(tf->rbp);
}

/* The signal each user-mode exception ends a process with (POSIX/Linux
 * conventions); 0 = SIGSEGV. */
static const uint8_t exc_signal[NEXCEPTIONS] = {
    [T_DE] = SIGFPE, [T_DB] = SIGTRAP, [T_BP] = SIGTRAP, [T_UD] = SIGILL, [T_NM] = SIGFPE,
    [T_NP] = SIGBUS, [T_SS] = SIGBUS,  [T_MF] = SIGFPE,  [T_AC] = SIGBUS, [T_XM] = SIGFPE,
};

/* A user program did what it may not: its signal (sig_fault: a handler
 * may catch it, blocking or ignoring it does not help).  When that kills
 * it, one line says why first (pid, name, fault, RIP, faulting address). */
void trap_user_fault(struct trapframe *tf, int sig, const char *why)
{
	struct proc *p = curproc;
	char what[64] = "";
	uint64_t addr = tf->rip;

	if (!sig_fatal_default(p, sig) && !(p->sigmask & SIGBIT(sig)) &&
	    p->sigact[sig].handler != LDE_SIG_IGN) {
		sig_fault(p, sig); /* caught: the handler decides */
		return;
	}
	if (tf->vector == T_PF) {
		pf_describe(tf->error, what, sizeof(what));
		addr = p->fault_addr;
	} else if (tf->error) {
		ksnprintf(what, sizeof(what), " [error 0x%lx]", tf->error);
	}
	kprintf("fault: pid %d (%s): %s%s at rip %p, addr %p%s%s: %s\n", p->pid, p->name,
	        trap_name(tf->vector), what, (void *)tf->rip, (void *)addr, why ? ", " : "",
	        why ? why : "", sig_name(sig));
	sig_fault(p, sig);
}

static void user_exception(struct trapframe *tf, uint64_t cr2)
{
	struct proc *p = curproc;
	uint64_t v = tf->vector;
	const char *why = NULL;

	if (!p) { /* no process yet: the boot probe's ring-3 code */
		trapquirk_probe_trap(tf);
		return;
	}
	if (v == T_PF) {
		int r = uvm_fault(&p->vm, cr2, tf->error);
		if (r == 0)
			return;
		if (r == -ENOMEM)
			why = "out of memory";
		p->fault_addr = cr2;
	}
	trap_user_fault(tf, exc_signal[v] ? exc_signal[v] : SIGSEGV, why);
}

static void exception(struct trapframe *tf)
{
	uint64_t cr2 = tf->vector == T_PF ? rcr2() : 0;

	/* The kvm_pvm system-call paths never get here: trap.asm's stubs
	 * turn them into T_SYSCALL frames first. */
	trace_event(LDE_EV_EXCEPTION, curproc ? curproc->pid : 0, tf->vector, tf->rip);
	if (tf->vector == T_NMI) {
		nmi_count++;
		nmi_rsp = (uint64_t)tf;
		return;
	}
	if (tf_from_user(tf)) {
		user_exception(tf, cr2);
		return;
	}
	/* Kernel mode: a copy to or from user memory meeting a COW or
	 * zero-fill page, then an expected fault, else a kernel bug. */
	if (tf->vector == T_PF && cr2 < USER_TOP && curproc &&
	    uvm_fault(&curproc->vm, cr2, tf->error) == 0)
		return;
	if (extable_fixup(tf))
		return;
	trap_dump(tf);
	panic("kernel exception %s", trap_name(tf->vector));
}

/* trap.asm's SYSDISPATCH reads these with fixed operand sizes. */
_Static_assert(sizeof(((struct proc *)0)->need_resched) == 1, "cmp byte [need_resched]");
_Static_assert(sizeof(((struct proc *)0)->sigpending) == 8, "cmp qword [sigpending]");
_Static_assert(sizeof(((struct proc *)0)->syscalls) == 8, "add qword [syscalls]");
_Static_assert(LDE_TRACE_SYSCALL <= 0xff, "test byte [trace_mask]");

/* Every trap from user mode ends here (trap(), or trap.asm's SYSDISPATCH
 * when one is owed): the reschedule the timer asked for, then whatever
 * signals are pending. */
void return_to_user(struct trapframe *tf); /* trap.asm too */
void return_to_user(struct trapframe *tf)
{
	struct proc *p = curproc;

	if (p->need_resched)
		preempt();
	if (p->sigpending)
		sig_return_user(tf);
}

void trap(struct trapframe *tf)
{
	uint64_t v = tf->vector;

	if (v == T_TIMER) {
		if (timerlat_armed) /* before anything else: what it measures ends here */
			timerlat_record();
		ticks++;
		trace_event(LDE_EV_IRQ, curproc ? curproc->pid : 0, v, 0);
		lapic_eoi();
		sched_tick();
	} else if (v == T_SYSCALL64 || v == T_SYSCALL) {
		if (!curproc) { /* the boot probe */
			trapquirk_probe_trap(tf);
			return;
		}
		syscall(tf);
	} else if (v < NEXCEPTIONS) {
		exception(tf);
	} else if (v > T_IRQ0 && v < T_IRQ0 + NIRQ) {
		void (*fn)(void) = irq_handler[v - T_IRQ0];
		trace_event(LDE_EV_IRQ, curproc ? curproc->pid : 0, v, 0);
		if (fn)
			fn();
		lapic_eoi();
	} else if (v != T_SPURIOUS) { /* the LAPIC wants no EOI for spurious */
		trap_dump(tf);
		panic("unexpected vector %lu (%s)", v, trap_name(v));
	}
	if (tf_from_user(tf) && curproc)
		return_to_user(tf);
}
