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
 * A new image (exec) gets fninit's state with MXCSR 0x1f80, loaded from a
 * prepared image (x87 and ldmxcsr in ring 0 kill the VM here).
 */
#include "defs.h"
#include "proc.h"
#include "x86.h"

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
	*(uint16_t *)&clean[0] = 0x037f;  /* FCW: all exceptions masked, 64-bit precision */
	*(uint32_t *)&clean[24] = 0x1f80; /* MXCSR */
	fxrstor(clean);
}

/* p (about to start a new image) gets the clean state. */
void fpu_reset(struct proc *p)
{
	memcpy(p->fpu, clean, sizeof(clean));
	if (owner == p)
		fxrstor(clean);
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
