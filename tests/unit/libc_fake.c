/*
 * libc_fake.c: a fake kernel under the libc's portable files in host
 * unit tests: sbrk over a static arena, read/write/lseek on a few fake
 * descriptors, and the other calls they reference.  Names carry the
 * libc_ prefix the build gives the libc's symbols.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libc_host.h"

#define ARENA (64u << 20)
static _Alignas(4096) unsigned char arena[ARENA];
size_t fake_heap_limit = ARENA;
size_t fake_brk_used;
size_t fake_sbrk_foreign;
struct fake_fd fake_fd[FAKE_FDS];

void fake_reset(void)
{
	for (int i = 0; i < FAKE_FDS; i++) {
		free(fake_fd[i].out);
		memset(&fake_fd[i], 0, sizeof fake_fd[i]);
	}
	fake_fd[0].open = fake_fd[1].open = fake_fd[2].open = 1;
}

void *libc_sbrk(intptr_t incr)
{
	if (fake_sbrk_foreign) {
		fake_brk_used += fake_sbrk_foreign;
		fake_sbrk_foreign = 0;
	}
	size_t old = fake_brk_used;
	if ((incr > 0 && (size_t)incr > fake_heap_limit - old) ||
	    (incr < 0 && (size_t)-incr > old)) {
		libc_errno = ENOMEM;
		return (void *)-1;
	}
	fake_brk_used = old + (size_t)incr;
	return arena + old;
}

static struct fake_fd *fd_of(int fd)
{
	if (fd < 0 || fd >= FAKE_FDS || !fake_fd[fd].open) {
		libc_errno = EBADF;
		return NULL;
	}
	return &fake_fd[fd];
}

ssize_t libc_write(int fd, const void *buf, size_t n)
{
	struct fake_fd *f = fd_of(fd);
	if (f == NULL)
		return -1;
	f->out = realloc(f->out, f->out_len + n + 1);
	memcpy(f->out + f->out_len, buf, n);
	f->out_len += n;
	f->out[f->out_len] = '\0';
	f->writes++;
	return (ssize_t)n;
}

ssize_t libc_read(int fd, void *buf, size_t n)
{
	struct fake_fd *f = fd_of(fd);
	if (f == NULL)
		return -1;
	size_t left = f->in_len - f->in_pos;
	if (n > left)
		n = left;
	if (f->max_read && n > f->max_read)
		n = f->max_read;
	memcpy(buf, f->in + f->in_pos, n);
	f->in_pos += n;
	return (ssize_t)n;
}

off_t libc_lseek(int fd, off_t off, int whence)
{
	struct fake_fd *f = fd_of(fd);
	if (f == NULL)
		return -1;
	if (whence != 1 /* SEEK_CUR */ || (off < 0 && (size_t)-off > f->in_pos)) {
		libc_errno = EINVAL;
		return -1;
	}
	f->in_pos = (size_t)((off_t)f->in_pos + off);
	return (off_t)f->in_pos;
}

int libc_open(const char *path, int flags, ...)
{
	(void)flags;
	if (strncmp(path, "/fake/", 6) != 0) {
		libc_errno = ENOENT;
		return -1;
	}
	for (int i = 3; i < FAKE_FDS; i++)
		if (!fake_fd[i].open) {
			memset(&fake_fd[i], 0, sizeof fake_fd[i]);
			fake_fd[i].open = 1;
			return i;
		}
	libc_errno = EMFILE;
	return -1;
}

int libc_close(int fd)
{
	struct fake_fd *f = fd_of(fd);
	if (f == NULL)
		return -1;
	f->open = 0;
	return 0;
}

int libc_unlink(const char *path)
{
	(void)path;
	libc_errno = ENOENT;
	return -1;
}

int libc_isatty(int fd)
{
	struct fake_fd *f = fd_of(fd);
	return f && f->tty;
}

/* malloc aborts on a bad free: make that a test failure, not a crash. */
void libc_abort(void)
{
	abort();
}
