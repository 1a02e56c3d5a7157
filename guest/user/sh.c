/*
 * sh: lde's shell (OSTEP chapter 5's fork/exec/wait loop, grown up).
 *
 *   sh                      commands from standard input; at a terminal
 *                           it prompts and does job control
 *   sh -c 'CMDS' [NAME ARGS...]   run CMDS ($0 = NAME, $1... = ARGS)
 *   sh FILE [ARGS...]       run the commands in FILE
 *   sh -i ...               interactive even when input is not a terminal
 *
 * The exit status is the last command's ($?), or the N of `exit N`.
 * The pieces are in guest/user/sh/ (sh.h lists them and the grammar).
 *
 * Reading: at a terminal the console's cooked mode delivers a line per
 * read.  From a pipe the shell reads one byte at a time, so it never
 * consumes input meant for the commands it runs (`printf 'cat\nhi\n' |
 * sh`: cat reads "hi").  A command is run as soon as it is complete; an
 * open quote, a trailing backslash, |, && or || asks for more lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lde.h>
#include "sh/sh.h"

struct shell sh = {.script_fd = -1, .tty = -1};

/* --- arena -------------------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) char mem[];
};
static struct chunk *chunks;

void *sh_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (chunks == NULL || chunks->size - chunks->used < n) {
		size_t size = n > 16384 ? n : 16384;
		struct chunk *c = malloc(sizeof *c + size);
		if (c == NULL) {
			sh_error("out of memory");
			sh_exit(2);
		}
		c->next = chunks;
		c->used = 0;
		c->size = size;
		chunks = c;
	}
	void *p = chunks->mem + chunks->used;
	chunks->used += n;
	memset(p, 0, n);
	return p;
}

char *sh_strndup(const char *s, size_t n)
{
	char *d = sh_alloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void sh_arena_reset(void)
{
	while (chunks) {
		struct chunk *next = chunks->next;
		free(chunks);
		chunks = next;
	}
}

void sb_addc(struct sbuf *b, char c)
{
	if (b->len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *s = sh_alloc(cap);
		if (b->len)
			memcpy(s, b->s, b->len);
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sb_adds(struct sbuf *b, const char *s)
{
	while (*s)
		sb_addc(b, *s++);
}

const char *sb_str(struct sbuf *b)
{
	return b->s ? b->s : "";
}

/* --- messages and leaving ------------------------------------------------------- */

void sh_error(const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "sh: %s\n", msg);
}

_Noreturn void sh_exit(int status)
{
	exit(status & 0xff);
}

/* --- input ------------------------------------------------------------------------ */

struct reader {
	int fd;
	bool bytewise; /* a pipe or the console: never read past the line */
	char buf[512];
	size_t pos, len;
	bool eof;
};

enum line_result { LINE_OK, LINE_EOF, LINE_INTR };

/* Append one line (with its newline, if it had one) to *acc. */
static enum line_result read_line(struct reader *r, char **acc, size_t *len, size_t *cap)
{
	for (;;) {
		if (r->pos == r->len) {
			if (r->eof)
				return LINE_EOF;
			ssize_t n = read(r->fd, r->buf, r->bytewise ? 1 : sizeof r->buf);
			if (n < 0 && errno == EINTR) {
				if (sh.got_sigint)
					return LINE_INTR;
				continue;
			}
			if (n <= 0) {
				if (n < 0)
					sh_error("read: %s", strerror(errno));
				r->eof = true;
				return *len ? LINE_OK : LINE_EOF; /* a last line without newline */
			}
			r->pos = 0;
			r->len = (size_t)n;
		}
		char c = r->buf[r->pos++];
		if (*len + 2 > *cap) {
			*cap = *cap ? *cap * 2 : 256;
			char *bigger = realloc(*acc, *cap);
			if (bigger == NULL) {
				sh_error("out of memory");
				sh_exit(2);
			}
			*acc = bigger;
		}
		(*acc)[(*len)++] = c;
		(*acc)[*len] = '\0';
		if (c == '\n')
			return LINE_OK;
	}
}

static void prompt(bool more)
{
	const char *p = getenv(more ? "PS2" : "PS1");
	fputs(p ? p : more ? "> " : "$ ", stderr);
}

/* Parse and run one complete text; returns PARSE_OK or the failure. */
static enum parse_status run_text(const char *text, bool at_end)
{
	char err[160];
	struct list l;
	enum parse_status st = sh_parse(text, &l, err, sizeof err);
	if (st == PARSE_MORE && at_end) {
		sh_error("syntax error: unexpected end of input");
		st = PARSE_ERROR;
	} else if (st == PARSE_ERROR) {
		sh_error("%s", err);
	}
	if (st == PARSE_OK)
		sh_run_list(&l);
	else if (st == PARSE_ERROR)
		sh.status = 2;
	sh_arena_reset();
	return st;
}

/* The read-parse-run loop over fd. */
static void run_input(int fd)
{
	struct reader r = {.fd = fd, .bytewise = fd == 0 && !isatty(0)};
	char *acc = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (sh.interactive) {
			if (len == 0)
				jobs_notify();
			prompt(len > 0);
		}
		sh.got_sigint = 0;
		enum line_result lr = read_line(&r, &acc, &len, &cap);
		if (lr == LINE_INTR) { /* ^C at the prompt: drop what was typed */
			len = 0;
			sh.status = 130;
			continue;
		}
		if (lr == LINE_EOF && len == 0)
			break;
		enum parse_status st = run_text(acc, lr == LINE_EOF || r.eof);
		if (st == PARSE_MORE)
			continue; /* keep what we have, read the next line */
		len = 0;
		if (st == PARSE_ERROR && !sh.interactive)
			sh_exit(2); /* as POSIX shells: a script with a syntax error stops */
	}
	free(acc);
	if (sh.interactive)
		fputs("exit\n", stderr);
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: sh [-i] [-c COMMANDS [NAME [ARG...]] | FILE [ARG...]]\n");
	exit(2);
}

int main(int argc, char *argv[])
{
	bool force_i = false;
	const char *cmds = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "-i") == 0) {
			force_i = true;
		} else if (strcmp(argv[i], "-c") == 0) {
			if (++i >= argc)
				usage();
			cmds = argv[i];
		} else {
			usage();
		}
	}
	sh.arg0 = argv[0];
	if (getenv("PATH") == NULL)
		setenv("PATH", "/bin", 1);

	int fd = 0;
	if (cmds == NULL && i < argc) { /* sh FILE ARGS */
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			sh_error("%s: %s", argv[i], strerror(errno));
			return 127;
		}
		sh.script_fd = fd;
		sh.arg0 = argv[i++];
	} else if (cmds && i < argc) { /* sh -c CMDS NAME ARGS */
		sh.arg0 = argv[i++];
	}
	sh.args = argv + i;
	sh.nargs = argc - i;

	sh.interactive = force_i || (cmds == NULL && sh.script_fd < 0 && isatty(0));
	if (sh.interactive && isatty(0)) {
		/* Job control: a process group of our own, in the foreground. */
		sh.jobctl = true;
		sh.tty = 0;
		setpgid(0, 0);
		sh.pgid = getpgrp();
		tcsetpgrp(sh.tty, sh.pgid);
	}
	sh_signals_init();

	if (cmds) {
		run_text(cmds, true);
		sh_exit(sh.status);
	}
	run_input(fd);
	sh_exit(sh.status);
}
