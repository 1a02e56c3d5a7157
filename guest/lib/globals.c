/* globals.c: the libc's two process-wide variables, alone so that using
 * them links nothing else. */
#include <errno.h>
#include <unistd.h>

int errno;
char **environ; /* set by __lde_start from the kernel's envp */
