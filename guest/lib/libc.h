/*
 * libc.h: declarations shared by the libc's own files, never installed
 * for programs.
 */
#ifndef LDE_LIBC_INTERNAL_H
#define LDE_LIBC_INTERNAL_H

#include <errno.h>

/* syscall.S: the one entry used by every wrapper; it executes `syscall`
 * or `int $0x80` as __lde_use_int80 says and returns the raw result. */
long __lde_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6);
extern unsigned char __lde_use_int80;
/* syscall.S: a signal handler's return address; calls SYS_sigreturn. */
void __lde_restorer(void);

/* RAWSYS(n, args...): the kernel's result; SYS(n, args...): -1 and errno
 * on failure, the result otherwise. */
#define __LDE_SC7(n, a, b, c, d, e, f, ...)                                                        \
	__lde_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define RAWSYS(...) __LDE_SC7(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define SYS(...)    __lde_ret(RAWSYS(__VA_ARGS__))

static inline long __lde_ret(long r)
{
	if (r < 0 && r >= -LDE_MAXERRNO) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* stdio.c: write out every stream's pending output (exit, fork, exec).
 * Weak, so a program that never uses stdio does not link it in; call it
 * through flush_stdio(). */
void __stdio_flushall(void) __attribute__((weak));

static inline void flush_stdio(void)
{
	if (__stdio_flushall)
		__stdio_flushall();
}

#endif
