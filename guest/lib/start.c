/* start.c: from crt0 to main and back out through exit(); atexit; _exit. */
#include <stdlib.h>
#include <unistd.h>
#include <lde/syscall.h>
#include "libc.h"

int main(int argc, char **argv, char **envp);

_Noreturn void __lde_start(int argc, char **argv, char **envp);

_Noreturn void __lde_start(int argc, char **argv, char **envp)
{
	environ = envp;
	exit(main(argc, argv, envp));
}

#define ATEXIT_MAX 32
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_n;

int atexit(void (*fn)(void))
{
	if (atexit_n == ATEXIT_MAX)
		return -1;
	atexit_fns[atexit_n++] = fn;
	return 0;
}

_Noreturn void exit(int status)
{
	/* A handler may call exit() again; each runs at most once. */
	while (atexit_n > 0)
		atexit_fns[--atexit_n]();
	flush_stdio();
	_exit(status);
}

_Noreturn void _exit(int status)
{
	for (;;)
		RAWSYS(SYS_exit, status);
}

_Noreturn void _Exit(int status)
{
	_exit(status);
}
