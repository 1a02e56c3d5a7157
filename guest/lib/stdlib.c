/* stdlib.c: number conversions, sorting, pseudo-random numbers, the environment. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The common part of the strto* family: skip blanks, read a sign and the
 * base prefix, accumulate digits.  *over is set if the magnitude does not
 * fit in 64 bits.  *end gets the first unused character, or s itself
 * when no digit was read.
 */
static unsigned long long parse(const char *s, char **end, int base, int *neg, int *over)
{
	const char *p = s;
	*neg = *over = 0;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	unsigned long long v = 0;
	const char *digits = p;
	for (;; p++) {
		int c = (unsigned char)*p, d;
		if (isdigit(c))
			d = c - '0';
		else if (isalpha(c))
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			*over = 1;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(p == digits ? s : p);
	return v;
}

/* Signed results: clamp to [min, max] with ERANGE. */
static long long to_signed(unsigned long long v, int neg, int over, long long min, long long max)
{
	if (!neg && (over || v > (unsigned long long)max)) {
		errno = ERANGE;
		return max;
	}
	if (neg && (over || v > (unsigned long long)max + 1)) {
		errno = ERANGE;
		return min;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	return (long)to_signed(v, neg, over, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	return to_signed(v, neg, over, LLONG_MIN, LLONG_MAX);
}

/* As C says: a minus sign negates the unsigned result. */
unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	if (over) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return neg ? 0 - v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	return strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

long long llabs(long long x)
{
	return x < 0 ? -x : x;
}

/* qsort: heapsort, O(n log n) in every case and no recursion. */
static void swap(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;
	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const unsigned char *b = base;
	while (n > 0) {
		const unsigned char *mid = b + (n / 2) * size;
		int c = cmp(key, mid);
		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			b = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

static uint64_t rand_state = 1;

void srand(unsigned seed)
{
	rand_state = seed;
}

/* A 64-bit LCG (Knuth's MMIX constants); the high bits are the good ones. */
int rand(void)
{
	rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)(rand_state >> 33);
}

/*
 * The environment.  environ starts as the kernel's envp (set by crt0).
 * The first change copies the array to the heap; strings replaced later
 * are not freed, since the kernel's ones live on the stack.
 */
static char **env_owned; /* environ, when it is our heap copy */
static size_t env_cap;

static size_t env_count(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	return n;
}

/* The index of NAME=... in environ, or -1. */
static long env_find(const char *name, size_t len)
{
	for (size_t i = 0; environ && environ[i]; i++)
		if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=')
			return (long)i;
	return -1;
}

static int env_valid(const char *name)
{
	if (name == NULL || *name == '\0' || strchr(name, '=')) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

char *getenv(const char *name)
{
	size_t len = strlen(name);
	long i = env_find(name, len);
	return i < 0 ? NULL : environ[i] + len + 1;
}

/* Make environ our own array with room for one more entry. */
static int env_reserve(size_t n)
{
	if (environ == env_owned && environ && n + 1 < env_cap)
		return 0;
	size_t cap = (n + 2) * 2;
	char **a = malloc(cap * sizeof *a);
	if (a == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		a[i] = environ[i];
	a[n] = NULL;
	if (environ == env_owned)
		free(env_owned);
	environ = env_owned = a;
	env_cap = cap;
	return 0;
}

int setenv(const char *name, const char *value, int overwrite)
{
	if (!env_valid(name))
		return -1;
	size_t len = strlen(name), vlen = strlen(value);
	long i = env_find(name, len);
	if (i >= 0 && !overwrite)
		return 0;
	char *s = malloc(len + vlen + 2);
	if (s == NULL)
		return -1;
	memcpy(s, name, len);
	s[len] = '=';
	memcpy(s + len + 1, value, vlen + 1);
	size_t n = env_count();
	if (env_reserve(n) < 0) {
		free(s);
		return -1;
	}
	if (i >= 0) {
		environ[i] = s;
	} else {
		environ[n] = s;
		environ[n + 1] = NULL;
	}
	return 0;
}

int unsetenv(const char *name)
{
	if (!env_valid(name))
		return -1;
	size_t len = strlen(name);
	long i;
	while ((i = env_find(name, len)) >= 0) {
		if (env_reserve(env_count()) < 0)
			return -1;
		for (size_t j = (size_t)i; environ[j]; j++)
			environ[j] = environ[j + 1];
	}
	return 0;
}
