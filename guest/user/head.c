/*
 * head [-n N | -N] [FILE...]: the first N lines (10) of each file, or of
 * standard input.  With several files each gets a "==> NAME <==" header.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copy up to n lines from fd (whatever else the last read brought in is
 * dropped). */
static int head(int fd, long n)
{
	char buf[1024];
	long lines = 0;
	while (lines < n) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		ssize_t k = 0;
		while (k < r && lines < n)
			if (buf[k++] == '\n')
				lines++;
		if (fwrite(buf, 1, (size_t)k, stdout) != (size_t)k)
			return -1;
	}
	return fflush(stdout);
}

int main(int argc, char *argv[])
{
	long n = 10;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		char *end;
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			n = strtol(argv[++i], &end, 10);
		} else if (argv[i][1] >= '0' && argv[i][1] <= '9') {
			n = strtol(argv[i] + 1, &end, 10);
		} else {
			fprintf(stderr, "usage: head [-n N | -N] [FILE...]\n");
			return 2;
		}
		if (*end || n < 0) {
			fprintf(stderr, "head: %s: not a line count\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc)
		return head(0, n) < 0 ? 1 : 0;
	int status = 0;
	for (int first = i; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (argc - first > 1)
			printf("%s==> %s <==\n", i > first ? "\n" : "", argv[i]);
		if (fd < 0 || head(fd, n) < 0) {
			fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
		if (fd > 0)
			close(fd);
	}
	return status;
}
