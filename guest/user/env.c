/*
 * env [NAME=VALUE...] [COMMAND [ARG...]]: with no command, print the
 * environment (after the assignments); with one, run it with them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	int i = 1;
	for (; i < argc && strchr(argv[i], '=') && argv[i][0] != '='; i++) {
		char *eq = strchr(argv[i], '=');
		*eq = '\0';
		setenv(argv[i], eq + 1, 1);
	}
	if (i == argc) {
		for (char **e = environ; *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "env: %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
