/*
 * hw6: OSTEP chapter 5, homework (code) question 6.
 *
 *   "Write a slight modification of the previous program, this time using
 *   waitpid() instead of wait().  When would waitpid() be useful?"
 *
 * Answer shown: with two children, waitpid(pid, ...) waits for the one
 * named, even though the other ends first; and waitpid with WNOHANG
 * returns 0 at once while the child still runs, so a program (a shell
 * with background jobs, say) can check on a child without blocking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>

static pid_t child(int ms, int code)
{
	pid_t rc = fork();
	if (rc < 0) {
		perror("fork");
		exit(1);
	}
	if (rc == 0) {
		msleep((unsigned)ms);
		exit(code);
	}
	return rc;
}

int main(void)
{
	pid_t fast = child(0, 1), slow = child(300, 2);
	printf("hw6: children %d (ends at once) and %d (ends after 300 ms)\n", (int)fast,
	       (int)slow);

	int st;
	pid_t r = waitpid(slow, &st, WNOHANG);
	printf("waitpid(%d, WNOHANG) = %d: still running, we did not block\n", (int)slow, (int)r);
	r = waitpid(slow, &st, 0);
	printf("waitpid(%d) = %d, exit status %d: the slow one, though the fast one ended first\n",
	       (int)slow, (int)r, WEXITSTATUS(st));
	r = waitpid(fast, &st, 0);
	printf("waitpid(%d) = %d, exit status %d: the fast one waited for us as a zombie\n",
	       (int)fast, (int)r, WEXITSTATUS(st));
	return 0;
}
