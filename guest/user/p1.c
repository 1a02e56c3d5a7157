/*
 * p1: one fork (OSTEP chapter 5, Figure 5.1).  After fork() two processes
 * run the same code; only fork's return value tells them apart, and the
 * scheduler decides which prints first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	printf("hello, world (pid:%d)\n", (int)getpid());
	int rc = fork();
	if (rc < 0) {
		fprintf(stderr, "fork failed\n");
		exit(1);
	}
	if (rc == 0) /* the new process */
		printf("hello, I am child (pid:%d)\n", (int)getpid());
	else /* the original one: rc is the child's pid */
		printf("hello, I am parent of %d (pid:%d)\n", rc, (int)getpid());
	return 0;
}
