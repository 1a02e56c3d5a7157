/*
 * libc_printf.c: the libc's printf formatter against glibc's, case by
 * case (same format, same arguments, same output and return value), plus
 * snprintf's truncation rules.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "libc_host.h"

/* Odd flag combinations are the point here. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static int failures;

#define SAME(fmt, ...)                                                                             \
	do {                                                                                       \
		char got[512], want[512];                                                          \
		int g = libc_snprintf(got, sizeof got, fmt __VA_OPT__(,) __VA_ARGS__);                          \
		int w = snprintf(want, sizeof want, fmt __VA_OPT__(,) __VA_ARGS__);                             \
		if (g != w || strcmp(got, want) != 0) {                                            \
			print_error("format \"%s\": got \"%s\" (%d), want \"%s\" (%d)\n", fmt, got, \
				    g, want, w);                                                   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void ints(void **state)
{
	(void)state;
	failures = 0;
	static const int vals[] = {0, 1, -1, 7, 42, -42, 255, 256, 65535, INT_MAX, INT_MIN, 123456};
	static const char *const fmts[] = {
		"%d",   "%i",   "%5d",   "%-5d|", "%05d", "%+d",   "% d",    "%+5d", "%-+6d|", "%.3d",
		"%.0d", "%8.3d", "%-8.3d|", "%08.3d", "% 05d", "%+.5d", "%u",    "%x",   "%X",    "%o",
		"%#x",  "%#X",  "%#o",   "%#.0o", "%#8x", "%#-8x|", "%#08x", "%.0x", "%10u",  "%-10o|",
		"%hd",  "%hhd", "%hu",   "%hhu",  "%hx",  "%hhx",   "%#.5o", "%3c",  "%-3c|", "%c",
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
			int v = vals[i];
			if (strchr(fmts[f], 'c') && (v < 32 || v > 126))
				v = 'A' + (int)(i % 26);
			SAME(fmts[f], v);
		}
	assert_int_equal(failures, 0);
}

static void longs(void **state)
{
	(void)state;
	failures = 0;
	static const long vals[] = {0, 1, -1, LONG_MAX, LONG_MIN, 0x123456789abcdefL, -1000000007L,
				    4294967296L};
	static const char *const fmts[] = {"%ld",  "%li",  "%lu", "%lx",  "%lX", "%lo",
					   "%lld", "%llu", "%zu", "%zd",  "%jd", "%td",
					   "%20ld", "%-20lx|", "%#lx", "%+ld", "%.25ld", "%020lu"};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
			SAME(fmts[f], vals[i]);
	SAME("%llx", 0xffffffffffffffffULL);
	SAME("%zx", (size_t)-1);
	assert_int_equal(failures, 0);
}

static void strings(void **state)
{
	(void)state;
	failures = 0;
	static const char *const vals[] = {"", "a", "hello", "hello, world", "tab\there"};
	static const char *const fmts[] = {"%s", "[%10s]", "[%-10s]", "[%.3s]", "[%.0s]",
					   "[%8.2s]", "[%-8.2s]", "%s%s", "[%1s]"};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
			SAME(fmts[f], vals[i], vals[i]);
	SAME("%s", (char *)NULL);
	SAME("%%");
	SAME("100%% sure %d%%", 5);
	SAME("plain text");
	SAME("");
	SAME("%c%c%c", 'a', 'b', 'c');
	assert_int_equal(failures, 0);
}

static void stars_and_pointers(void **state)
{
	(void)state;
	failures = 0;
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42);
	SAME("[%-*d]", 6, 42);
	SAME("[%.*d]", 4, 42);
	SAME("[%.*d]", -4, 42);
	SAME("[%*.*s]", 8, 3, "abcdef");
	SAME("[%*s]", 0, "x");
	SAME("%p", (void *)0x1234);
	SAME("%p", (void *)0xffffffff80100000ul);
	SAME("[%20p]", (void *)0xdeadbeef);
	SAME("[%-20p]", (void *)0xdeadbeef);
	SAME("%p", (void *)NULL);
	SAME("[%10p]", (void *)NULL);
	SAME("%d %s %c %x %p %u", -5, "mix", 'z', 255u, (void *)16, 7u);
	assert_int_equal(failures, 0);
}

static void truncation(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'Z', sizeof buf);
	assert_int_equal(libc_snprintf(buf, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'Z'); /* nothing written past n */
	memset(buf, 'Z', sizeof buf);
	assert_int_equal(libc_snprintf(buf, 1, "xyz%d", 12), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');
	assert_int_equal(libc_snprintf(NULL, 0, "%d", 12345), 5);
	memset(buf, 'Z', sizeof buf);
	assert_int_equal(libc_snprintf(buf, sizeof buf, "%07d", -3), 7);
	assert_string_equal(buf, "-000003");
	/* An unknown conversion is printed as is; a lone % at the end too. */
	assert_int_equal(libc_snprintf(buf, sizeof buf, "%y%"), 3);
	assert_string_equal(buf, "%y%");
	char big[300];
	assert_int_equal(libc_sprintf(big, "%250d|", 1), 251);
	assert_int_equal(big[249], '1');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ints),
		cmocka_unit_test(longs),
		cmocka_unit_test(strings),
		cmocka_unit_test(stars_and_pointers),
		cmocka_unit_test(truncation),
	};
	return cmocka_run_group_tests_name("libc_printf", tests, NULL, NULL);
}
