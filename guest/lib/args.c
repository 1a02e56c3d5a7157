/* args.c: argument helpers: word splitting (lde_split_words) and getopt. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <lde.h>

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int lde_split_words(char *line, char **argv, int max)
{
	int n = 0;
	char *r = line, *w = line;
	for (;;) {
		while (blank(*r))
			r++;
		if (*r == '\0')
			break;
		if (n >= max - 1)
			return -1;
		argv[n++] = w;
		int quoted = 0;
		for (; *r && (quoted || !blank(*r)); r++) {
			if (*r == '"') {
				quoted = !quoted;
			} else if (*r == '\\' && r[1]) {
				*w++ = *++r;
			} else {
				*w++ = *r;
			}
		}
		if (quoted)
			return -1;
		/* w never passes r, so terminating here loses nothing unread. */
		int more = *r != '\0';
		*w++ = '\0';
		if (!more)
			break;
		r++;
	}
	if (max > 0)
		argv[n] = NULL;
	return n;
}

char *optarg;
int optind = 1, opterr = 1, optopt;
static int optpos = 1; /* position inside a cluster like -abc */

int getopt(int argc, char *const argv[], const char *optstring)
{
	int colon = optstring[0] == ':';
	if (optind >= argc || argv[optind] == NULL || argv[optind][0] != '-' ||
	    argv[optind][1] == '\0')
		return -1;
	if (strcmp(argv[optind], "--") == 0) {
		optind++;
		return -1;
	}
	int c = (unsigned char)argv[optind][optpos++];
	const char *spec = c == ':' ? NULL : strchr(optstring + colon, c);
	int last = argv[optind][optpos] == '\0';
	if (spec == NULL) {
		optopt = c;
		if (opterr && !colon)
			fprintf(stderr, "%s: unknown option -%c\n", argv[0], c);
		if (last) {
			optind++;
			optpos = 1;
		}
		return '?';
	}
	if (spec[1] != ':') {
		if (last) {
			optind++;
			optpos = 1;
		}
		return c;
	}
	/* An option with an argument: the rest of this word, or the next word. */
	if (!last) {
		optarg = &argv[optind][optpos];
	} else if (optind + 1 < argc) {
		optarg = argv[++optind];
	} else {
		optopt = c;
		optind++;
		optpos = 1;
		if (colon)
			return ':';
		if (opterr)
			fprintf(stderr, "%s: option -%c needs an argument\n", argv[0], c);
		return '?';
	}
	optind++;
	optpos = 1;
	return c;
}
