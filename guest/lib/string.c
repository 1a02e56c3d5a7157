/*
 * string.c: memory and string functions.  The libc is built with
 * -fno-builtin -fno-tree-loop-distribute-patterns, so gcc cannot turn
 * these loops back into calls to themselves.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		return memcpy(dst, src, n); /* dst below src, or no overlap */
	/* dst overlaps src from above: copy backwards. */
	unsigned char *d = (unsigned char *)dst + n - 1;
	const unsigned char *s = (const unsigned char *)src + n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	void *d = s;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (*a == '\0')
			break;
	}
	return 0;
}

int strcasecmp(const char *a, const char *b)
{
	int d;
	while ((d = tolower((unsigned char)*a) - tolower((unsigned char)*b)) == 0 && *a)
		a++, b++;
	return d;
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
		if (d || *a == '\0')
			return d;
	}
	return 0;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	char *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

/* C's strncpy: pads with NULs, does not terminate a too-long source. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *d = dst + strlen(dst);
	size_t i = 0;
	for (; i < n && src[i]; i++)
		d[i] = src[i];
	d[i] = '\0';
	return dst;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return (char *)hay;
	for (; *hay; hay++)
		if (*hay == *needle && strncmp(hay, needle, n) == 0)
			return (char *)hay;
	return NULL;
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

char *strndup(const char *s, size_t n)
{
	n = strnlen(s, n);
	char *d = malloc(n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* The set of bytes in `set`, as a 256-bit map. */
static void byteset(uint64_t map[4], const char *set)
{
	map[0] = map[1] = map[2] = map[3] = 0;
	for (const unsigned char *p = (const unsigned char *)set; *p; p++)
		map[*p >> 6] |= (uint64_t)1 << (*p & 63);
}

static int inset(const uint64_t map[4], unsigned char c)
{
	return (map[c >> 6] >> (c & 63)) & 1;
}

size_t strspn(const char *s, const char *accept)
{
	uint64_t map[4];
	byteset(map, accept);
	size_t n = 0;
	while (s[n] && inset(map, (unsigned char)s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	uint64_t map[4];
	byteset(map, reject);
	size_t n = 0;
	while (s[n] && !inset(map, (unsigned char)s[n]))
		n++;
	return n;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
	if (s == NULL)
		s = *save;
	s += strspn(s, delim);
	if (*s == '\0') {
		*save = s;
		return NULL;
	}
	char *end = s + strcspn(s, delim);
	if (*end)
		*end++ = '\0';
	*save = end;
	return s;
}

char *strtok(char *restrict s, const char *restrict delim)
{
	static char *save;
	return strtok_r(s, delim, &save);
}

char *strsep(char **sp, const char *delim)
{
	char *s = *sp;
	if (s == NULL)
		return NULL;
	char *end = s + strcspn(s, delim);
	if (*end) {
		*end = '\0';
		*sp = end + 1;
	} else {
		*sp = NULL;
	}
	return s;
}
