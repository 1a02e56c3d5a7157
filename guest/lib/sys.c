/*
 * sys.c: one thin wrapper per system call (include/lde/syscall.h), with
 * POSIX names and types.  Each goes through __lde_syscall and sets errno
 * on failure; fork and the exec family flush stdio first.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>
#include "libc.h"

void lde_set_syscall_path(int use_int80)
{
	__lde_use_int80 = use_int80 != 0;
}

int lde_get_syscall_path(void)
{
	return __lde_use_int80;
}

/* Processes */

pid_t fork(void)
{
	flush_stdio(); /* else the child would print the parent's pending output again */
	return (pid_t)SYS(SYS_fork);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	flush_stdio(); /* a successful exec discards the buffers */
	return (int)SYS(SYS_execve, path, argv, envp);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return (pid_t)SYS(SYS_waitpid, pid, status, options);
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

pid_t getpid(void)
{
	return (pid_t)RAWSYS(SYS_getpid);
}

pid_t getppid(void)
{
	return (pid_t)RAWSYS(SYS_getppid);
}

int sched_yield(void)
{
	return (int)SYS(SYS_yield);
}

int setpgid(pid_t pid, pid_t pgid)
{
	return (int)SYS(SYS_setpgid, pid, pgid);
}

pid_t getpgid(pid_t pid)
{
	return (pid_t)SYS(SYS_getpgid, pid);
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

/* Time */

uint64_t uptime_ms(void)
{
	return (uint64_t)RAWSYS(SYS_uptime);
}

int msleep(unsigned int ms)
{
	return (int)SYS(SYS_sleep, ms);
}

unsigned int sleep(unsigned int seconds)
{
	uint64_t want = (uint64_t)seconds * 1000, start = uptime_ms();
	if (RAWSYS(SYS_sleep, want) != -EINTR)
		return 0;
	uint64_t slept = uptime_ms() - start;
	return slept >= want ? 0 : (unsigned int)((want - slept + 999) / 1000);
}

int usleep(useconds_t usec)
{
	return msleep((usec + 999) / 1000);
}

/* Signals (the rest is in signal.c) */

int kill(pid_t pid, int sig)
{
	return (int)SYS(SYS_kill, pid, sig);
}

int pause(void)
{
	return (int)SYS(SYS_pause);
}

unsigned int alarm(unsigned int seconds)
{
	long r = RAWSYS(SYS_alarm, seconds);
	return r < 0 ? 0 : (unsigned int)r;
}

/* Memory */

void *sbrk(intptr_t incr)
{
	long r = RAWSYS(SYS_sbrk, incr);
	if (r < 0 && r >= -LDE_MAXERRNO) {
		errno = (int)-r;
		return (void *)-1;
	}
	return (void *)r;
}

int brk(void *addr)
{
	char *cur = sbrk(0);
	if (cur == (void *)-1)
		return -1;
	return sbrk((char *)addr - cur) == (void *)-1 ? -1 : 0;
}

/* Descriptors and files */

ssize_t read(int fd, void *buf, size_t n)
{
	return SYS(SYS_read, fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return SYS(SYS_write, fd, buf, n);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)SYS(SYS_open, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int close(int fd)
{
	return (int)SYS(SYS_close, fd);
}

off_t lseek(int fd, off_t off, int whence)
{
	return SYS(SYS_lseek, fd, off, whence);
}

int unlink(const char *path)
{
	return (int)SYS(SYS_unlink, path);
}

static void stat_from_kernel(struct stat *st, const struct lde_stat *ks)
{
	st->st_ino = ks->ino;
	st->st_mode = ks->mode;
	st->st_nlink = ks->nlink;
	st->st_size = (off_t)ks->size;
}

int stat(const char *restrict path, struct stat *restrict st)
{
	struct lde_stat ks;
	if (SYS(SYS_stat, path, &ks) < 0)
		return -1;
	stat_from_kernel(st, &ks);
	return 0;
}

int fstat(int fd, struct stat *st)
{
	struct lde_stat ks;
	if (SYS(SYS_fstat, fd, &ks) < 0)
		return -1;
	stat_from_kernel(st, &ks);
	return 0;
}

int mkdir(const char *path, mode_t mode)
{
	return (int)SYS(SYS_mkdir, path, mode);
}

int rmdir(const char *path)
{
	return (int)SYS(SYS_rmdir, path);
}

int pipe(int fds[2])
{
	return (int)SYS(SYS_pipe, fds);
}

int dup(int fd)
{
	return (int)SYS(SYS_dup, fd);
}

int dup2(int fd, int newfd)
{
	return (int)SYS(SYS_dup2, fd, newfd);
}

int chdir(const char *path)
{
	return (int)SYS(SYS_chdir, path);
}

/* The console (SYS_ioctl) */

long lde_ioctl(int fd, unsigned long request, unsigned long arg)
{
	return SYS(SYS_ioctl, fd, request, arg);
}

int isatty(int fd)
{
	return lde_ioctl(fd, LDE_TCGETMODE, 0) >= 0;
}

int lde_tty_getmode(int fd)
{
	return (int)lde_ioctl(fd, LDE_TCGETMODE, 0);
}

int lde_tty_setmode(int fd, int mode)
{
	int old = lde_tty_getmode(fd);
	if (old < 0 || lde_ioctl(fd, LDE_TCSETMODE, (unsigned long)mode) < 0)
		return -1;
	return old;
}

pid_t tcgetpgrp(int fd)
{
	return (pid_t)lde_ioctl(fd, LDE_TIOCGPGRP, 0);
}

int tcsetpgrp(int fd, pid_t pgrp)
{
	return (int)lde_ioctl(fd, LDE_TIOCSPGRP, (unsigned long)pgrp);
}

/* lde's own calls */

int lde_procsnap(struct lde_procinfo *buf, size_t n)
{
	return (int)SYS(SYS_procsnap, buf, n);
}

int lde_sysinfo(struct lde_sysinfo *info)
{
	return (int)SYS(SYS_sysinfo, info);
}

long lde_kcheck(void)
{
	return SYS(SYS_kcheck);
}

long lde_timerlat(uint32_t *buf, size_t n)
{
	return SYS(SYS_timerlat, buf, n);
}

int lde_fill_proctable(void)
{
	static pid_t pids[1024];
	int n = 0;
	while (n < 1024) {
		pid_t pid = fork();
		if (pid == 0)
			for (;;)
				pause();
		if (pid < 0)
			break;
		pids[n++] = pid;
	}
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	return n;
}

int lde_tracemark(uint64_t a0, uint64_t a1)
{
	return (int)SYS(SYS_tracemark, a0, a1);
}

const char *lde_procstate_name(unsigned int state)
{
	static const char *const names[] = {
		[LDE_PROC_UNUSED] = "UNUSED",   [LDE_PROC_EMBRYO] = "EMBRYO",
		[LDE_PROC_READY] = "READY",     [LDE_PROC_RUNNING] = "RUNNING",
		[LDE_PROC_BLOCKED] = "BLOCKED", [LDE_PROC_ZOMBIE] = "ZOMBIE",
	};
	return state < sizeof names / sizeof names[0] ? names[state] : "?";
}

const char *lde_trappath_name(unsigned int path)
{
	static const char *const names[] = {
		[LDE_PATH_BROKEN] = "broken",
		[LDE_PATH_NATIVE] = "native",
		[LDE_PATH_PF_LSTAR] = "pf-lstar",
		[LDE_PATH_UD_INT80] = "ud-int80",
	};
	return path < sizeof names / sizeof names[0] ? names[path] : "?";
}
