/*
 * hw4: OSTEP chapter 5, homework (code) question 4.
 *
 *   "Write a program that calls fork() and then calls some form of exec()
 *   to run the program /bin/ls.  See if you can try all of the variants of
 *   exec(), including (on Linux) execl(), execle(), execlp(), execv(),
 *   execvp(), and execvpe().  Why do you think there are so many variants
 *   of the same basic call?"
 *
 * Answer shown: each variant runs `ls -l PATH` (default /p1.c) in its own
 * child.  They differ in three independent choices, which is why there
 * are six: the arguments as a list in the call (l) or an array built at
 * run time (v); the program by full path, or a name searched in $PATH
 * (p); the caller's environment, or one passed explicitly (e).  All six
 * end in the one system call, execve, in lde's libc (guest/lib/exec.c).
 *
 *   hw4 [PATH]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *path;
static char *env[] = {"PATH=/bin", "HW4=passed by execle/execvpe", NULL};

static void run(const char *how, int variant)
{
	printf("--- %s\n", how);
	fflush(stdout);
	pid_t rc = fork();
	if (rc < 0) {
		perror("fork");
		exit(1);
	}
	if (rc == 0) {
		char *argv[] = {"ls", "-l", path, NULL};
		switch (variant) {
		case 0:
			execl("/bin/ls", "ls", "-l", path, (char *)NULL);
			break;
		case 1:
			execle("/bin/ls", "ls", "-l", path, (char *)NULL, env);
			break;
		case 2:
			execlp("ls", "ls", "-l", path, (char *)NULL);
			break;
		case 3:
			execv("/bin/ls", argv);
			break;
		case 4:
			execvp("ls", argv);
			break;
		case 5:
			execvpe("ls", argv, env);
			break;
		}
		perror("exec"); /* only if it failed */
		exit(127);
	}
	waitpid(rc, NULL, 0);
}

int main(int argc, char *argv[])
{
	path = argc > 1 ? argv[1] : "/p1.c";
	run("execl(\"/bin/ls\", \"ls\", \"-l\", path, NULL): path, list", 0);
	run("execle(\"/bin/ls\", \"ls\", \"-l\", path, NULL, envp): path, list, environment", 1);
	run("execlp(\"ls\", \"ls\", \"-l\", path, NULL): searched in $PATH, list", 2);
	run("execv(\"/bin/ls\", argv): path, array", 3);
	run("execvp(\"ls\", argv): searched in $PATH, array", 4);
	run("execvpe(\"ls\", argv, envp): searched, array, environment", 5);
	return 0;
}
