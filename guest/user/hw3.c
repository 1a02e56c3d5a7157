/*
 * hw3: OSTEP chapter 5, homework (code) question 3.
 *
 *   "Write another program using fork().  The child process should print
 *   "hello"; the parent process should print "goodbye".  You should try
 *   to ensure that the child process always prints first; can you do this
 *   without calling wait() in the parent?"
 *
 * Answer shown: yes.  The parent blocks reading a pipe; the child writes
 * one byte into it after printing "hello".  The read cannot return before
 * that write, so "goodbye" always comes second, whatever the scheduler
 * does -- and the parent still reaps the child at the end, so it leaves
 * no zombie.  (A signal works too: the child kill()s the parent, which
 * waits in pause() -- but the signal must be blocked before fork, or it
 * can arrive before pause and be missed.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		exit(1);
	}
	pid_t rc = fork();
	if (rc < 0) {
		perror("fork");
		exit(1);
	}
	if (rc == 0) {
		close(p[0]);
		printf("hello\n");
		fflush(stdout);
		write(p[1], "x", 1); /* "I have printed" */
		exit(0);
	}
	close(p[1]);
	char c;
	if (read(p[0], &c, 1) != 1) /* blocks until the child has printed */
		fprintf(stderr, "hw3: the child ended without a word\n");
	printf("goodbye\n");
	waitpid(rc, NULL, 0); /* after printing, only to reap it */
	return 0;
}
