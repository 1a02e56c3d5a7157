/*
 * sysfile.c: the descriptor and file system calls: descriptors over
 * file.c's layer, paths handed to the RAM file system (fs.c) after one
 * copy from user space.  Paths are relative to the working directory
 * unless they start with '/'.
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
	return fd_close(A0(tf));
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

long sys_getdents(struct trapframe *tf)
{
	struct file *f = getf(tf);

	if (!f)
		return -EBADF;
	if (!f->ops->getdents)
		return -ENOTDIR;
	if (!user_range_ok(A1(tf), A2(tf)))
		return -EFAULT;
	return f->ops->getdents(f, A1(tf), A2(tf));
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

/* The user's path into buf (LDE_PATH_MAX with its NUL): 0 or an error. */
static long getpath(uint64_t upath, char *buf)
{
	long r = copyinstr(buf, upath, LDE_PATH_MAX);

	return r < 0 ? r : 0;
}

long sys_open(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	long r = getpath(A0(tf), path);

	return r ? r : fs_open(path, (int)A1(tf), (uint32_t)A2(tf));
}

long sys_stat(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	struct inode *ip;
	struct lde_stat st;
	long r = getpath(A0(tf), path);

	if (r || (r = fs_lookup(path, &ip)))
		return r;
	fs_stat(ip, &st);
	return copyout(A1(tf), &st, sizeof(st));
}

long sys_unlink(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	long r = getpath(A0(tf), path);

	return r ? r : fs_unlink(path);
}

long sys_rmdir(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	long r = getpath(A0(tf), path);

	return r ? r : fs_rmdir(path);
}

long sys_mkdir(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	long r = getpath(A0(tf), path);

	return r ? r : fs_mkdir(path, (uint32_t)A1(tf));
}

long sys_chdir(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	long r = getpath(A0(tf), path);

	return r ? r : fs_chdir(path);
}

/* getcwd(buf, size): 0, or ERANGE when the path and its NUL do not fit.
 * The buffer is filled to its size (at most LDE_PATH_MAX), NULs after the
 * path: a buffer that is not all writable is EFAULT, whatever the path. */
long sys_getcwd(struct trapframe *tf)
{
	char path[LDE_PATH_MAX];
	uint64_t size = A1(tf) < sizeof(path) ? A1(tf) : sizeof(path);
	long r = fs_getcwd(path, size);

	if (r)
		return r;
	size_t n = strnlen(path, size) + 1;
	memset(path + n, 0, size - n);
	return copyout(A0(tf), path, size);
}
