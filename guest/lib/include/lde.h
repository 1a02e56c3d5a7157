/*
 * lde.h: what lde's libc offers beyond POSIX: raw system calls on either
 * entry path, the lde-specific calls (process snapshot, sysinfo, kernel
 * self-check, trace marks, console modes), millisecond time, and helpers
 * shared by the programs.
 */
#ifndef _LDE_H
#define _LDE_H

#include <stddef.h>
#include <stdint.h>
#include <lde/syscall.h>
#include <lde/proc.h>
#include <lde/tty.h>

/*
 * Raw system calls: number, then up to six arguments.  They return the
 * kernel's result unchanged (a negative errno on failure) and leave errno
 * alone.  lde_syscall always uses the `syscall` instruction,
 * lde_syscall_int80 always `int $0x80`.
 */
long lde_syscall(long n, ...);
long lde_syscall_int80(long n, ...);

/* Which instruction every libc wrapper uses: 0 = syscall (the default),
 * 1 = int $0x80.  lde_get_syscall_path returns the current choice. */
void lde_set_syscall_path(int use_int80);
int lde_get_syscall_path(void);

/* Time since boot and blocking sleeps, in milliseconds. */
uint64_t uptime_ms(void);
int msleep(unsigned int ms);

/* Copy up to n entries of the process table; returns the count or -1. */
int lde_procsnap(struct lde_procinfo *buf, size_t n);
int lde_sysinfo(struct lde_sysinfo *info);
/* The number of kernel invariant violations found (0 when healthy), or -1. */
long lde_kcheck(void);
/* The timer's latency, programmed deadline -> handler entry, in TSC ticks,
 * when the kernel was booted with timerlat=N.  The first call starts the
 * recording; each copies up to n samples, oldest first, and forgets them;
 * returns how many.  (NULL, 0): how many
 * were lost unread.  -1 with errno EINVAL when the option is off. */
long lde_timerlat(uint32_t *buf, size_t n);
/* Fork until the process table is full, then kill and reap those children;
 * returns how many there were.  The kernel makes a slot's kernel stack the
 * first time the slot is used and keeps it, so a leak check that starts
 * after this compares like with like (sysfuzz, exhaust). */
int lde_fill_proctable(void);
int lde_tracemark(uint64_t a0, uint64_t a1);
/* Names for enum lde_procstate and enum lde_trappath ("?" if unknown). */
const char *lde_procstate_name(unsigned int state);
const char *lde_trappath_name(unsigned int path);

/* Console control (SYS_ioctl, include/lde/tty.h). */
long lde_ioctl(int fd, unsigned long request, unsigned long arg);
int lde_tty_getmode(int fd);           /* LDE_TTY_COOKED/RAW, or -1 (ENOTTY) */
int lde_tty_setmode(int fd, int mode); /* returns the previous mode or -1 */

/*
 * Split a command line in place into words, the way the kernel splits
 * its own: blanks separate words, "..." quotes a run (possibly inside a
 * word), a backslash escapes the next character.  Stores at most max - 1
 * word pointers and a NULL; returns the number of words, or -1 if there
 * were more than max - 1 words or a quote was left open.
 */
int lde_split_words(char *line, char **argv, int max);

/* `kill -l [N...]` for kill and the shell's built-in (0, or 1 if an N
 * names no signal). */
int lde_kill_list(int argc, char *const argv[]);

/* Walk the malloc heap and check every invariant; returns the number of
 * problems found (0 = healthy).  Statistics for tests: */
int lde_malloc_check(void);
struct lde_malloc_stats {
	size_t heap_bytes;  /* obtained from sbrk */
	size_t used_bytes;  /* in allocated blocks, headers included */
	size_t free_bytes;  /* in free blocks */
	size_t free_blocks;
};
void lde_malloc_stats(struct lde_malloc_stats *st);

/* The registers the kernel handed to the program at entry, saved by crt0
 * before anything ran, so tests can check the exec contract. */
struct lde_entry_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags;
};
extern struct lde_entry_regs lde_entry_regs;

#endif
