/* echo [-n] [WORD...]: the words, separated by spaces, then a newline unless -n. */
#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
	int i = 1, newline = 1;
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (int first = i; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (newline)
		putchar('\n');
	if (fflush(stdout) != 0 || ferror(stdout)) { /* e.g. echo hi >&- */
		perror("echo: write error");
		return 1;
	}
	return 0;
}
