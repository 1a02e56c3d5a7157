/*
 * asmdefs.c: constants for the nasm files, taken from the C headers at
 * build time (build.mk compiles this with -S and turns every "->NAME
 * value" into %define NAME value in asmdefs.inc).  Never linked.
 */
#include <lde/errno.h>
#include <lde/ports.h>
#include <lde/pvh.h>
#include <lde/status.h>

#include <lde/syscall.h>
#include <lde/trace.h>
#include <stddef.h>

#include "memlayout.h"
#include "proc.h"
#include "mmu.h"
#include "trap.h"
#include "x86.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"((long)(val)))

void asmdefs(void);
void asmdefs(void)
{
	DEFINE(KERNBASE, KERNBASE);
	DEFINE(XEN_ELFNOTE_PHYS32_ENTRY, XEN_ELFNOTE_PHYS32_ENTRY);
	DEFINE(LDE_PORT_ID, LDE_PORT_ID);
	DEFINE(LDE_PORT_EXIT, LDE_PORT_EXIT);
	DEFINE(LDE_MAGIC, LDE_MAGIC);
	DEFINE(LDE_PORT_DEBUG_EXIT, LDE_PORT_DEBUG_EXIT);
	DEFINE(LDE_COM1_BASE, LDE_COM1_BASE);
	DEFINE(LDE_STATUS_PANIC, LDE_STATUS_PANIC);
	DEFINE(EFAULT, EFAULT);
	DEFINE(SEG_KCODE, SEG_KCODE);
	DEFINE(SEG_KDATA, SEG_KDATA);
	DEFINE(TF_SIZE, TF_SIZE);
	DEFINE(TF_VECTOR, TF_VECTOR);
	DEFINE(TF_RIP, TF_RIP);
	DEFINE(TF_RAX, offsetof(struct trapframe, rax));
	DEFINE(P_SYSCALLS, offsetof(struct proc, syscalls));
	DEFINE(P_NEED_RESCHED, offsetof(struct proc, need_resched));
	DEFINE(P_SIGPENDING, offsetof(struct proc, sigpending));
	DEFINE(LDE_NSYSCALL, LDE_NSYSCALL);
	DEFINE(LDE_TRACE_SYSCALL, LDE_TRACE_SYSCALL);
	DEFINE(T_SYSCALL64, T_SYSCALL64);
	DEFINE(T_SYSCALL, T_SYSCALL);
	DEFINE(SEG_UCODE, SEG_UCODE);
	DEFINE(SEG_UDATA, SEG_UDATA);
	DEFINE(RFLAGS_USER_MASK, RFLAGS_USER_MASK);
	DEFINE(RFLAGS_USER_SET, RFLAGS_USER_SET);
	DEFINE(MSR_EFER, MSR_EFER);
	DEFINE(EFER_LME, EFER_LME);
	DEFINE(EFER_NXE, EFER_NXE);
	DEFINE(CR0_PG, CR0_PG);
	DEFINE(CR0_WP, CR0_WP);
	DEFINE(CR4_PAE, CR4_PAE);
	DEFINE(PTE_P, PTE_P);
	DEFINE(PTE_W, PTE_W);
	DEFINE(PTE_PS, PTE_PS);
}
