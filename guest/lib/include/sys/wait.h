/* sys/wait.h: the status word macros and WNOHANG are the kernel's (include/lde/wait.h). */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>
#include <lde/wait.h>

pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);

#endif
