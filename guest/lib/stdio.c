/*
 * stdio.c: buffered streams over descriptors.
 *
 * Buffering: stdout is line buffered, stderr unbuffered (a formatted
 * message still goes out in one write), every other stream fully
 * buffered; buffers come from malloc on first use (a stream falls back
 * to unbuffered if malloc fails).  A stream is reading or writing at a
 * time: switching flushes pending output, or gives unread input back
 * with lseek.  Refilling stdin first flushes stdout, so a prompt without
 * a newline shows before the read blocks.  Every open stream is on one
 * list, which __stdio_flushall walks (exit, fork, exec).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fmt.h"
#include "libc.h"

#define F_READ  0x01 /* opened for reading */
#define F_WRITE 0x02 /* opened for writing */
#define F_EOF   0x04
#define F_ERR   0x08
#define F_MYBUF 0x10 /* buf came from malloc */
#define F_OPEN  0x20

struct lde_file {
	int fd;
	int flags;
	int mode;           /* _IOFBF, _IOLBF, _IONBF */
	unsigned char *buf; /* NULL until first use */
	size_t size;
	size_t rpos, rlen;  /* unread input is buf[rpos, rlen) */
	size_t wlen;        /* pending output is buf[0, wlen) */
	int unget;          /* a byte pushed back by ungetc, or EOF */
	struct lde_file *next;
};

static struct lde_file std_in = {0, F_READ | F_OPEN, _IOLBF, 0, 0, 0, 0, 0, EOF, 0};
static struct lde_file std_out = {1, F_WRITE | F_OPEN, _IOLBF, 0, 0, 0, 0, 0, EOF, &std_in};
static struct lde_file std_err = {2, F_WRITE | F_OPEN, _IONBF, 0, 0, 0, 0, 0, EOF, &std_out};
FILE *stdin = &std_in, *stdout = &std_out, *stderr = &std_err;
static FILE *streams = &std_err;

/* Give f a buffer unless it is unbuffered; 0 if it has none after. */
static int need_buf(FILE *f)
{
	if (f->buf || f->mode == _IONBF)
		return f->buf != NULL;
	f->buf = malloc(BUFSIZ);
	if (f->buf == NULL) {
		f->mode = _IONBF;
		return 0;
	}
	f->size = BUFSIZ;
	f->flags |= F_MYBUF;
	return 1;
}

/* write() all of it, retrying after partial writes and EINTR. */
static int write_all(FILE *f, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = write(f->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->flags |= F_ERR;
			return EOF;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_out(FILE *f)
{
	size_t n = f->wlen;
	f->wlen = 0;
	return n ? write_all(f, f->buf, n) : 0;
}

/* Drop buffered input, moving the descriptor back to the first unread byte. */
static void drop_input(FILE *f)
{
	size_t unread = f->rlen - f->rpos + (f->unget != EOF);
	if (unread)
		lseek(f->fd, -(off_t)unread, SEEK_CUR); /* fails harmlessly on pipes, consoles */
	f->rpos = f->rlen = 0;
	f->unget = EOF;
}

int fflush(FILE *f)
{
	if (f == NULL) {
		int r = 0;
		for (FILE *s = streams; s; s = s->next)
			if (s->wlen && fflush(s) == EOF)
				r = EOF;
		return r;
	}
	if (f->wlen)
		return flush_out(f);
	if (f->rlen > f->rpos || f->unget != EOF)
		drop_input(f);
	return 0;
}

void __stdio_flushall(void)
{
	fflush(NULL);
}

/* Output */

static int put_bytes(FILE *f, const void *p, size_t n)
{
	if (!(f->flags & F_WRITE)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	if (f->rlen > f->rpos || f->unget != EOF)
		drop_input(f);
	if (!need_buf(f)) {
		return write_all(f, p, n);
	}
	if (f->wlen + n > f->size) {
		if (flush_out(f) == EOF)
			return EOF;
		if (n >= f->size)
			return write_all(f, p, n); /* too big to buffer */
	}
	memcpy(f->buf + f->wlen, p, n);
	f->wlen += n;
	if (f->mode == _IOLBF && memchr(p, '\n', n))
		return flush_out(f);
	return 0;
}

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	if (size == 0 || n == 0)
		return 0;
	if (n > SIZE_MAX / size) {
		errno = EINVAL;
		return 0;
	}
	return put_bytes(f, p, size * n) == EOF ? 0 : n;
}

int fputc(int c, FILE *f)
{
	unsigned char b = (unsigned char)c;
	return put_bytes(f, &b, 1) == EOF ? EOF : b;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *restrict s, FILE *restrict f)
{
	return put_bytes(f, s, strlen(s)) == EOF ? EOF : 0;
}

int puts(const char *s)
{
	if (fputs(s, stdout) == EOF)
		return EOF;
	return fputc('\n', stdout) == EOF ? EOF : 0;
}

/* Formatted output: a buffered stream takes the pieces directly; an
 * unbuffered one collects them on the stack and writes in one go. */
struct fsink {
	FILE *f;
	int err;
	size_t len;
	char tmp[256];
};

static void file_sink(void *ctx, const char *s, size_t n)
{
	struct fsink *k = ctx;
	if (k->f->mode != _IONBF) {
		if (put_bytes(k->f, s, n) == EOF)
			k->err = 1;
		return;
	}
	if (k->len + n > sizeof k->tmp) {
		if (k->len && write_all(k->f, k->tmp, k->len) == EOF)
			k->err = 1;
		k->len = 0;
		if (n > sizeof k->tmp) {
			if (write_all(k->f, s, n) == EOF)
				k->err = 1;
			return;
		}
	}
	memcpy(k->tmp + k->len, s, n);
	k->len += n;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	if (!(f->flags & F_WRITE)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return -1;
	}
	need_buf(f);
	struct fsink k;
	k.f = f;
	k.err = 0;
	k.len = 0;
	int r = lde_vformat(file_sink, &k, fmt, ap);
	if (k.len && write_all(f, k.tmp, k.len) == EOF)
		k.err = 1;
	return k.err ? -1 : r;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

/* dprintf: an unbuffered stream on fd, on the stack. */
int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	struct lde_file f = {fd, F_WRITE | F_OPEN, _IONBF, 0, 0, 0, 0, 0, EOF, 0};
	return vfprintf(&f, fmt, ap);
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

void perror(const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(errno));
	else
		fprintf(stderr, "%s\n", strerror(errno));
}

/* Input */

/* Read more input into the buffer: 1 if some arrived, 0 at EOF or error. */
static int refill(FILE *f)
{
	if (f == stdin)
		fflush(stdout);
	if (f->wlen && flush_out(f) == EOF)
		return 0;
	unsigned char one;
	unsigned char *dst = need_buf(f) ? f->buf : &one;
	size_t cap = f->buf ? f->size : 1;
	ssize_t r = read(f->fd, dst, cap);
	if (r <= 0) {
		f->flags |= r == 0 ? F_EOF : F_ERR;
		return 0;
	}
	if (dst == &one) {
		f->unget = one; /* unbuffered: hand the byte over through unget */
		return 1;
	}
	f->rpos = 0;
	f->rlen = (size_t)r;
	return 1;
}

int fgetc(FILE *f)
{
	if (!(f->flags & F_READ)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	for (;;) {
		if (f->unget != EOF) {
			int c = f->unget;
			f->unget = EOF;
			return c;
		}
		if (f->rpos < f->rlen)
			return f->buf[f->rpos++];
		if (!refill(f))
			return EOF;
	}
}

int getc(FILE *f)
{
	return fgetc(f);
}

int getchar(void)
{
	return fgetc(stdin);
}

int ungetc(int c, FILE *f)
{
	if (c == EOF || f->unget != EOF)
		return EOF;
	f->unget = (unsigned char)c;
	f->flags &= ~F_EOF;
	return (unsigned char)c;
}

size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	if (size == 0 || n == 0)
		return 0;
	if (n > SIZE_MAX / size) {
		errno = EINVAL;
		return 0;
	}
	unsigned char *d = p;
	size_t want = size * n, got = 0;
	while (got < want) {
		if (f->unget == EOF && f->rpos == f->rlen && f->buf && want - got >= f->size) {
			/* A large read goes straight to the caller's memory. */
			ssize_t r = read(f->fd, d + got, want - got);
			if (r <= 0) {
				f->flags |= r == 0 ? F_EOF : F_ERR;
				break;
			}
			got += (size_t)r;
			continue;
		}
		if (f->rpos < f->rlen) {
			size_t k = f->rlen - f->rpos;
			if (k > want - got)
				k = want - got;
			memcpy(d + got, f->buf + f->rpos, k);
			f->rpos += k;
			got += k;
			continue;
		}
		int c = fgetc(f);
		if (c == EOF)
			break;
		d[got++] = (unsigned char)c;
	}
	return got / size;
}

char *fgets(char *restrict s, int n, FILE *restrict f)
{
	if (n <= 0)
		return NULL;
	int i = 0;
	while (i < n - 1) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (i == 0)
		return NULL;
	s[i] = '\0';
	return s;
}

ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f)
{
	if (line == NULL || cap == NULL) {
		errno = EINVAL;
		return -1;
	}
	size_t len = 0;
	for (;;) {
		int c = fgetc(f);
		if (c == EOF && len == 0)
			return -1;
		if (len + 2 > *cap || *line == NULL) {
			size_t ncap = *cap < 64 ? 64 : *cap * 2;
			char *p = realloc(*line, ncap);
			if (p == NULL)
				return -1;
			*line = p;
			*cap = ncap;
		}
		if (c == EOF)
			break;
		(*line)[len++] = (char)c;
		if (c == delim)
			break;
	}
	(*line)[len] = '\0';
	return (ssize_t)len;
}

ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f)
{
	return getdelim(line, cap, '\n', f);
}

/* Streams */

static int mode_flags(const char *mode, int *sflags)
{
	int o;
	switch (mode[0]) {
	case 'r':
		o = O_RDONLY;
		*sflags = F_READ;
		break;
	case 'w':
		o = O_WRONLY | O_CREAT | O_TRUNC;
		*sflags = F_WRITE;
		break;
	case 'a':
		o = O_WRONLY | O_CREAT | O_APPEND;
		*sflags = F_WRITE;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (strchr(mode + 1, '+')) {
		o = (o & ~O_ACCMODE) | O_RDWR;
		*sflags = F_READ | F_WRITE;
	}
	return o;
}

FILE *fdopen(int fd, const char *mode)
{
	int sflags;
	if (mode_flags(mode, &sflags) < 0)
		return NULL;
	FILE *f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	f->fd = fd;
	f->flags = sflags | F_OPEN;
	f->mode = _IOFBF;
	f->unget = EOF;
	f->next = streams;
	streams = f;
	return f;
}

FILE *fopen(const char *restrict path, const char *restrict mode)
{
	int sflags, o = mode_flags(mode, &sflags);
	if (o < 0)
		return NULL;
	int fd = open(path, o, 0666);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, mode);
	if (f == NULL)
		close(fd);
	return f;
}

int fclose(FILE *f)
{
	int r = fflush(f);
	if (close(f->fd) < 0)
		r = EOF;
	if (f->flags & F_MYBUF)
		free(f->buf);
	f->buf = NULL;
	f->flags = 0;
	for (FILE **pp = &streams; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	if (f != stdin && f != stdout && f != stderr)
		free(f);
	return r;
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
		return -1;
	fflush(f);
	if (f->flags & F_MYBUF)
		free(f->buf);
	f->flags &= ~F_MYBUF;
	f->mode = mode;
	f->buf = NULL;
	f->size = 0;
	if (mode != _IONBF && buf && size) {
		f->buf = (unsigned char *)buf;
		f->size = size;
	}
	return 0;
}

void setbuf(FILE *restrict f, char *restrict buf)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

int fseek(FILE *f, long off, int whence)
{
	if (fflush(f) == EOF)
		return -1;
	if (lseek(f->fd, off, whence) < 0)
		return -1;
	f->flags &= ~F_EOF;
	return 0;
}

long ftell(FILE *f)
{
	off_t pos = lseek(f->fd, 0, SEEK_CUR);
	if (pos < 0)
		return -1;
	return pos + (long)f->wlen - (long)(f->rlen - f->rpos) - (f->unget != EOF);
}

void rewind(FILE *f)
{
	fseek(f, 0, SEEK_SET);
	f->flags &= ~F_ERR;
}

int feof(FILE *f)
{
	return (f->flags & F_EOF) != 0;
}

int ferror(FILE *f)
{
	return (f->flags & F_ERR) != 0;
}

void clearerr(FILE *f)
{
	f->flags &= ~(F_EOF | F_ERR);
}

int fileno(FILE *f)
{
	return f->fd;
}

_Noreturn void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, func, expr);
	abort();
}

int remove(const char *path)
{
	return unlink(path);
}
