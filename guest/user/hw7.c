/*
 * hw7: OSTEP chapter 5, homework (code) question 7.
 *
 *   "Write a program that creates a child process, and then in the child
 *   closes standard output (STDOUT_FILENO).  What happens if the child
 *   calls printf() to print some output after closing the descriptor?"
 *
 * Answer shown: nothing appears.  printf formats into stdio's buffer;
 * when the buffer is written out, write(1, ...) fails with EBADF (there
 * is no descriptor 1 any more), so the text is lost.  printf reports the
 * failure (here, with stdout line buffered, as a negative return), and
 * the child passes that back to the parent in its exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	printf("hw7: the child closes stdout, then calls printf\n");
	pid_t rc = fork();
	if (rc < 0) {
		perror("fork");
		exit(1);
	}
	if (rc == 0) {
		close(STDOUT_FILENO);
		int r = printf("child: can you see me?\n");
		int e = errno;
		fprintf(stderr, "child (on stderr): printf returned %d, errno %d (%s)\n", r, e,
		        strerror(e));
		_exit(r < 0 ? 1 : 0);
	}
	int st;
	waitpid(rc, &st, 0);
	printf("parent: the child's line never appeared; it exited with %d\n", WEXITSTATUS(st));
	return 0;
}
