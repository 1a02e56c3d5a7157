/*
 * pipe.c: pipes -- a one-page ring buffer between a read end and a write
 * end, each an open file (file.c) that fork and dup share.
 *
 * r and w count bytes read and written since the pipe was made; the
 * buffer holds w - r of them, at w % PIPE_SIZE and so on.  A reader of an
 * empty pipe is BLOCKED ("pipe") until bytes come or the last writer
 * closes (then it reads 0: end of file); a writer of a full pipe is
 * BLOCKED ("pipe full") until there is room.  A write of up to
 * PIPE_SIZE bytes goes in whole (POSIX's PIPE_BUF atomicity); a longer
 * one goes in as room appears and returns once all is in, or with the
 * count so far when a signal or the readers' going interrupts it.  With
 * no reader left a write raises SIGPIPE in the writer and fails with
 * EPIPE.  Reads return what is there, up to the count asked for.
 *
 * Each end counts its waiters, so a read or write wakes the other side
 * only when someone sleeps there (wakeup scans the wait list).  Pipes
 * live in a fixed table handed out like the file table; the buffer page
 * is allocated with the pipe and freed with its last end.
 */
#include <lde/errno.h>
#include <lde/fs.h>
#include <lde/signal.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"

#define PIPE_SIZE PGSIZE
#define NPIPE     (NFILE / 2)

struct pipe {
	uint8_t *buf;
	uint64_t r, w;          /* bytes read, written */
	int readers, writers;   /* open ends */
	int rwait, wwait;       /* processes BLOCKED reading, writing */
	struct pipe *next_free;
};

static struct pipe pipes[NPIPE];
static struct pipe *free_pipes;
static int npipe_bump;

static struct pipe *pipe_alloc(void)
{
	struct pipe *p;
	uint64_t pa = kalloc();

	if (!pa)
		return NULL;
	if (free_pipes) {
		p = free_pipes;
		free_pipes = p->next_free;
	} else if (npipe_bump < NPIPE) {
		p = &pipes[npipe_bump++];
	} else {
		kfree(pa);
		return NULL;
	}
	*p = (struct pipe){.buf = P2V(pa), .readers = 1, .writers = 1};
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(V2P(p->buf));
	p->buf = NULL;
	p->next_free = free_pipes;
	free_pipes = p;
}

static int block(struct pipe *p, int *waiters, const void *chan, const char *wchan)
{
	int r;

	(void)p;
	(*waiters)++;
	r = sleep_on(chan, wchan);
	(*waiters)--;
	return r;
}

static long pipe_read(struct file *f, uint64_t ubuf, size_t n)
{
	struct pipe *p = f->obj;

	if (n == 0)
		return 0;
	while (p->w == p->r) {
		if (p->writers == 0)
			return 0;
		if (block(p, &p->rwait, &p->r, "pipe"))
			return -ERESTART;
	}
	size_t k = p->w - p->r < n ? p->w - p->r : n;
	size_t at = p->r % PIPE_SIZE, first = PIPE_SIZE - at < k ? PIPE_SIZE - at : k;
	if (copyout(ubuf, p->buf + at, first) || copyout(ubuf + first, p->buf, k - first))
		return -EFAULT;
	p->r += k;
	if (p->wwait)
		wakeup(&p->w);
	return (long)k;
}

static long pipe_write(struct file *f, uint64_t ubuf, size_t n)
{
	struct pipe *p = f->obj;
	size_t done = 0;

	while (done < n) {
		size_t room = PIPE_SIZE - (size_t)(p->w - p->r), k = n - done;
		if (p->readers == 0) {
			sig_send(curproc, SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		if (room == 0 || (n <= PIPE_SIZE && room < n)) { /* small writes go in whole */
			if (block(p, &p->wwait, &p->w, "pipe full"))
				return done ? (long)done : -ERESTART;
			continue;
		}
		if (k > room)
			k = room;
		size_t at = p->w % PIPE_SIZE, first = PIPE_SIZE - at < k ? PIPE_SIZE - at : k;
		if (copyin(p->buf + at, ubuf + done, first) ||
		    copyin(p->buf, ubuf + done + first, k - first))
			return done ? (long)done : -EFAULT;
		p->w += k;
		done += k;
		if (p->rwait)
			wakeup(&p->r);
	}
	return (long)done;
}

static int pipe_stat(struct file *f, struct lde_stat *st)
{
	struct pipe *p = f->obj;

	memset(st, 0, sizeof(*st));
	st->mode = LDE_S_IFIFO | 0600;
	st->nlink = 1;
	st->size = p->w - p->r;
	return 0;
}

static void pipe_close(struct file *f)
{
	struct pipe *p = f->obj;

	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		p->readers--;
		if (p->wwait)
			wakeup(&p->w); /* writers find no reader: EPIPE */
	} else {
		p->writers--;
		if (p->rwait)
			wakeup(&p->r); /* readers find no writer: EOF */
	}
	if (p->readers == 0 && p->writers == 0)
		pipe_free(p);
}

static const struct fileops pipe_fops = {
    .kind = "pipe",
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .close = pipe_close,
};

/* pipe(fds): the read end in fds[0], the write end in fds[1]. */
long sys_pipe(struct trapframe *tf)
{
	struct pipe *p = pipe_alloc();
	struct file *rf, *wf;
	int fds[2];

	if (!p)
		return -ENFILE;
	if (!(rf = file_alloc(&pipe_fops, p, O_RDONLY))) {
		pipe_free(p);
		return -ENFILE;
	}
	if (!(wf = file_alloc(&pipe_fops, p, O_WRONLY))) {
		p->writers = 0;
		file_put(rf);
		return -ENFILE;
	}
	if ((fds[0] = fd_install(rf)) < 0) {
		file_put(wf);
		return fds[0];
	}
	if ((fds[1] = fd_install(wf)) < 0) { /* wf is closed already */
		fd_close(fds[0]);
		return fds[1];
	}
	if (copyout(tf->rdi, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}
