/* pwd: the current directory (the shell has a built-in pwd too). */
#include <stdio.h>
#include <unistd.h>
#include <lde/fs.h>

int main(void)
{
	char buf[LDE_PATH_MAX];
	if (getcwd(buf, sizeof buf) == NULL) {
		perror("pwd");
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}
