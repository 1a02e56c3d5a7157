/*
 * p4: redirection (OSTEP chapter 5, Figure 5.4).  The child closes its
 * standard output, so the next open() gets descriptor 1; the program it
 * execs (`wc p4.c`) then writes into ./p4.output without knowing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <fcntl.h>
#include <assert.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void)
{
	int rc = fork();
	if (rc < 0) {
		fprintf(stderr, "fork failed\n");
		exit(1);
	}
	if (rc == 0) {
		close(STDOUT_FILENO);
		open("./p4.output", O_CREAT | O_WRONLY | O_TRUNC, S_IRWXU); /* becomes fd 1 */
		char *args[] = {strdup("wc"), strdup("p4.c"), NULL};
		execvp(args[0], args);
		perror("p4: exec wc");
		exit(127);
	} else {
		int wc = wait(NULL);
		assert(wc >= 0);
	}
	return 0;
}
