/*
 * sys/stat.h: file status.  The file-type bits are the kernel's
 * (include/lde/fs.h); the permission bits are POSIX's, which lde's
 * file system stores but does not enforce.
 */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/types.h>
#include <lde/fs.h>

struct stat {
	ino_t st_ino;
	mode_t st_mode;
	nlink_t st_nlink;
	off_t st_size;
};

#define S_IFMT  LDE_S_IFMT
#define S_IFREG LDE_S_IFREG
#define S_IFDIR LDE_S_IFDIR
#define S_IFCHR LDE_S_IFCHR
#define S_IFIFO LDE_S_IFIFO
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

#define S_IRWXU 0700
#define S_IRUSR 0400
#define S_IWUSR 0200
#define S_IXUSR 0100
#define S_IRWXG 0070
#define S_IRWXO 0007

int stat(const char *restrict path, struct stat *restrict st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, mode_t mode);

#endif
