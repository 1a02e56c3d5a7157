/* dirent.h: reading directories (over SYS_getdents). */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <sys/types.h>
#include <lde/fs.h>

/* d_type holds the entry's file type as S_IF* bits. */
#define DT_REG LDE_S_IFREG
#define DT_DIR LDE_S_IFDIR
#define DT_CHR LDE_S_IFCHR
#define DT_FIFO LDE_S_IFIFO

struct dirent {
	ino_t d_ino;
	unsigned int d_type;
	char d_name[LDE_NAME_MAX + 1];
};

typedef struct lde_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);

#endif
