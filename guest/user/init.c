/*
 * init: process 1.  It reaps every orphan the kernel hands it, and runs
 * either the interactive shell or the demo:
 *
 *   init          /bin/sh if it exists, else the demo
 *   init demo     the demo: runs p1, p2 and p3 one after the other
 *   init sh ARGS  the shell with ARGS
 *
 * With the shell, init exits when the shell does, with the shell's status
 * (128 + signal if it was killed), and the kernel powers off with it.
 * init ignores the signals a console or a stray kill sends (SIGINT,
 * SIGQUIT, SIGTSTP, SIGTERM), as process 1 must not die of them: its
 * children get the default actions back before they exec.
 * After the demo it waits for every remaining process, then exits 0 if
 * each program exited 0, else 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL "/bin/sh"

static const char *const demo[] = {"p1", "p2", "p3"};

static const int ignored[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTERM};

static void set_signals(sighandler_t how)
{
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		signal(ignored[i], how);
}

static pid_t spawn(const char *path, char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		set_signals(SIG_DFL);
		execv(path, argv);
		fprintf(stderr, "init: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return pid;
}

/* Reap children until `pid` is among them (orphans are reaped on the
 * way); returns its status as a shell would: the exit status, or 128 +
 * the signal.  -1 if it is not our child. */
static int reap_until(pid_t pid)
{
	for (;;) {
		int st;
		pid_t r = wait(&st);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

static int run_demo(void)
{
	int failed = 0;
	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		char path[32];
		snprintf(path, sizeof path, "/bin/%s", demo[i]);
		char *argv[] = {(char *)demo[i], NULL};
		printf("init: running %s\n", demo[i]);
		pid_t pid = spawn(path, argv);
		int st = pid < 0 ? -1 : reap_until(pid);
		if (st != 0) {
			printf("init: %s ended with status %d\n", demo[i], st);
			failed = 1;
		}
	}
	while (wait(NULL) > 0 || errno == EINTR) /* orphans still running */
		;
	printf("init: demo done\n");
	return failed;
}

static int run_shell(char **argv)
{
	pid_t pid = spawn(SHELL, argv);
	if (pid < 0)
		return 127;
	return reap_until(pid);
}

int main(int argc, char *argv[])
{
	setenv("PATH", "/bin", 0);
	setenv("HOME", "/", 0);
	set_signals(SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "demo") == 0)
		return run_demo();
	if (argc > 1 && strcmp(argv[1], "sh") == 0) {
		argv[1] = "sh";
		return run_shell(argv + 1);
	}
	struct stat st;
	if (stat(SHELL, &st) == 0) {
		char *sh_argv[] = {"sh", NULL};
		return run_shell(sh_argv);
	}
	return run_demo();
}
