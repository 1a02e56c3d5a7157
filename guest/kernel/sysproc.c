/*
 * sysproc.c: the process system calls -- exit, fork, execve, waitpid, the
 * ids, yield, sleep, time, sbrk -- and what user space may learn about
 * the kernel (procsnap, sysinfo, kcheck).
 */
#include <lde/errno.h>
#include <lde/proc.h>
#include <lde/wait.h>

#include "defs.h"
#include "proc.h"
#include "sysdefs.h"
#include "trace.h"

long sys_floor(struct trapframe *tf)
{
	(void)tf;
	return 0;
}

long sys_exit(struct trapframe *tf)
{
	proc_exit(LDE_W_EXITED((int)A0(tf)));
}

long sys_fork(struct trapframe *tf)
{
	return proc_fork(tf);
}

long sys_execve(struct trapframe *tf)
{
	return exec_user(tf, A0(tf), A1(tf), A2(tf));
}

long sys_waitpid(struct trapframe *tf)
{
	return proc_wait((int)A0(tf), A1(tf), (int)A2(tf));
}

long sys_getpid(struct trapframe *tf)
{
	(void)tf;
	return curproc->pid;
}

long sys_getppid(struct trapframe *tf)
{
	(void)tf;
	return curproc->parent ? curproc->parent->pid : 0;
}

long sys_yield(struct trapframe *tf)
{
	(void)tf;
	yield();
	return 0;
}

long sys_sleep(struct trapframe *tf)
{
	return sleep_ms(A0(tf));
}

long sys_uptime(struct trapframe *tf)
{
	(void)tf;
	return (long)uptime_ms();
}

long sys_sbrk(struct trapframe *tf)
{
	return uvm_sbrk(&curproc->vm, (int64_t)A0(tf));
}

long sys_procsnap(struct trapframe *tf)
{
	return proc_snapshot(A0(tf), A1(tf));
}

long sys_sysinfo(struct trapframe *tf)
{
	struct lde_sysinfo si = {
	    .syscall_path = trapquirk_path(false),
	    .int80_path = trapquirk_path(true),
	    .hz = kopts.hz,
	    .slice_ms = kopts.slice_ms,
	    .tsc_khz = tsc_khz,
	    .uptime_ms = uptime_ms(),
	    .pages_total = kalloc_total_pages(),
	    .pages_free = kalloc_avail_pages(),
	    .nproc = (uint32_t)proc_count(),
	    .nproc_max = NPROC,
	    .on_lde = on_lde,
	};

	return copyout(A0(tf), &si, sizeof(si));
}

long sys_getpgid(struct trapframe *tf)
{
	long pid = (int)A0(tf);
	struct proc *p = pid == 0 ? curproc : proc_find(pid);

	return p ? p->pgid : -ESRCH;
}

/* setpgid(pid, pgid): pid 0 is the caller, pgid 0 the target's pid; the
 * target is the caller or one of its children, and the group is its own
 * or one that exists. */
long sys_setpgid(struct trapframe *tf)
{
	long pid = (int)A0(tf), pgid = (int)A1(tf);
	struct proc *p = pid == 0 ? curproc : proc_find(pid);

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	if (!p || (p != curproc && p->parent != curproc))
		return -ESRCH;
	if (pgid == 0)
		pgid = p->pid;
	if (pgid != p->pid) {
		bool exists = false;
		for (int i = 0; i < NPROC && !exists; i++)
			exists = proc[i].state != LDE_PROC_UNUSED && proc[i].pgid == pgid;
		if (!exists)
			return -EPERM;
	}
	p->pgid = (int)pgid;
	return 0;
}

long sys_kcheck(struct trapframe *tf)
{
	(void)tf;
	return proc_check();
}

/* timerlat(buf, n): the timer's latency samples (lapic.c). */
long sys_timerlat(struct trapframe *tf)
{
	return timerlat_read(A0(tf), A1(tf));
}

/* A user event in the trace: LDE_EV_USER (a0, a1). */
long sys_tracemark(struct trapframe *tf)
{
	trace_event(LDE_EV_USER, curproc->pid, A0(tf), A1(tf));
	return 0;
}
