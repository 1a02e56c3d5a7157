/* sys/types.h: the POSIX scalar types of lde's libc (LP64). */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef unsigned int mode_t;
typedef uint32_t ino_t;
typedef uint32_t nlink_t;
typedef unsigned int useconds_t;

#endif
