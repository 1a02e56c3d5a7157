/*
 * libc_host.h: the libc's portable functions as host unit tests see them.
 *
 * guest/lib/build.mk compiles the portable files for the host and
 * prefixes every symbol with libc_ (objcopy --prefix-symbols), so they
 * link beside glibc and cmocka.  The types match on x86-64 Linux (LP64).
 * tests/unit/libc_fake.c provides the system calls they use.
 */
#ifndef LIBC_HOST_H
#define LIBC_HOST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct lde_file LFILE;

extern int libc_errno;
extern char **libc_environ;
extern LFILE *libc_stdin, *libc_stdout, *libc_stderr;

int libc_snprintf(char *s, size_t n, const char *fmt, ...);
int libc_vsnprintf(char *s, size_t n, const char *fmt, va_list ap);
int libc_sprintf(char *s, const char *fmt, ...);

void *libc_memcpy(void *d, const void *s, size_t n);
void *libc_memmove(void *d, const void *s, size_t n);
void *libc_memset(void *s, int c, size_t n);
int libc_memcmp(const void *a, const void *b, size_t n);
void *libc_memchr(const void *s, int c, size_t n);
size_t libc_strlen(const char *s);
size_t libc_strnlen(const char *s, size_t n);
int libc_strcmp(const char *a, const char *b);
int libc_strncmp(const char *a, const char *b, size_t n);
int libc_strcasecmp(const char *a, const char *b);
int libc_strncasecmp(const char *a, const char *b, size_t n);
char *libc_strcpy(char *d, const char *s);
char *libc_strncpy(char *d, const char *s, size_t n);
size_t libc_strlcpy(char *d, const char *s, size_t n);
char *libc_strcat(char *d, const char *s);
char *libc_strncat(char *d, const char *s, size_t n);
char *libc_strchr(const char *s, int c);
char *libc_strrchr(const char *s, int c);
char *libc_strstr(const char *h, const char *n);
char *libc_strdup(const char *s);
char *libc_strndup(const char *s, size_t n);
size_t libc_strspn(const char *s, const char *a);
size_t libc_strcspn(const char *s, const char *r);
char *libc_strpbrk(const char *s, const char *a);
char *libc_strtok_r(char *s, const char *d, char **save);
char *libc_strsep(char **sp, const char *d);
char *libc_strerror(int e);
const char *libc_strsignal(int sig);

int libc_isalpha(int c), libc_isdigit(int c), libc_isspace(int c), libc_isxdigit(int c);
int libc_isalnum(int c), libc_isupper(int c), libc_islower(int c), libc_isprint(int c);
int libc_ispunct(int c), libc_iscntrl(int c), libc_isgraph(int c), libc_isblank(int c);
int libc_tolower(int c), libc_toupper(int c);

int libc_atoi(const char *s);
long libc_atol(const char *s);
long libc_strtol(const char *s, char **end, int base);
unsigned long libc_strtoul(const char *s, char **end, int base);
long long libc_strtoll(const char *s, char **end, int base);
unsigned long long libc_strtoull(const char *s, char **end, int base);
int libc_abs(int x);
void libc_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *libc_bsearch(const void *key, const void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *));
char *libc_getenv(const char *name);
int libc_setenv(const char *name, const char *value, int overwrite);
int libc_unsetenv(const char *name);

void *libc_malloc(size_t n);
void libc_free(void *p);
void *libc_calloc(size_t n, size_t size);
void *libc_realloc(void *p, size_t n);
int libc_lde_malloc_check(void);
struct libc_malloc_stats {
	size_t heap_bytes, used_bytes, free_bytes, free_blocks;
};
void libc_lde_malloc_stats(struct libc_malloc_stats *st);

int libc_lde_split_words(char *line, char **argv, int max);
int libc_getopt(int argc, char *const argv[], const char *optstring);
extern char *libc_optarg;
extern int libc_optind, libc_opterr, libc_optopt;

LFILE *libc_fdopen(int fd, const char *mode);
LFILE *libc_fopen(const char *path, const char *mode);
int libc_fclose(LFILE *f);
int libc_fflush(LFILE *f);
int libc_fprintf(LFILE *f, const char *fmt, ...);
int libc_printf(const char *fmt, ...);
int libc_dprintf(int fd, const char *fmt, ...);
int libc_fputs(const char *s, LFILE *f);
int libc_puts(const char *s);
int libc_fputc(int c, LFILE *f);
int libc_putchar(int c);
size_t libc_fwrite(const void *p, size_t size, size_t n, LFILE *f);
size_t libc_fread(void *p, size_t size, size_t n, LFILE *f);
int libc_fgetc(LFILE *f);
int libc_ungetc(int c, LFILE *f);
char *libc_fgets(char *s, int n, LFILE *f);
ssize_t libc_getline(char **line, size_t *cap, LFILE *f);
int libc_feof(LFILE *f);
int libc_ferror(LFILE *f);
int libc_setvbuf(LFILE *f, char *buf, int mode, size_t size);
void libc___stdio_flushall(void);
void libc_perror(const char *s);

/* tests/unit/libc_fake.c: the fake kernel under the portable files. */
#define FAKE_FDS 8
struct fake_fd {
	int open;
	char *out;      /* what was written (malloc'd, grows) */
	size_t out_len;
	size_t writes;  /* number of write() calls */
	const char *in; /* what read() returns, then EOF */
	size_t in_len, in_pos;
	size_t max_read; /* read() returns at most this much (0: no limit) */
	int tty;
};
extern struct fake_fd fake_fd[FAKE_FDS];
void fake_reset(void);
/* The fake sbrk's arena: sbrk fails beyond fake_heap_limit bytes. */
extern size_t fake_heap_limit;
extern size_t fake_brk_used;
/* When nonzero, sbrk moves the break by this much first (someone else's). */
extern size_t fake_sbrk_foreign;

#endif
