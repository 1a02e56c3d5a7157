/*
 * exec.c: the exec family over execve.  The p variants search $PATH
 * (default "/bin") for a name without a slash.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

#define DEFAULT_PATH "/bin"

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
	if (file == NULL || *file == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/'))
		return execve(file, argv, envp);

	const char *path = getenv("PATH");
	if (path == NULL)
		path = DEFAULT_PATH;
	size_t flen = strlen(file);
	int denied = 0;
	char buf[PATH_MAX];
	for (const char *p = path;; p++) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		const char *dir = dlen ? p : ".";
		if (dlen == 0)
			dlen = 1;
		if (dlen + 1 + flen < sizeof buf) {
			memcpy(buf, dir, dlen);
			buf[dlen] = '/';
			memcpy(buf + dlen + 1, file, flen + 1);
			execve(buf, argv, envp);
			/* Try the next directory only if this one lacks the file. */
			if (errno == EACCES)
				denied = 1;
			else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG)
				return -1;
		}
		if (colon == NULL)
			break;
		p = colon;
	}
	errno = denied ? EACCES : ENOENT;
	return -1;
}

int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* Count the list's arguments up to the NULL, arg0 included. */
static size_t count_args(const char *arg, va_list ap)
{
	size_t n = 0;
	for (const char *a = arg; a; a = va_arg(ap, const char *))
		n++;
	return n;
}

/* The l variants build argv[] on the stack from the argument list. */
#define LIST_TO_ARGV(arg, argv, envp_out)                                                          \
	va_list ap, ap2;                                                                           \
	va_start(ap, arg);                                                                         \
	va_copy(ap2, ap);                                                                          \
	size_t n = count_args(arg, ap2);                                                           \
	va_end(ap2);                                                                               \
	char *argv[n + 1];                                                                         \
	argv[0] = (char *)arg;                                                                     \
	for (size_t i = 1; i <= n; i++)                                                            \
		argv[i] = va_arg(ap, char *); /* argv[n] gets the NULL */                          \
	envp_out;                                                                                  \
	va_end(ap)

int execl(const char *path, const char *arg, ...)
{
	LIST_TO_ARGV(arg, argv, (void)0);
	return execve(path, argv, environ);
}

int execlp(const char *file, const char *arg, ...)
{
	LIST_TO_ARGV(arg, argv, (void)0);
	return execvp(file, argv);
}

int execle(const char *path, const char *arg, ...)
{
	char *const *envp;
	LIST_TO_ARGV(arg, argv, envp = va_arg(ap, char *const *));
	return execve(path, argv, envp);
}
