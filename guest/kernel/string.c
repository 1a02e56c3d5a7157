/*
 * string.c: the memory and string functions the compiler and the kernel
 * use.  Bulk copies and fills use rep movsq / rep stosq: under this
 * machine's KVM ring 0 is interpreted and a string instruction costs far
 * fewer exits into the emulator than a loop (shared/reference.md).
 */
#include "defs.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n >> 3;

	asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	n &= 7;
	asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	d += n - 1;
	s += n - 1;
	asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t v = 0x0101010101010101ull * (unsigned char)c;
	size_t q = n >> 3;

	asm volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	n &= 7;
	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(v) : "memory");
	return dst;
}

/* repe cmpsb: comparing 10 bytes measured 70k-180k cycles in ring 0 here,
 * against 180k-570k as a byte loop (a word-at-a-time loop was no better
 * than the string instruction). */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	if (n == 0)
		return 0;
	asm volatile("repe cmpsb" : "+S"(p), "+D"(q), "+c"(n) : : "memory", "cc");
	return p[-1] - q[-1];
}

/* repne scasb: one string instruction, not a loop (see the top). */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	if (n == 0)
		return NULL;
	asm volatile("repne scasb" : "+D"(p), "+c"(n) : "a"(c) : "memory", "cc");
	return p[-1] == (unsigned char)c ? (void *)(p - 1) : NULL;
}

/* The same scan backwards (DF set for the one instruction). */
void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = (const unsigned char *)s + n - 1;

	if (n == 0)
		return NULL;
	asm volatile("std; repne scasb; cld" : "+D"(p), "+c"(n) : "a"(c) : "memory", "cc");
	return p[1] == (unsigned char)c ? (void *)(p + 1) : NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;
	size_t n = SIZE_MAX;

	asm volatile("repne scasb" : "+D"(p), "+c"(n) : "a"(0) : "memory", "cc");
	return (size_t)(p - s) - 1;
}

size_t strnlen(const char *s, size_t max)
{
	const char *z = memchr(s, 0, max);

	return z ? (size_t)(z - s) : max;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
