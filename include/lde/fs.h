/*
 * Files: open flags, stat and directory entries (Linux's flag values).
 */
#ifndef LDE_FS_H
#define LDE_FS_H

#include <stdint.h>

#define O_RDONLY    0x000
#define O_WRONLY    0x001
#define O_RDWR      0x002
#define O_ACCMODE   0x003
#define O_CREAT     0x040
#define O_EXCL      0x080
#define O_TRUNC     0x200
#define O_APPEND    0x400
#define O_DIRECTORY 0x10000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define LDE_S_IFMT  0170000
#define LDE_S_IFREG 0100000
#define LDE_S_IFDIR 0040000
#define LDE_S_IFCHR 0020000
#define LDE_S_IFIFO 0010000

#define LDE_NAME_MAX 55 /* longest path component */
#define LDE_PATH_MAX 256

struct lde_stat {
	uint32_t ino;
	uint32_t mode;  /* LDE_S_IF* | permission bits */
	uint32_t nlink;
	uint32_t pad;
	uint64_t size;
};

struct lde_dirent {
	uint32_t ino;
	uint32_t type;                 /* LDE_S_IF* */
	char name[LDE_NAME_MAX + 1];   /* NUL-terminated */
};

_Static_assert(sizeof(struct lde_dirent) == 64, "dirent is 64 bytes");

#endif
