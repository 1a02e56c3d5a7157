/*
 * hw1: OSTEP chapter 5, homework (code) question 1.
 *
 *   "Write a program that calls fork().  Before calling fork(), have the
 *   main process access a variable (e.g., x) and set its value to
 *   something (e.g., 100).  What value is the variable in the child
 *   process?  What happens to the variable when both the child and parent
 *   change the value of x?"
 *
 * Answer shown: the child starts with a copy of x (100).  Afterwards the
 * two copies are separate: each process sees only its own change, even
 * though &x is the same virtual address in both -- fork copied the
 * address space (lde's kernel copies a page when one of them first writes
 * it), it did not share it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int x = 100;
	printf("hw1: before fork, x = %d (pid:%d)\n", x, (int)getpid());
	pid_t rc = fork();
	if (rc < 0) {
		perror("fork");
		exit(1);
	}
	if (rc == 0) {
		printf("child:  x = %d at %p right after fork\n", x, (void *)&x);
		x += 1;
		printf("child:  x = %d after x += 1\n", x);
		exit(0);
	}
	wait(NULL); /* let the child go first, so the lines read in order */
	printf("parent: x = %d at %p: the child's change did not reach us\n", x, (void *)&x);
	x += 10;
	printf("parent: x = %d after x += 10\n", x);
	return 0;
}
