/*
 * kill: send a signal to processes or process groups.
 *
 *   kill [-s SIGNAL | -SIGNAL | -N] [--] PID...   default SIGTERM
 *   kill -l [N...]                                 signal names (N: a number or 128 + N)
 *
 * A negative PID names a process group (kill -TERM -- -5, or kill -9 -5).
 * SIGNAL is a name with or without SIG, in any case, or a number.  The
 * shell's built-in kill does the same and also takes job specs (%1);
 * this program is what `exec kill` or another program runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lde.h>

static int usage(void)
{
	fprintf(stderr, "usage: kill [-s SIGNAL | -SIGNAL] PID...\n       kill -l [N...]\n");
	return 2;
}

int main(int argc, char *argv[])
{
	int sig = SIGTERM, i = 1;
	if (i < argc && strcmp(argv[i], "-l") == 0)
		return lde_kill_list(argc - 2, argv + 2);
	if (i < argc && strcmp(argv[i], "-s") == 0) {
		if (i + 1 >= argc)
			return usage();
		if (str2sig(argv[i + 1], &sig) < 0) {
			fprintf(stderr, "kill: %s: no such signal\n", argv[i + 1]);
			return 2;
		}
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
		if (str2sig(argv[i] + 1, &sig) < 0) {
			fprintf(stderr, "kill: %s: no such signal\n", argv[i] + 1);
			return 2;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return usage();
	int status = 0;
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end != '\0') {
			fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: (%ld): %s\n", pid, strerror(errno));
			status = 1;
		}
	}
	return status;
}
