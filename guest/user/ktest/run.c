/*
 * run.c: the runner of ktest's case tables (ktest.h).
 */
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"

#define EXIT_PASS 100
#define EXIT_FAIL 101

const char *ktest_status(int st)
{
	static char buf[48];

	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof buf, "status %#x", st);
	return buf;
}

static int wanted(const char *name, int argc, char **argv)
{
	if (argc == 0)
		return 1;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int ktest_run(const struct kcase *cases, size_t n, int argc, char **argv)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct kcase *k = &cases[i];
		if (!wanted(k->name, argc, argv))
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			char why[WHYLEN] = "";
			int r = k->fn(why);
			if (r)
				printf("ktest: FAIL %s (%s)\n", k->name, why);
			else
				printf("ktest: PASS %s\n", k->name);
			fflush(stdout);
			_exit(r ? EXIT_FAIL : EXIT_PASS);
		}
		int st;
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			printf("ktest: FAIL %s (fork or wait failed)\n", k->name);
			failed++;
			continue;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_PASS)
			continue;
		failed++;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != EXIT_FAIL)
			printf("ktest: FAIL %s (the case's process ended: %s)\n", k->name,
			       ktest_status(st));
	}
	printf("ktest: %d failed\n", failed);
	return failed > 100 ? 100 : failed;
}
