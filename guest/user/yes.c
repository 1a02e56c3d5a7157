/*
 * yes [WORD...]: print "y" (or the words) on a line, forever -- until
 * the reader goes away (SIGPIPE, or EPIPE when that is ignored) or a
 * signal stops it.  Lines go out in 4 KiB writes.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	char line[256] = "y";
	if (argc > 1) {
		line[0] = '\0';
		for (int i = 1; i < argc; i++) {
			if (strlen(line) + strlen(argv[i]) + 2 >= sizeof line)
				break;
			if (i > 1)
				strcat(line, " ");
			strcat(line, argv[i]);
		}
	}
	strcat(line, "\n");
	static char buf[4096];
	size_t len = strlen(line), n = 0;
	while (n + len <= sizeof buf) {
		memcpy(buf + n, line, len);
		n += len;
	}
	for (;;)
		for (size_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, n - off);
			if (w <= 0)
				return 1;
			off += (size_t)w;
		}
}
