/*
 * p3: fork, exec, wait (OSTEP chapter 5, Figure 5.3).  The child replaces
 * its program with `wc p3.c`: same pid, new code; exec returns only if it
 * failed.  The parent waits for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

int main(void)
{
	printf("hello world (pid:%d)\n", (int)getpid());
	int rc = fork();
	if (rc < 0) {
		fprintf(stderr, "fork failed\n");
		exit(1);
	}
	if (rc == 0) {
		printf("hello, I am child (pid:%d)\n", (int)getpid());
		char *args[] = {strdup("wc"), strdup("p3.c"), NULL};
		execvp(args[0], args); /* found in $PATH, /bin by default */
		perror("p3: exec wc");
		exit(127);
	} else {
		int wc = wait(NULL);
		printf("hello, I am parent of %d (wc:%d) (pid:%d)\n", rc, wc, (int)getpid());
	}
	return 0;
}
