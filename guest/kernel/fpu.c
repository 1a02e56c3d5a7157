/*
 * fpu.c: each user process's x87/SSE state (the 512-byte fxsave image;
 * xsave kills the VM in ring 0 under this machine's KVM, and the kernel
 * itself never touches the FPU: it is built -mgeneral-regs-only).
 *
 * Eager switching: the registers hold the state of `owner`, the last
 * process that ran (its image in the PCB is stale meanwhile).  Switching
 * to another process saves the owner's registers and loads the new
 * process's image; switching through the idle loop and back costs
 * nothing.  Lazy switching (CR0.TS, then #NM on first use) was measured
 * and dropped: under this machine's KVM ring 3 runs with the host's CR0,
 * so TS never raises #NM there and a process would compute with another's
 * registers; under TCG it was no cheaper, and here an eager save and
 * restore is ~15k cycles of a ~650k-cycle switch.
 *
 * A new image (exec) and a signal handler get fninit's state with MXCSR
 * 0x1f80, loaded from a prepared image (x87 and ldmxcsr in ring 0 kill the
 * VM here).  An image that comes from user space (sigreturn) has its
 * MXCSR masked with the CPU's MXCSR_MASK first: a reserved bit set would
 * make fxrstor raise #GP in the kernel.
 */
#include "defs.h"
#include "proc.h"
#include "x86.h"

static struct proc *owner; /* whose state the registers hold */
static uint8_t clean[512] __attribute__((aligned(16)));
static uint32_t mxcsr_mask; /* the MXCSR bits this CPU accepts */

#define FX_MXCSR      24 /* offsets in the fxsave image */
#define FX_MXCSR_MASK 28

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
	*(uint16_t *)&clean[0] = 0x037f;  /* FCW: all exceptions masked, 64-bit precision */
	*(uint32_t *)&clean[FX_MXCSR] = 0x1f80;
	fxrstor(clean);
	/* MXCSR_MASK as fxsave reports it; 0 means the architectural 0xffbf. */
	static uint8_t probe[512] __attribute__((aligned(16)));
	fxsave(probe);
	mxcsr_mask = *(uint32_t *)&probe[FX_MXCSR_MASK];
	if (!mxcsr_mask)
		mxcsr_mask = 0xffbf;
}

/* p (about to start a new image or a handler) gets the clean state.  When
 * p owns the registers its image is stale anyway: loading is enough. */
void fpu_reset(struct proc *p)
{
	if (owner == p)
		fxrstor(clean);
	else
		memcpy(p->fpu, clean, sizeof(clean));
}

/* p runs: bring p->fpu up to date (for a signal frame). */
void fpu_save(struct proc *p)
{
	if (owner == p)
		fxsave(p->fpu);
}

/* p runs and p->fpu came from user space (sigreturn): sanitise, load. */
void fpu_load(struct proc *p)
{
	*(uint32_t *)&p->fpu[FX_MXCSR] &= mxcsr_mask;
	if (owner == p)
		fxrstor(p->fpu);
}

/* child gets the running parent's state. */
void fpu_fork(struct proc *child)
{
	if (owner == curproc)
		fxsave(child->fpu);
	else
		memcpy(child->fpu, curproc->fpu, sizeof(child->fpu));
}

void fpu_exit(struct proc *p)
{
	if (owner == p)
		owner = NULL;
}

/* At every switch to next (sched.c). */
void fpu_switch(struct proc *next)
{
	if (owner == next)
		return;
	if (owner)
		fxsave(owner->fpu);
	fxrstor(next->fpu);
	owner = next;
}
