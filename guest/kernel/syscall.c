/*
 * syscall.c: the system-call table, the one both entry paths reach
 * (`syscall` through syscall_entry, `int $0x80` through its gate, and on
 * kvm_pvm the #PF/#UD those raise: trap.c, trapquirk.c).
 *
 * Convention (include/lde/syscall.h): number in %rax, arguments in %rdi,
 * %rsi, %rdx, %r10, %r8, %r9, result in %rax, a negative errno on
 * failure.  A number outside the table, or one without an entry yet,
 * gives -ENOSYS.  SYS_floor never gets here: the entry stubs answer it.
 * Handlers take the trapframe: fork and exec need it whole, the others
 * read their arguments with A0..A5.  A handler that rewrites the frame's
 * RIP, RSP, RFLAGS or any callee-saved register calls tf_changed():
 * `syscall` returns by sysret, which restores none of them from the frame.
 *
 * The entry stubs (trap.asm: SYSDISPATCH) call systab[n] themselves;
 * syscall() below serves the calls they hand to trap(): traced ones and
 * numbers out of the table.
 */
#include <lde/errno.h>
#include <lde/syscall.h>

#include "defs.h"
#include "proc.h"
#include "sysdefs.h"
#include "trace.h"

static long sys_enosys(struct trapframe *tf)
{
	(void)tf;
	return -ENOSYS;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
/* Every slot is a function: the entry stubs call systab[n] for any n < LDE_NSYSCALL. */
const sysfn systab[LDE_NSYSCALL] = {
    [0 ... LDE_NSYSCALL - 1] = sys_enosys,
    [SYS_floor] = sys_floor,
    [SYS_exit] = sys_exit,
    [SYS_fork] = sys_fork,
    [SYS_execve] = sys_execve,
    [SYS_waitpid] = sys_waitpid,
    [SYS_getpid] = sys_getpid,
    [SYS_getppid] = sys_getppid,
    [SYS_yield] = sys_yield,
    [SYS_sleep] = sys_sleep,
    [SYS_uptime] = sys_uptime,
    [SYS_read] = sys_read,
    [SYS_write] = sys_write,
    [SYS_sbrk] = sys_sbrk,
    [SYS_procsnap] = sys_procsnap,
    [SYS_sysinfo] = sys_sysinfo,
    [SYS_kill] = sys_kill,
    [SYS_sigaction] = sys_sigaction,
    [SYS_sigreturn] = sys_sigreturn,
    [SYS_sigprocmask] = sys_sigprocmask,
    [SYS_pause] = sys_pause,
    [SYS_alarm] = sys_alarm,
    [SYS_open] = sys_open,
    [SYS_close] = sys_close,
    [SYS_lseek] = sys_lseek,
    [SYS_unlink] = sys_unlink,
    [SYS_fstat] = sys_fstat,
    [SYS_stat] = sys_stat,
    [SYS_mkdir] = sys_mkdir,
    [SYS_getdents] = sys_getdents,
    [SYS_pipe] = sys_pipe,
    [SYS_dup] = sys_dup,
    [SYS_dup2] = sys_dup2,
    [SYS_chdir] = sys_chdir,
    [SYS_getcwd] = sys_getcwd,
    [SYS_setpgid] = sys_setpgid,
    [SYS_getpgid] = sys_getpgid,
    [SYS_ioctl] = sys_ioctl,
    [SYS_rmdir] = sys_rmdir,
    [SYS_kcheck] = sys_kcheck,
    [SYS_tracemark] = sys_tracemark,
    [SYS_timerlat] = sys_timerlat,
};
#pragma GCC diagnostic pop

/* One load of trace_mask serves both hooks (trace.h: trace_on).  exit and
 * a successful execve never reach the EXIT hook of their own call. */
void syscall(struct trapframe *tf)
{
	const uint64_t n = tf->rax;
	const bool traced = trace_on(LDE_TRACE_SYSCALL);
	struct proc *p = curproc;

	p->syscalls++;
	if (traced)
		trace_write(LDE_EV_SYSCALL_ENTER, p->pid, n, tf->rdi);
	tf->rax = n < LDE_NSYSCALL && systab[n] ? (uint64_t)systab[n](tf) : (uint64_t)-ENOSYS;
	if (traced)
		trace_write(LDE_EV_SYSCALL_EXIT, p->pid, n, tf->rax);
}

const char *errno_name(long err)
{
	static const char *const names[] = {
	    [EPERM] = "EPERM",     [ENOENT] = "ENOENT",   [ESRCH] = "ESRCH",
	    [EINTR] = "EINTR",     [EIO] = "EIO",         [E2BIG] = "E2BIG",
	    [ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF",     [ECHILD] = "ECHILD",
	    [EAGAIN] = "EAGAIN",   [ENOMEM] = "ENOMEM",   [EACCES] = "EACCES",
	    [EFAULT] = "EFAULT",   [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
	    [EINVAL] = "EINVAL",   [EMFILE] = "EMFILE",   [ENAMETOOLONG] = "ENAMETOOLONG",
	    [ENOSYS] = "ENOSYS",
	};
	return err > 0 && err < (long)ARRAY_SIZE(names) && names[err] ? names[err] : "error";
}
