/*
 * hw8: OSTEP chapter 5, homework (code) question 8.
 *
 *   "Write a program that creates two children, and connects the standard
 *   output of one to the standard input of the other, using the pipe()
 *   system call."
 *
 * Answer shown: the parent makes a pipe, then forks twice.  The first
 * child puts the pipe's write end on descriptor 1 (dup2) and prints; the
 * second puts the read end on descriptor 0 and reads.  Neither knows a
 * pipe is involved: that is how the shell runs `a | b`.  Every process
 * closes the ends it does not use -- the reader sees end of file only
 * when no write end is open anywhere.  The writer then execs `echo` to
 * show that the connection survives exec; the reader counts what it got.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		exit(1);
	}
	pid_t writer = fork();
	if (writer < 0) {
		perror("fork");
		exit(1);
	}
	if (writer == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		printf("first child (pid:%d) writes this to its stdout\n", (int)getpid());
		fflush(stdout);
		execlp("echo", "echo", "and echo, exec'd by the first child, writes this",
		       (char *)0);
		perror("exec echo");
		exit(127);
	}
	pid_t reader = fork();
	if (reader < 0) {
		perror("fork");
		exit(1);
	}
	if (reader == 0) {
		dup2(p[0], STDIN_FILENO);
		close(p[0]);
		close(p[1]);
		char line[256];
		int n = 0;
		while (fgets(line, sizeof line, stdin)) {
			n++;
			for (char *c = line; *c; c++)
				*c = (char)toupper((unsigned char)*c);
			printf("second child (pid:%d) read: %s", (int)getpid(), line);
		}
		printf("second child: end of file after %d lines\n", n);
		exit(0);
	}
	close(p[0]); /* else the reader would never see end of file */
	close(p[1]);
	waitpid(writer, NULL, 0);
	waitpid(reader, NULL, 0);
	printf("parent: both children done\n");
	return 0;
}
