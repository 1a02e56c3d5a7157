/*
 * linux_shim.c: lde's system calls served by Linux, for running lde's
 * user programs on the host before (or beside) lde's kernel.
 *
 * Linked in place of syscall.S (it defines the same symbols), so crt0,
 * the libc and the programs are exactly the guest's; only the numbers
 * and a few argument shapes are translated (stat, sigaction, getdents).  tests/33-libc-linux.t runs
 * the initrd's programs this way in a chroot.  lde-only calls (procsnap,
 * sysinfo, kcheck, tracemark) answer -ENOSYS; int 0x80 is not available
 * (on Linux it is the 32-bit ABI), so both paths use `syscall`.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <lde/errno.h>
#include <lde/fs.h>
#include <lde/signal.h>
#include <lde/syscall.h>
#include <lde/tty.h>

unsigned char __lde_use_int80;

static long linux6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define L7(n, a, b, c, d, e, f, ...) linux6(n, a, b, c, d, e, f)
#define L(...)                       L7(__VA_ARGS__, 0, 0, 0, 0, 0, 0)

struct kstat { /* Linux x86-64 struct stat */
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t times[6];
	int64_t unused[3];
};

static long stat_out(long r, struct kstat *ks, struct lde_stat *st)
{
	if (r < 0)
		return r;
	st->ino = (uint32_t)ks->ino;
	st->mode = ks->mode;
	st->nlink = (uint32_t)ks->nlink;
	st->pad = 0;
	st->size = (uint64_t)ks->size;
	return 0;
}

struct ksigaction {
	uint64_t handler, flags, restorer, mask;
};

static uint64_t brk_cur;

/* getdents: Linux's getdents64 records rewritten as lde's 64-byte ones
 * (whole records only, as lde's kernel returns them); records that do
 * not fit are read again next time (lseek to the last one copied). */
static long getdents(long fd, struct lde_dirent *out, unsigned long bytes)
{
	unsigned long max = bytes / sizeof *out, n = 0;
	if (max == 0)
		return -EINVAL;
	char buf[2048] __attribute__((aligned(8)));
	long len = L(217, fd, (long)buf, (long)sizeof buf);
	if (len <= 0)
		return len;
	int64_t resume = 0;
	for (long off = 0; off < len;) {
		struct {
			uint64_t ino;
			int64_t next; /* the directory offset after this record */
			uint16_t reclen;
			uint8_t type;
			char name[];
		} *d = (void *)(buf + off);
		if (n == max) {
			L(8, fd, resume, 0 /* SEEK_SET */);
			break;
		}
		resume = d->next;
		struct lde_dirent *e = &out[n++];
		e->ino = (uint32_t)d->ino;
		e->type = d->type == 4 ? LDE_S_IFDIR : d->type == 2 ? LDE_S_IFCHR
			: d->type == 1 ? LDE_S_IFIFO : LDE_S_IFREG;
		size_t i = 0;
		for (; d->name[i] && i < LDE_NAME_MAX; i++)
			e->name[i] = d->name[i];
		e->name[i] = '\0';
		off += d->reclen;
	}
	return (long)(n * sizeof *out);
}

static long shim(long n, long a, long b, long c, long d, long e, long f)
{
	(void)e, (void)f;
	switch (n) {
	case SYS_floor:
		return 0;
	case SYS_exit:
		return L(231, a);
	case SYS_fork:
		return L(57, 0);
	case SYS_execve:
		return L(59, a, b, c);
	case SYS_waitpid:
		return L(61, a, b, c, 0);
	case SYS_getpid:
		return L(39, 0);
	case SYS_getppid:
		return L(110, 0);
	case SYS_yield:
		return L(24, 0);
	case SYS_sleep: {
		long ts[2] = {a / 1000, (a % 1000) * 1000000};
		return L(35, (long)ts, 0);
	}
	case SYS_uptime: {
		long ts[2];
		L(228, 1 /* CLOCK_MONOTONIC */, (long)ts);
		return ts[0] * 1000 + ts[1] / 1000000;
	}
	case SYS_read:
		return L(0, a, b, c);
	case SYS_write:
		return L(1, a, b, c);
	case SYS_sbrk: {
		if (brk_cur == 0)
			brk_cur = (uint64_t)L(12, 0);
		uint64_t old = brk_cur, want = old + (uint64_t)a;
		if (a == 0)
			return (long)old;
		if ((a > 0 && want < old) || (a < 0 && want > old))
			return -ENOMEM;
		uint64_t got = (uint64_t)L(12, (long)want);
		if (got != want)
			return -ENOMEM;
		brk_cur = got;
		return (long)old;
	}
	case SYS_kill:
		return L(62, a, b);
	case SYS_sigaction: {
		const struct lde_sigaction *act = (const void *)b;
		struct lde_sigaction *old = (void *)c;
		struct ksigaction kact, kold;
		if (act) {
			kact.handler = act->handler;
			kact.flags = act->flags;
			kact.restorer = act->restorer;
			kact.mask = act->mask;
		}
		long r = L(13, a, act ? (long)&kact : 0, old ? (long)&kold : 0, 8);
		if (r == 0 && old) {
			old->handler = kold.handler;
			old->flags = (uint32_t)kold.flags;
			old->restorer = kold.restorer;
			old->mask = kold.mask;
			old->pad = 0;
		}
		return r;
	}
	case SYS_sigreturn:
		return L(15, 0);
	case SYS_sigprocmask:
		return L(14, a, b, c, 8);
	case SYS_pause:
		return L(34, 0);
	case SYS_alarm:
		return L(37, a);
	case SYS_open:
		return L(2, a, b, c);
	case SYS_close:
		return L(3, a);
	case SYS_lseek:
		return L(8, a, b, c);
	case SYS_unlink:
		return L(87, a);
	case SYS_fstat: {
		struct kstat ks;
		return stat_out(L(5, a, (long)&ks), &ks, (void *)b);
	}
	case SYS_stat: {
		struct kstat ks;
		return stat_out(L(4, a, (long)&ks), &ks, (void *)b);
	}
	case SYS_mkdir:
		return L(83, a, b);
	case SYS_rmdir:
		return L(84, a);
	case SYS_getdents:
		return getdents(a, (struct lde_dirent *)b, (unsigned long)c);
	case SYS_pipe:
		return L(22, a);
	case SYS_dup:
		return L(32, a);
	case SYS_dup2:
		return L(33, a, b);
	case SYS_chdir:
		return L(80, a);
	case SYS_getcwd: {
		long r = L(79, a, b);
		return r < 0 ? r : 0;
	}
	case SYS_setpgid:
		return L(109, a, b);
	case SYS_getpgid:
		return L(121, a);
	case SYS_ioctl:
		if (b == LDE_TCGETMODE) {
			char termios[64];
			long r = L(16, a, 0x5401 /* TCGETS */, (long)termios);
			return r < 0 ? -ENOTTY : LDE_TTY_COOKED;
		}
		if (b == LDE_TIOCGPGRP) {
			int pg;
			long r = L(16, a, 0x540f, (long)&pg);
			return r < 0 ? r : pg;
		}
		if (b == LDE_TIOCSPGRP) {
			int pg = (int)c;
			return L(16, a, 0x5410, (long)&pg);
		}
		return -ENOTTY;
	default:
		(void)d;
		return -ENOSYS;
	}
}

long __lde_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	return shim(n, a, b, c, d, e, f);
}

#define VARIADIC(name)                                                                             \
	long name(long n, ...)                                                                     \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, n);                                                                   \
		long a[6];                                                                         \
		for (int i = 0; i < 6; i++)                                                        \
			a[i] = va_arg(ap, long);                                                   \
		va_end(ap);                                                                        \
		return shim(n, a[0], a[1], a[2], a[3], a[4], a[5]);                                \
	}
VARIADIC(lde_syscall)
VARIADIC(lde_syscall_int80)

/* The restorer: rt_sigreturn with the frame Linux built. */
__asm__(".text\n"
	".globl __lde_restorer\n"
	"__lde_restorer:\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	ud2\n");
