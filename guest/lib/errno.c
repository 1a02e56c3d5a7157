/* errno.c: the messages for errno values and signals; signal names (sig2str, str2sig). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const errmsg[] = {
	[0] = "Success",
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[ENXIO] = "No such device or address",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[EBUSY] = "Device or resource busy",
	[EEXIST] = "File exists",
	[EXDEV] = "Invalid cross-device link",
	[ENOTDIR] = "Not a directory",
	[EISDIR] = "Is a directory",
	[EINVAL] = "Invalid argument",
	[ENFILE] = "Too many open files in system",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[EFBIG] = "File too large",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[EROFS] = "Read-only file system",
	[EMLINK] = "Too many links",
	[EPIPE] = "Broken pipe",
	[ERANGE] = "Numerical result out of range",
	[ENAMETOOLONG] = "File name too long",
	[ENOSYS] = "Function not implemented",
	[ENOTEMPTY] = "Directory not empty",
};

char *strerror(int e)
{
	static char unknown[32];
	if (e >= 0 && (size_t)e < sizeof errmsg / sizeof errmsg[0] && errmsg[e])
		return (char *)errmsg[e];
	snprintf(unknown, sizeof unknown, "Unknown error %d", e);
	return unknown;
}

static const char *const signame[LDE_NSIG] = {
	[SIGHUP] = "Hangup",
	[SIGINT] = "Interrupt",
	[SIGQUIT] = "Quit",
	[SIGILL] = "Illegal instruction",
	[SIGTRAP] = "Trace/breakpoint trap",
	[SIGABRT] = "Aborted",
	[SIGBUS] = "Bus error",
	[SIGFPE] = "Floating point exception",
	[SIGKILL] = "Killed",
	[SIGUSR1] = "User defined signal 1",
	[SIGSEGV] = "Segmentation fault",
	[SIGUSR2] = "User defined signal 2",
	[SIGPIPE] = "Broken pipe",
	[SIGALRM] = "Alarm clock",
	[SIGTERM] = "Terminated",
	[SIGCHLD] = "Child exited",
	[SIGCONT] = "Continued",
	[SIGSTOP] = "Stopped (signal)",
	[SIGTSTP] = "Stopped",
};

const char *strsignal(int sig)
{
	static char unknown[32];
	if (sig > 0 && sig < LDE_NSIG && signame[sig])
		return signame[sig];
	snprintf(unknown, sizeof unknown, "Unknown signal %d", sig);
	return unknown;
}

/* POSIX.1-2024's names, without the SIG prefix (kill -l, kill -TERM). */
static const char *const sigabbrev[LDE_NSIG] = {
	[SIGHUP] = "HUP",   [SIGINT] = "INT",   [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGCHLD] = "CHLD",
	[SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
};

int sig2str(int sig, char *str)
{
	if (sig <= 0 || sig >= LDE_NSIG)
		return -1;
	if (sigabbrev[sig])
		strcpy(str, sigabbrev[sig]);
	else
		snprintf(str, SIG2STR_MAX, "%d", sig); /* a valid number without a name */
	return 0;
}

/* "TERM", "SIGTERM", "term" or "15"; 0 = the null signal by number only. */
int str2sig(const char *str, int *sig)
{
	if (*str >= '0' && *str <= '9') {
		char *end;
		long n = strtol(str, &end, 10);
		if (*end != '\0' || n < 0 || n >= LDE_NSIG)
			return -1;
		*sig = (int)n;
		return 0;
	}
	if (strncasecmp(str, "SIG", 3) == 0)
		str += 3;
	for (int i = 1; i < LDE_NSIG; i++)
		if (sigabbrev[i] && strcasecmp(str, sigabbrev[i]) == 0) {
			*sig = i;
			return 0;
		}
	return -1;
}

/* `kill -l`: with no arguments, every named signal five to a row as
 * "N) SIGNAME"; otherwise the name of each argument, a number or an exit
 * status 128 + N.  Returns 0, or 1 if an argument named no signal. */
int lde_kill_list(int argc, char *const argv[])
{
	char name[SIG2STR_MAX];
	int status = 0, col = 0, width = 0;

	for (int s = 1; argc == 0 && s < LDE_NSIG; s++) {
		if (!sigabbrev[s])
			continue;
		if (col % 5 != 0)
			printf("%*s", 10 - width, ""); /* columns 14 wide, no trailing blanks */
		width = printf("%2d) SIG%s", s, sigabbrev[s]) - 4;
		if (++col % 5 == 0)
			printf("\n");
	}
	if (col % 5 != 0)
		printf("\n");
	for (int i = 0; i < argc; i++) {
		int s = atoi(argv[i]);
		if (s > 128)
			s -= 128; /* the exit status of a process killed by s */
		if (sig2str(s, name) == 0) {
			printf("%s\n", name);
		} else {
			fprintf(stderr, "kill: %s: no such signal\n", argv[i]);
			status = 1;
		}
	}
	return status;
}
