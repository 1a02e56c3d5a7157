/*
 * file.c: open files and descriptor tables.
 *
 * A struct file is one open of something -- the console, an initrd file,
 * later a pipe end or a RAM-fs file -- with its access mode, offset and
 * a table of operations for its kind (struct fileops).  Descriptors are
 * per process (p->ofile[NOFILE]) and point at shared files: fork and dup
 * add references, close drops one, and the kind's close runs with the
 * last.  Files live in a fixed table: never-used slots are handed out in
 * order, returned ones from a free stack, so allocation never scans and
 * boot initialises nothing.
 */
#include <lde/errno.h>

#include "defs.h"
#include "proc.h"

static struct file ftable[NFILE];
static uint16_t free_file[NFILE]; /* slots given back */
static int nfree, nbump;          /* ... and ftable[nbump..] never used yet */

struct file *file_alloc(const struct fileops *ops, void *obj, int flags)
{
	struct file *f;

	if (nfree > 0)
		f = &ftable[free_file[--nfree]];
	else if (nbump < NFILE)
		f = &ftable[nbump++];
	else
		return NULL;
	*f = (struct file){.ref = 1, .flags = flags, .ops = ops, .obj = obj};
	return f;
}

struct file *file_dup(struct file *f)
{
	f->ref++;
	return f;
}

void file_put(struct file *f)
{
	assert(f->ref > 0);
	if (--f->ref > 0)
		return;
	if (f->ops->close)
		f->ops->close(f);
	free_file[nfree++] = (uint16_t)(f - ftable);
}

/* The lowest free descriptor of the current process now names f, which
 * the caller's reference moves into; -EMFILE if none is free (the
 * reference is dropped). */
int fd_install(struct file *f)
{
	struct proc *p = curproc;

	for (int fd = 0; fd < NOFILE; fd++) {
		if (!p->ofile[fd]) {
			p->ofile[fd] = f;
			return fd;
		}
	}
	file_put(f);
	return -EMFILE;
}

struct file *fd_get(uint64_t fd)
{
	return fd < NOFILE ? curproc->ofile[fd] : NULL;
}

int fd_close(uint64_t fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	curproc->ofile[fd] = NULL;
	file_put(f);
	return 0;
}

void fd_closeall(struct proc *p)
{
	for (int fd = 0; fd < NOFILE; fd++) {
		if (p->ofile[fd]) {
			file_put(p->ofile[fd]);
			p->ofile[fd] = NULL;
		}
	}
}

void fd_forkcopy(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if (parent->ofile[fd])
			child->ofile[fd] = file_dup(parent->ofile[fd]);
}

/* Files in use, for sysinfo-style accounting and leak checks. */
int file_count(void)
{
	return nbump - nfree;
}
