/*
 * sysdefs.h: the system-call handlers (sysproc.c, sysfile.c), their
 * type, and the argument registers of the convention.
 */
#ifndef SYSDEFS_H
#define SYSDEFS_H

#include "trap.h"

typedef long (*sysfn)(struct trapframe *tf);

#define A0(tf) ((tf)->rdi)
#define A1(tf) ((tf)->rsi)
#define A2(tf) ((tf)->rdx)
#define A3(tf) ((tf)->r10)
#define A4(tf) ((tf)->r8)
#define A5(tf) ((tf)->r9)

/* sysproc.c */
long sys_floor(struct trapframe *tf);
long sys_exit(struct trapframe *tf);
long sys_fork(struct trapframe *tf);
long sys_execve(struct trapframe *tf);
long sys_waitpid(struct trapframe *tf);
long sys_getpid(struct trapframe *tf);
long sys_getppid(struct trapframe *tf);
long sys_yield(struct trapframe *tf);
long sys_sleep(struct trapframe *tf);
long sys_uptime(struct trapframe *tf);
long sys_sbrk(struct trapframe *tf);
long sys_procsnap(struct trapframe *tf);
long sys_sysinfo(struct trapframe *tf);
long sys_setpgid(struct trapframe *tf);
long sys_getpgid(struct trapframe *tf);
long sys_kcheck(struct trapframe *tf);
long sys_tracemark(struct trapframe *tf);
long sys_timerlat(struct trapframe *tf);

/* signal.c */
long sys_kill(struct trapframe *tf);
long sys_sigaction(struct trapframe *tf);
long sys_sigreturn(struct trapframe *tf);
long sys_sigprocmask(struct trapframe *tf);
long sys_pause(struct trapframe *tf);
long sys_alarm(struct trapframe *tf);

/* sysfile.c */
long sys_read(struct trapframe *tf);
long sys_write(struct trapframe *tf);
long sys_open(struct trapframe *tf);
long sys_close(struct trapframe *tf);
long sys_lseek(struct trapframe *tf);
long sys_fstat(struct trapframe *tf);
long sys_stat(struct trapframe *tf);
long sys_unlink(struct trapframe *tf);
long sys_mkdir(struct trapframe *tf);
long sys_rmdir(struct trapframe *tf);
long sys_dup(struct trapframe *tf);
long sys_dup2(struct trapframe *tf);
long sys_ioctl(struct trapframe *tf);
long sys_getdents(struct trapframe *tf);
long sys_chdir(struct trapframe *tf);
long sys_getcwd(struct trapframe *tf);

/* pipe.c */
long sys_pipe(struct trapframe *tf);

#endif
