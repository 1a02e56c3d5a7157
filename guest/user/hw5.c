/*
 * hw5: OSTEP chapter 5, homework (code) question 5.
 *
 *   "Now write a program that uses wait() to wait for the child process
 *   to finish in the parent.  What does wait() return?  What happens if
 *   you use wait() in the child?"
 *
 * Answer shown: in the parent, wait() returns the pid of the child it
 * reaped, and fills in its status (here: exited with 3).  In the child,
 * which has no children of its own, wait() returns -1 at once with errno
 * ECHILD: there is nothing to wait for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t rc = fork();
	if (rc < 0) {
		perror("fork");
		exit(1);
	}
	if (rc == 0) {
		int r = wait(NULL);
		int e = errno;
		printf("child (pid:%d): wait() returned %d, errno %d (%s)\n", (int)getpid(), r, e,
		       strerror(e));
		exit(3);
	}
	int status;
	pid_t r = wait(&status);
	printf("parent: fork returned %d; wait() returned %d", (int)rc, (int)r);
	if (WIFEXITED(status))
		printf(", the child exited with %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf(", the child was killed by signal %d\n", WTERMSIG(status));
	r = wait(&status);
	printf("parent: wait() again returned %d, errno %d (%s): no children left\n", (int)r, errno,
	       strerror(errno));
	return 0;
}
