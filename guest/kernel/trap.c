/*
 * trap.c: the IDT and trap(), where every vector lands (trap.asm builds
 * the frame).
 *
 * The timer is the hot path and comes first: count, EOI, return -- no
 * printing, few instructions (each costs ~600 cycles in ring 0 here).
 * A kernel-mode exception is either expected (extable.c: resume at the
 * fixup) or fatal: the dump names the vector, error code, RIP, CR2 and
 * every register, and the VM ends with LDE_STATUS_PANIC.  User-mode traps
 * (issue 3) will be dispatched before the kernel-mode handling.
 */
#include "defs.h"
#include "lapic.h"
#include "memlayout.h"
#include "mmu.h"
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

static void exception(struct trapframe *tf)
{
	if (tf->vector == T_NMI) {
		nmi_count++;
		nmi_rsp = (uint64_t)tf;
		return;
	}
	if (!tf_from_user(tf) && extable_fixup(tf))
		return;
	/* Issue 3: a user-mode exception kills the process, not the kernel. */
	trap_dump(tf);
	panic("%s exception %s", tf_from_user(tf) ? "user" : "kernel", trap_name(tf->vector));
}

void trap(struct trapframe *tf)
{
	uint64_t v = tf->vector;

	if (v == T_TIMER) {
		ticks++;
		lapic_eoi();
		return;
	}
	if (v < NEXCEPTIONS) {
		exception(tf);
		return;
	}
	if (v > T_IRQ0 && v < T_IRQ0 + NIRQ) {
		void (*fn)(void) = irq_handler[v - T_IRQ0];
		if (fn)
			fn();
		lapic_eoi();
		return;
	}
	if (v == T_SPURIOUS)
		return; /* the LAPIC wants no EOI for it */
	trap_dump(tf);
	panic("unexpected vector %lu (%s)", v, trap_name(v));
}
