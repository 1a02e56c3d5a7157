/*
 * stdio.h: buffered streams over file descriptors.
 *
 * stdout is line buffered, stderr unbuffered, other streams fully
 * buffered.  Every stream is flushed by exit() and before fork() and the
 * exec family, so output is neither lost nor printed twice.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include <lde/fs.h> /* SEEK_SET, SEEK_CUR, SEEK_END */

typedef struct lde_file FILE;

extern FILE *stdin, *stdout, *stderr;

#define EOF     (-1)
#define BUFSIZ  1024
#define _IOFBF  0
#define _IOLBF  1
#define _IONBF  2

FILE *fopen(const char *restrict path, const char *restrict mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *f);
int fflush(FILE *f); /* NULL: every stream */
size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f);
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
int fseek(FILE *f, long off, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
void setbuf(FILE *restrict f, char *restrict buf);

int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
char *fgets(char *restrict s, int n, FILE *restrict f);
ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f);
ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f);

int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *restrict s, FILE *restrict f);
int puts(const char *s);

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char *restrict fmt, ...) __attribute__((format(printf, 2, 3)));
int sprintf(char *restrict s, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int snprintf(char *restrict s, size_t n, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vprintf(const char *restrict fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
int vdprintf(int fd, const char *restrict fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int vsprintf(char *restrict s, const char *restrict fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
int vsnprintf(char *restrict s, size_t n, const char *restrict fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

void perror(const char *s);
int remove(const char *path);

#endif
