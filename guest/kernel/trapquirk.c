/*
 * trapquirk.c: system calls on a KVM that gets ring transitions wrong --
 * this machine's kvm_pvm (shared/reference.md) -- found by a probe at
 * boot, never guessed from a name.
 *
 * On a VT-x/SVM KVM and under QEMU TCG, `syscall` enters syscall_entry
 * (LSTAR) in ring 0 and `int $0x80` enters vector 0x80 through its DPL 3
 * gate.  Under kvm_pvm:
 *  - `syscall` runs LSTAR at CPL 3.  LSTAR lies on a supervisor page, so
 *    the fetch faults: #PF from CPL 3 with RIP = CR2 = LSTAR on the rsp0
 *    stack, RCX/R11 holding the return RIP and RFLAGS as `syscall` left
 *    them.  Served as: RIP <- RCX, RFLAGS <- R11, then the system call.
 *  - `int $0x80` raises #UD at the instruction.  Served as: CD 80 at RIP
 *    is stepped over, then the system call.
 * The serving is done in trap.asm's #PF and #UD stubs -- each ring-0
 * instruction costs ~1,700 cycles here, so the fault's frame becomes a
 * system call's frame there, with no detour through C -- and only when
 * the flags below are on.  Both paths leave by iretq.
 *
 * The probe runs a few bytes of ring-3 code in a scratch address space
 * with interrupts off: `syscall`, then `hlt`; and `int $0x80`, then
 * `hlt`.  It records how each instruction arrives -- natively, as #PF at
 * LSTAR, as #UD at CD 80, or otherwise -- serves it the way it arrived,
 * and expects the #GP of the `hlt` right after it (so the way back is
 * exercised too).  Only a workaround the probe saw work is turned on: on
 * a real VT-x host a user `jmp` to LSTAR stays a plain #PF (SIGSEGV), and
 * even here it is one unless the error code is the one the probe saw (a
 * jump's fetch fault differs) and RCX points just past a `syscall`.
 */
#include <lde/proc.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"

/* Read by trap.asm's #PF and #UD stubs. */
uint8_t trapquirk_pf_lstar;  /* syscall arrives as #PF at LSTAR */
uint8_t trapquirk_ud_int80;  /* int 0x80 arrives as #UD */
uint64_t trapquirk_pf_err;   /* the #PF error code such a syscall gives */

static uint32_t path[2]; /* enum lde_trappath of syscall, int 0x80 */

extern char syscall_entry[], trapret[];

/* RIP <- RCX, RFLAGS <- R11 (masked), user selectors: the state the
 * `syscall` instruction should have left for its return. */
static void from_syscall(struct trapframe *tf)
{
	tf->rip = tf->rcx;
	tf->rflags = (tf->r11 & RFLAGS_USER_MASK) | RFLAGS_USER_SET;
	tf->cs = SEG_UCODE | 3;
	tf->ss = SEG_UDATA | 3;
	tf_changed(tf);
}

/* ---- the boot probe ---------------------------------------------------- */

#define PROBE_NR 0x7fffffff /* not SYS_floor: the stubs build a frame */

/* mov eax, PROBE_NR; syscall; hlt  |  mov eax, PROBE_NR; int $0x80; hlt */
static const uint8_t probe_code[2][8] = {
    {0xb8, 0xff, 0xff, 0xff, 0x7f, 0x0f, 0x05, 0xf4},
    {0xb8, 0xff, 0xff, 0xff, 0x7f, 0xcd, 0x80, 0xf4},
};
#define PROBE_INSN 5 /* offset of the probed instruction */

static struct probe_run {
	int which; /* 0: syscall, 1: int 0x80 */
	uint64_t insn;
	bool arrived;
	uint32_t kind; /* enum lde_trappath, as it arrived */
	uint64_t vector, rip, error, cr2, end_vector, end_rip;
} run;
static char probe_kstack[4096] __attribute__((aligned(16)));
static struct context *probe_back;

/* A trap while the probe's ring-3 code runs (trap.c: no process yet). */
void trapquirk_probe_trap(struct trapframe *tf)
{
	uint64_t v = tf->vector;
	struct context *dummy;

	if (!run.arrived) {
		run.arrived = true;
		run.vector = v;
		run.rip = tf->rip;
		run.error = tf->error;
		run.cr2 = v == T_PF ? rcr2() : 0;
		if (run.which == 0 && v == T_SYSCALL64 && tf->rip == run.insn + 2) {
			run.kind = LDE_PATH_NATIVE;
			tf->rax = 0;
			return; /* back by sysret */
		}
		if (run.which == 1 && v == T_SYSCALL && tf->rip == run.insn + 2) {
			run.kind = LDE_PATH_NATIVE;
			tf->rax = 0;
			return; /* back by iretq */
		}
		if (run.which == 0 && v == T_PF && tf_from_user(tf) &&
		    tf->rip == (uint64_t)syscall_entry && run.cr2 == tf->rip &&
		    tf->rcx == run.insn + 2) {
			run.kind = LDE_PATH_PF_LSTAR;
			from_syscall(tf);
			tf->rax = 0;
			return;
		}
		if (run.which == 1 && v == T_UD && tf->rip == run.insn) {
			run.kind = LDE_PATH_UD_INT80;
			tf->rip += 2;
			tf->rax = 0;
			return;
		}
	}
	/* The end: the hlt's #GP if all went well, else whatever came. */
	run.end_vector = v;
	run.end_rip = tf->rip;
	swtch(&dummy, probe_back);
}

/* Run probe_code[which] in ring 3 until it traps for good. */
static uint32_t probe_one(int which, uint64_t code)
{
	struct trapframe *tf = (struct trapframe *)(probe_kstack + sizeof(probe_kstack)) - 1;
	struct context *c = (struct context *)tf - 1;

	run = (struct probe_run){.which = which, .insn = code + PROBE_INSN, .kind = LDE_PATH_BROKEN};
	memset(tf, 0, sizeof(*tf));
	tf->rip = code;
	tf->cs = SEG_UCODE | 3;
	tf->rflags = 0x2; /* interrupts off: nothing but the probe may trap */
	tf->rsp = USER_TOP - 64;
	tf->ss = SEG_UDATA | 3;
	tf->vector = T_SYSCALL; /* leave by iretq */
	memset(c, 0, sizeof(*c));
	c->rip = (uint64_t)trapret;
	swtch(&probe_back, c);
	if (run.end_vector != T_GP || run.end_rip != code + PROBE_INSN + 2)
		return LDE_PATH_BROKEN; /* did not come back to the hlt */
	return run.kind;
}

static const char *path_name(uint32_t p)
{
	static const char *const names[] = {
	    [LDE_PATH_BROKEN] = "broken",
	    [LDE_PATH_NATIVE] = "native",
	    [LDE_PATH_PF_LSTAR] = "#PF@LSTAR (kvm_pvm workaround)",
	    [LDE_PATH_UD_INT80] = "#UD-decode (kvm_pvm workaround)",
	};
	return p < ARRAY_SIZE(names) ? names[p] : "?";
}

void trapquirk_probe(void)
{
	struct vmspace vs;
	uint64_t pa, code = USER_BASE;

	if (uvm_init(&vs) || uvm_add_area(&vs, code, code + PGSIZE, 0, false) ||
	    uvm_add_area(&vs, USER_STACK_LO, USER_TOP, PTE_W | pte_nx, true) ||
	    uvm_map_new(&vs, code, true, &pa))
		panic("trapquirk: out of memory for the probe");
	memcpy(P2V(pa), probe_code, sizeof(probe_code));
	uvm_activate(&vs);
	tss_set_rsp0((uint64_t)probe_kstack + sizeof(probe_kstack));
	for (int i = 0; i < 2; i++) {
		path[i] = probe_one(i, code + i * sizeof(probe_code[0]));
		if (i == 0 && path[i] == LDE_PATH_PF_LSTAR)
			trapquirk_pf_err = run.error;
		if (path[i] == LDE_PATH_BROKEN)
			kprintf("trap probe: %s arrived as vector %lu at %p (error 0x%lx), ended with "
			        "vector %lu at %p\n",
			        i ? "int 0x80" : "syscall", run.vector, (void *)run.rip, run.error,
			        run.end_vector, (void *)run.end_rip);
	}
	vm_activate(kpml4);
	uvm_free(&vs);
	trapquirk_pf_lstar = path[0] == LDE_PATH_PF_LSTAR;
	trapquirk_ud_int80 = path[1] == LDE_PATH_UD_INT80;
}

uint32_t trapquirk_path(bool int80)
{
	return path[int80];
}

const char *trapquirk_describe(void)
{
	static char line[128];

	ksnprintf(line, sizeof(line), "syscall=%s int80=%s", path_name(path[0]),
	          path_name(path[1]));
	return line;
}
