/* fcntl.h: open(); the O_* flags are the kernel's (include/lde/fs.h). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>
#include <lde/fs.h>

int open(const char *path, int flags, ...); /* mode_t mode with O_CREAT */
int creat(const char *path, mode_t mode);

#endif
