/* dirent.c: directories: opendir/readdir/closedir over SYS_getdents (64-byte
 * records), and getcwd. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lde/syscall.h>
#include "libc.h"

#define DIR_BATCH 16

struct lde_dir {
	int fd;
	int pos, len; /* records consumed / held in buf */
	struct lde_dirent buf[DIR_BATCH];
	struct dirent ent;
};

DIR *opendir(const char *path)
{
	DIR *d = malloc(sizeof *d);
	if (d == NULL)
		return NULL;
	d->fd = open(path, O_RDONLY | O_DIRECTORY);
	if (d->fd < 0) {
		int e = errno;
		free(d);
		errno = e;
		return NULL;
	}
	d->pos = d->len = 0;
	return d;
}

/* getdents returns the bytes it filled, whole records only; 0 at the end. */
struct dirent *readdir(DIR *d)
{
	if (d->pos == d->len) {
		long r = SYS(SYS_getdents, d->fd, d->buf, sizeof d->buf);
		if (r <= 0)
			return NULL;
		d->len = (int)((size_t)r / sizeof d->buf[0]);
		d->pos = 0;
		if (d->len == 0)
			return NULL;
	}
	const struct lde_dirent *k = &d->buf[d->pos++];
	d->ent.d_ino = k->ino;
	d->ent.d_type = k->type;
	memcpy(d->ent.d_name, k->name, sizeof d->ent.d_name);
	d->ent.d_name[sizeof d->ent.d_name - 1] = '\0';
	return &d->ent;
}

int closedir(DIR *d)
{
	int r = close(d->fd);
	free(d);
	return r;
}

int dirfd(DIR *d)
{
	return d->fd;
}

/* getcwd(NULL, size) allocates the buffer (size 0: PATH_MAX), as glibc. */
char *getcwd(char *buf, size_t size)
{
	char *mine = NULL;
	if (buf == NULL) {
		size = size ? size : LDE_PATH_MAX;
		buf = mine = malloc(size);
		if (buf == NULL)
			return NULL;
	}
	if (SYS(SYS_getcwd, buf, size) < 0) {
		free(mine);
		return NULL;
	}
	return buf;
}
