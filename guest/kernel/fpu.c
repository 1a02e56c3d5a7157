/*
 * fpu.c: each user process's x87/SSE state (the 512-byte fxsave image;
 * xsave kills the VM in ring 0 under this machine's KVM, and the kernel
 * itself never touches the FPU: it is built -mgeneral-regs-only).
 *
 * The registers hold the state of `owner`, the last process that used
 * them; its image in the PCB is stale while it owns them.  Two policies
 * (`fpu=eager|lazy` on the command line):
 *  - eager: switching to a process that is not the owner saves the
 *    owner's registers and loads the new process's image.  Switching
 *    through the idle loop and back costs nothing.
 *  - lazy: switching away sets CR0.TS; the first FPU/SSE instruction the
 *    new process runs raises #NM, whose handler saves the owner and loads
 *    the process (fpu_nm_trap).  Processes that never touch the FPU never
 *    pay for it.
 * A new image (exec) gets fninit's state with MXCSR 0x1f80, loaded from a
 * prepared image (x87 and ldmxcsr in ring 0 kill the VM here).
 */
#include "defs.h"
#include "proc.h"
#include "x86.h"

const char *fpu_mode = "eager";
static bool lazy;
static bool ts_set;       /* lazy: CR0.TS is on */
static struct proc *owner; /* whose state the registers hold */
static uint8_t clean[512] __attribute__((aligned(16)));

static inline void fxsave(void *img)
{
	asm volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])img));
}

static inline void fxrstor(const void *img)
{
	asm volatile("fxrstor64 %0" : : "m"(*(const uint8_t(*)[512])img));
}

void fpu_init(void)
{
	lazy = kopts.fpu_lazy;
	fpu_mode = lazy ? "lazy" : "eager";
	*(uint16_t *)&clean[0] = 0x037f;  /* FCW: all exceptions masked, 64-bit precision */
	*(uint32_t *)&clean[24] = 0x1f80; /* MXCSR */
	fxrstor(clean);
}

static void set_ts(bool on)
{
	if (on != ts_set) {
		lcr0(on ? rcr0() | CR0_TS : rcr0() & ~(uint64_t)CR0_TS);
		ts_set = on;
	}
}

/* The owner's registers into its image, and the registers free. */
static void save_owner(void)
{
	if (owner) {
		set_ts(false);
		fxsave(owner->fpu);
		owner = NULL;
	}
}

/* p (running, about to start a new image) gets the clean state. */
void fpu_reset(struct proc *p)
{
	memcpy(p->fpu, clean, sizeof(clean));
	if (owner == p) {
		set_ts(false);
		fxrstor(clean);
	}
}

/* child gets the running parent's state. */
void fpu_fork(struct proc *child)
{
	if (owner == curproc) {
		set_ts(false);
		fxsave(child->fpu);
	} else {
		memcpy(child->fpu, curproc->fpu, sizeof(child->fpu));
	}
}

void fpu_exit(struct proc *p)
{
	if (owner == p)
		owner = NULL;
}

/* At every switch to next (sched.c). */
void fpu_switch(struct proc *next)
{
	if (owner == next) {
		if (lazy)
			set_ts(false);
		return;
	}
	if (lazy) {
		set_ts(true);
		return;
	}
	save_owner();
	fxrstor(next->fpu);
	owner = next;
}

/* lazy: #NM from user mode -- the FPU becomes curproc's.  False if this
 * #NM was not ours to handle. */
bool fpu_nm_trap(void)
{
	if (!lazy || !ts_set)
		return false;
	save_owner();
	set_ts(false);
	fxrstor(curproc->fpu);
	owner = curproc;
	return true;
}
