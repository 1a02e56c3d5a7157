/*
 * wc [-l] [-w] [-c] [FILE...]: lines, words and bytes of each file
 * (standard input if none), as "L W C NAME", and a total line for more
 * than one file.  -l, -w, -c choose which counts to show (in that order).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
	unsigned long lines, words, bytes;
};

static int count(int fd, struct counts *c)
{
	char buf[1024];
	int inword = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		c->bytes += (unsigned long)n;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)buf[i];
			if (ch == '\n')
				c->lines++;
			if (isspace(ch)) {
				inword = 0;
			} else if (!inword) {
				inword = 1;
				c->words++;
			}
		}
	}
	return n < 0 ? -1 : 0;
}

static int want_lines = 1, want_words = 1, want_bytes = 1;

static void show(const struct counts *c, const char *name)
{
	const char *sep = "";
	if (want_lines) {
		printf("%lu", c->lines);
		sep = " ";
	}
	if (want_words) {
		printf("%s%lu", sep, c->words);
		sep = " ";
	}
	if (want_bytes)
		printf("%s%lu", sep, c->bytes);
	printf("%s%s\n", name ? " " : "", name ? name : "");
}

int main(int argc, char *argv[])
{
	struct counts total = {0, 0, 0};
	int status = 0, c, chosen = 0;
	while ((c = getopt(argc, argv, "lwc")) != -1) {
		if (c == '?') {
			fprintf(stderr, "usage: wc [-l] [-w] [-c] [FILE...]\n");
			return 2;
		}
		if (!chosen++)
			want_lines = want_words = want_bytes = 0;
		want_lines |= c == 'l';
		want_words |= c == 'w';
		want_bytes |= c == 'c';
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2) {
		if (count(0, &total) < 0) {
			fprintf(stderr, "wc: standard input: %s\n", strerror(errno));
			return 1;
		}
		show(&total, NULL);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		struct counts c = {0, 0, 0};
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0 || count(fd, &c) < 0) {
			fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		show(&c, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc > 2)
		show(&total, "total");
	return status;
}
