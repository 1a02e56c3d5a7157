/*
 * p2: fork, then wait (OSTEP chapter 5, Figure 5.2).  The parent blocks in
 * wait() until the child has exited, so the child's line always comes
 * first, even though the child sleeps a second before exiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
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
		sleep(1);
	} else {
		int wc = wait(NULL); /* the pid of the child reaped */
		printf("hello, I am parent of %d (wc:%d) (pid:%d)\n", rc, wc, (int)getpid());
	}
	return 0;
}
