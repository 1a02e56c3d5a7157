/*
 * sysfile.c: the descriptor and file system calls over file.c's layer.
 *
 * Files today are the console and the initrd's, which is read-only:
 * opening for writing, creating, truncating, unlinking, mkdir and rmdir
 * of a path that resolves give EROFS (or the error the path itself
 * earns: ENOENT, ENOTDIR, EEXIST, EISDIR ...).  Issue 4's RAM file system
 * takes over path lookup and adds the writes; the descriptor calls stay.
 */
#include <lde/errno.h>
#include <lde/fs.h>

#include "defs.h"
#include "proc.h"
#include "sysdefs.h"

static struct file *getf(struct trapframe *tf)
{
	return fd_get(A0(tf));
}

long sys_read(struct trapframe *tf)
{
	struct file *f = getf(tf);

	if (!f || (f->flags & O_ACCMODE) == O_WRONLY || !f->ops->read)
		return -EBADF;
	if (!user_range_ok(A1(tf), A2(tf)))
		return -EFAULT;
	return f->ops->read(f, A1(tf), A2(tf));
}

long sys_write(struct trapframe *tf)
{
	struct file *f = getf(tf);

	if (!f || (f->flags & O_ACCMODE) == O_RDONLY || !f->ops->write)
		return -EBADF;
	if (!user_range_ok(A1(tf), A2(tf)))
		return -EFAULT;
	return f->ops->write(f, A1(tf), A2(tf));
}

long sys_close(struct trapframe *tf)
{
	struct file *f = getf(tf);

	if (!f)
		return -EBADF;
	curproc->ofile[A0(tf)] = NULL;
	file_put(f);
	return 0;
}

long sys_lseek(struct trapframe *tf)
{
	struct file *f = getf(tf);

	if (!f)
		return -EBADF;
	if (!f->ops->lseek)
		return -ESPIPE;
	return f->ops->lseek(f, (int64_t)A1(tf), (int)A2(tf));
}

long sys_fstat(struct trapframe *tf)
{
	struct file *f = getf(tf);
	struct lde_stat st;

	if (!f)
		return -EBADF;
	f->ops->stat(f, &st);
	return copyout(A1(tf), &st, sizeof(st));
}

long sys_ioctl(struct trapframe *tf)
{
	struct file *f = getf(tf);

	if (!f)
		return -EBADF;
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, A1(tf), A2(tf));
}

long sys_dup(struct trapframe *tf)
{
	struct file *f = getf(tf);

	return f ? fd_install(file_dup(f)) : -EBADF;
}

long sys_dup2(struct trapframe *tf)
{
	struct file *f = getf(tf);
	uint64_t to = A1(tf);

	if (!f || to >= NOFILE)
		return -EBADF;
	if (curproc->ofile[to] != f) {
		if (curproc->ofile[to])
			file_put(curproc->ofile[to]);
		curproc->ofile[to] = file_dup(f);
	}
	return (long)to;
}

/* ---- paths ------------------------------------------------------------ */

/* The user's path, then its initrd entry: 0, or the path's error. */
static long lookup(uint64_t upath, const struct initrd_file **f)
{
	char path[LDE_PATH_MAX];
	long r = copyinstr(path, upath, sizeof(path));

	if (r < 0)
		return r;
	return initrd_lookup(path, f);
}

static bool isdir(const struct initrd_file *f)
{
	return (f->mode & LDE_S_IFMT) == LDE_S_IFDIR;
}

long sys_open(struct trapframe *tf)
{
	const struct initrd_file *f;
	int flags = (int)A1(tf), acc = flags & O_ACCMODE;
	long r = lookup(A0(tf), &f);

	if (acc == O_ACCMODE)
		return -EINVAL;
	if (r == -ENOENT && (flags & O_CREAT)) {
		/* Creating is fine if the parent directory exists: then only
		 * the file system's being read-only stops it. */
		char path[LDE_PATH_MAX], *slash;
		const struct initrd_file *d;
		if (copyinstr(path, A0(tf), sizeof(path)) < 0)
			return -EFAULT;
		slash = path;
		for (char *s = path; *s; s++)
			if (*s == '/')
				slash = s;
		*slash = 0;
		r = initrd_lookup(*path ? path : "/", &d);
		return r ? r : isdir(d) ? -EROFS : -ENOTDIR;
	}
	if (r)
		return r;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (isdir(f) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (!isdir(f) && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (acc != O_RDONLY || (flags & O_TRUNC))
		return -EROFS;
	struct file *fp = file_alloc(&initrd_fops, (void *)f, O_RDONLY);
	if (!fp)
		return -ENFILE;
	return fd_install(fp);
}

long sys_stat(struct trapframe *tf)
{
	const struct initrd_file *f;
	struct lde_stat st;
	long r = lookup(A0(tf), &f);

	if (r)
		return r;
	initrd_stat(f, &st);
	return copyout(A1(tf), &st, sizeof(st));
}

long sys_unlink(struct trapframe *tf)
{
	const struct initrd_file *f;
	long r = lookup(A0(tf), &f);

	return r ? r : isdir(f) ? -EISDIR : -EROFS;
}

long sys_rmdir(struct trapframe *tf)
{
	const struct initrd_file *f;
	long r = lookup(A0(tf), &f);

	return r ? r : isdir(f) ? -EROFS : -ENOTDIR;
}

long sys_mkdir(struct trapframe *tf)
{
	const struct initrd_file *f;
	long r = lookup(A0(tf), &f);

	return r == 0 ? -EEXIST : r == -ENOENT ? -EROFS : r;
}
