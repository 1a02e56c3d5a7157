/* errno.h: the values are the kernel's (include/lde/errno.h). */
#ifndef _ERRNO_H
#define _ERRNO_H

#include <lde/errno.h>

/* One thread per process: a plain global. */
extern int errno;

#endif
