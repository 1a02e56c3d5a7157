/*
 * System-call numbers and calling convention, shared by the kernel and
 * the user libc.
 *
 * Convention (both entry paths): number in %rax; arguments in %rdi, %rsi,
 * %rdx, %r10, %r8, %r9; result in %rax, a negative errno on failure.
 * `syscall` clobbers %rcx and %r11 as the architecture says; `int $0x80`
 * preserves every register but %rax.  (Unlike Linux's int 0x80, lde's
 * uses the 64-bit registers and numbers above.)
 */
#ifndef LDE_SYSCALL_H
#define LDE_SYSCALL_H

/* Returns 0 at once from the entry stub, before a trapframe is built: the
 * floor of an entry path, for benchmarks. */
#define SYS_floor        0
#define SYS_exit         1  /* (int status) */
#define SYS_fork         2  /* () -> child pid / 0 */
#define SYS_execve       3  /* (path, argv, envp) */
#define SYS_waitpid      4  /* (pid, int *status, options) */
#define SYS_getpid       5
#define SYS_getppid      6
#define SYS_yield        7
#define SYS_sleep        8  /* (milliseconds), blocks */
#define SYS_uptime       9  /* () -> milliseconds since boot */
#define SYS_read         10 /* (fd, buf, n) */
#define SYS_write        11 /* (fd, buf, n) */
#define SYS_sbrk         12 /* (intptr_t incr) -> old break */
#define SYS_procsnap     13 /* (struct lde_procinfo *, size_t n) -> count */
#define SYS_sysinfo      14 /* (struct lde_sysinfo *) */
#define SYS_kill         15 /* (pid, sig); pid < 0: process group -pid */
#define SYS_sigaction    16 /* (sig, const struct lde_sigaction *, struct lde_sigaction *) */
#define SYS_sigreturn    17 /* () from a handler's restorer only */
#define SYS_sigprocmask  18 /* (how, const lde_sigset_t *, lde_sigset_t *) */
#define SYS_pause        19
#define SYS_alarm        20 /* (seconds) -> seconds left on the previous alarm */
#define SYS_open         21 /* (path, flags, mode) */
#define SYS_close        22
#define SYS_lseek        23 /* (fd, off, whence) */
#define SYS_unlink       24
#define SYS_fstat        25 /* (fd, struct lde_stat *) */
#define SYS_stat         26 /* (path, struct lde_stat *) */
#define SYS_mkdir        27 /* (path, mode) */
#define SYS_getdents     28 /* (fd, struct lde_dirent *, size_t bytes) */
#define SYS_pipe         29 /* (int fds[2]) */
#define SYS_dup          30
#define SYS_dup2         31
#define SYS_chdir        32
#define SYS_getcwd       33 /* (buf, size) */
#define SYS_setpgid      34 /* (pid, pgid) */
#define SYS_getpgid      35 /* (pid) */
#define SYS_ioctl        36 /* (fd, request, arg): console control, tty.h */
#define SYS_rmdir        37
#define SYS_kcheck       38 /* () -> number of kernel invariant violations */
#define SYS_tracemark    39 /* (a0, a1): a user event in the trace */
#define SYS_timerlat     40 /* (uint32_t *buf, n): timer latency samples (kernel option timerlat=N) */

#define LDE_NSYSCALL     48 /* table size; numbers >= this return -ENOSYS */

#endif
