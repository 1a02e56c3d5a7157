/*
 * t_tty.c: the console's control calls (include/lde/tty.h) as the shell
 * and top use them, and the shell itself run by fork/exec (issue 4).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

/* fd 0 is the console.  When the host's input is a file or a pipe the
 * console may say it is no terminal: then every control call must say
 * so too (ENOTTY), and that is what these tests check instead. */
#define NEED_CONSOLE()                                                                             \
	do {                                                                                       \
		long m_ = lde_syscall(SYS_ioctl, 0, LDE_TCGETMODE, 0);                             \
		NEED(m_, "ioctl");                                                                 \
		if (m_ == -ENOTTY)                                                                 \
			return not_a_terminal();                                                   \
	} while (0)

static int not_a_terminal(void)
{
	static const unsigned long reqs[] = {LDE_TCGETMODE, LDE_TCSETMODE, LDE_TIOCGPGRP,
	                                     LDE_TIOCSPGRP};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		long r = lde_syscall(SYS_ioctl, 0, reqs[i], 0);
		CHECK(r == -ENOTTY, "request %lu on a console that is no terminal: %ld", reqs[i],
		      r);
	}
	CHECK(!isatty(0), "isatty(0) on a console that is no terminal");
	return ut_note("the console is not a terminal here: ENOTTY throughout");
}

int t_tty_mode(void)
{
	NEED_CONSOLE();
	CHECK(lde_tty_getmode(0) == LDE_TTY_COOKED, "the console starts in mode %d, want cooked",
	      lde_tty_getmode(0));
	CHECK(isatty(0) && isatty(1), "isatty(0) %d, isatty(1) %d", isatty(0), isatty(1));
	int old = lde_tty_setmode(0, LDE_TTY_RAW);
	CHECK(old == LDE_TTY_COOKED, "setmode returned %d, want the old mode (cooked)", old);
	int now = lde_tty_getmode(0);
	lde_tty_setmode(0, LDE_TTY_COOKED); /* before any CHECK can leave it raw */
	CHECK(now == LDE_TTY_RAW, "mode %d after setting raw", now);
	CHECK(lde_tty_getmode(0) == LDE_TTY_COOKED, "cooked mode not restored");
	errno = 0;
	CHECK(lde_ioctl(0, LDE_TCSETMODE, 7) == -1 && errno == EINVAL, "mode 7: errno %d", errno);
	errno = 0;
	CHECK(lde_ioctl(0, 999, 0) == -1 && errno == EINVAL, "request 999: errno %d", errno);
	/* Anything else is not a terminal. */
	int fd = open("/p1.c", O_RDONLY);
	if (fd >= 0) {
		errno = 0;
		CHECK(!isatty(fd) && errno == ENOTTY, "a file is a terminal? errno %d", errno);
		close(fd);
	}
	int p[2];
	if (pipe(p) == 0) {
		errno = 0;
		CHECK(!isatty(p[0]) && errno == ENOTTY, "a pipe is a terminal? errno %d", errno);
		close(p[0]);
		close(p[1]);
	}
	errno = 0;
	CHECK(lde_ioctl(99, LDE_TCGETMODE, 0) == -1 && errno == EBADF, "fd 99: errno %d", errno);
	return ut_pass();
}

int t_tty_pgrp(void)
{
	NEED_CONSOLE();
	NEED(lde_syscall(SYS_setpgid, 0, 0) == -ENOSYS ? -ENOSYS : 0, "setpgid");
	pid_t orig = tcgetpgrp(0);
	CHECK(orig >= 0, "tcgetpgrp: %s", strerror(errno));
	pid_t kid = fork();
	CHECK(kid >= 0, "fork: %s", strerror(errno));
	if (kid == 0) {
		setpgid(0, 0);
		msleep(2000);
		_exit(0);
	}
	setpgid(kid, kid);
	int r = tcsetpgrp(0, kid);
	pid_t fg = tcgetpgrp(0);
	errno = 0;
	int bad = tcsetpgrp(0, -5);
	int bad_errno = errno;
	/* Give the console back before judging: our caller's ^C depends on it. */
	tcsetpgrp(0, orig > 0 ? orig : getpgrp());
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	CHECK(r == 0, "tcsetpgrp(child's group): %s", strerror(errno));
	CHECK(fg == kid, "foreground group %d, want %d", fg, kid);
	CHECK(bad == -1 && bad_errno == EINVAL, "tcsetpgrp(-5): %d, errno %d", bad, bad_errno);
	CHECK(tcgetpgrp(0) == (orig > 0 ? orig : getpgrp()), "foreground group not restored");
	return ut_pass();
}

/* --- the shell ------------------------------------------------------------ */

/* Run sh -c CMD with stdout and stderr into a pipe; the output into out. */
static int sh_run(const char *cmd, char *out, size_t size, int *status)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(98);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	return waitpid(pid, status, 0) == pid ? 0 : -1;
}

int t_sh_smoke(void)
{
	NEED(lde_syscall(SYS_pipe, NULL) == -ENOSYS ? -ENOSYS : 0, "pipe");
	NEED(lde_syscall(SYS_sigaction, SIGUSR2, NULL, NULL), "sigaction");
	int probe = open("/tmp-ut-sh", O_CREAT | O_WRONLY, 0644);
	if (probe < 0 && errno == EROFS)
		return ut_skip("the file system is read-only (EROFS)");
	if (probe >= 0)
		close(probe);
	static const struct {
		const char *cmd, *out;
		int status;
	} cases[] = {
	    {"echo a b c | wc", "1 3 6\n", 0},
	    {"echo one; false; echo $?", "one\n1\n", 0},
	    {"true && echo and; false || echo or; ! true", "and\nor\n", 1},
	    {"echo 'single $x' \"double $?\" back\\ slash", "single $x double 0 back slash\n", 0},
	    {"echo a | cat | cat | cat | wc -l", "1\n", 0},
	    {"cat /no-such-file 2>&1 | wc -l", "1\n", 0},
	    {"nosuch-program", "sh: nosuch-program: not found\n", 127},
	    {"exit 7", "", 7},
	    {"spin & kill %1; wait %1; echo $?", "143\n", 0},
	    {"usertests --child segv", "Segmentation fault (signal 11)\n", 139},
	    {"echo x > /tmp-ut-sh && echo y >> /tmp-ut-sh && wc < /tmp-ut-sh; rm /tmp-ut-sh",
	     "2 2 4\n", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[512];
		int st;
		CHECK(sh_run(cases[i].cmd, out, sizeof out, &st) == 0, "sh -c: %s",
		      strerror(errno));
		CHECK(strcmp(out, cases[i].out) == 0, "sh -c '%s' printed \"%s\"", cases[i].cmd,
		      out);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == cases[i].status,
		      "sh -c '%s': %s, want %d", cases[i].cmd, ut_status(st), cases[i].status);
	}
	return ut_pass();
}
