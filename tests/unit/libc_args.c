/*
 * libc_args.c: argument and environment helpers: lde_split_words (the
 * kernel's command-line rules), getopt, getenv/setenv/unsetenv, qsort
 * and bsearch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libc_host.h"

static const struct {
	const char *line;
	int n; /* -1: error */
	const char *words[6];
} split_cases[] = {
	{"", 0, {0}},
	{"   \t ", 0, {0}},
	{"p1", 1, {"p1"}},
	{"  usertests  -g  proc ", 3, {"usertests", "-g", "proc"}},
	{"echo \"a b\" c", 3, {"echo", "a b", "c"}},
	{"x\"y z\"w", 1, {"xy zw"}},
	{"say \"\" end", 3, {"say", "", "end"}},
	{"a\\ b c", 2, {"a b", "c"}},
	{"q \"in \\\"quotes\\\"\"", 2, {"q", "in \"quotes\""}},
	{"back\\\\slash", 1, {"back\\slash"}},
	{"trailing\\", 1, {"trailing\\"}},
	{"open \"quote", -1, {0}},
	{"a b c d e f g h", -1, {0}}, /* more than max - 1 = 5 words */
};

static void split_words(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof split_cases / sizeof split_cases[0]; i++) {
		char line[64], *argv[6];
		strcpy(line, split_cases[i].line);
		int n = libc_lde_split_words(line, argv, 6);
		if (n != split_cases[i].n)
			fail_msg("\"%s\": %d words, want %d", split_cases[i].line, n,
				 split_cases[i].n);
		for (int k = 0; k < n; k++)
			if (strcmp(argv[k], split_cases[i].words[k]) != 0)
				fail_msg("\"%s\": word %d is \"%s\", want \"%s\"", split_cases[i].line,
					 k, argv[k], split_cases[i].words[k]);
		if (n >= 0)
			assert_null(argv[n]);
	}
}

static void getopt_rules(void **state)
{
	(void)state;
	char *argv[] = {"prog", "-ab", "-g", "grp", "-gX", "-l", "--", "-i", NULL};
	int argc = 8;
	libc_optind = 1;
	libc_opterr = 0;
	assert_int_equal(libc_getopt(argc, argv, "abg:il"), 'a');
	assert_int_equal(libc_getopt(argc, argv, "abg:il"), 'b');
	assert_int_equal(libc_getopt(argc, argv, "abg:il"), 'g');
	assert_string_equal(libc_optarg, "grp");
	assert_int_equal(libc_getopt(argc, argv, "abg:il"), 'g');
	assert_string_equal(libc_optarg, "X");
	assert_int_equal(libc_getopt(argc, argv, "abg:il"), 'l');
	assert_int_equal(libc_getopt(argc, argv, "abg:il"), -1); /* "--" ends options */
	assert_int_equal(libc_optind, 7);

	char *bad[] = {"prog", "-z", "-g", NULL};
	libc_optind = 1;
	assert_int_equal(libc_getopt(3, bad, "g:"), '?');
	assert_int_equal(libc_optopt, 'z');
	assert_int_equal(libc_getopt(3, bad, ":g:"), ':'); /* missing argument */
	assert_int_equal(libc_optopt, 'g');

	char *operands[] = {"prog", "file", "-a", NULL};
	libc_optind = 1;
	assert_int_equal(libc_getopt(3, operands, "a"), -1); /* stops at the first operand */
	assert_int_equal(libc_optind, 1);
}

static void environment(void **state)
{
	(void)state;
	char *initial[] = {"PATH=/bin", "HOME=/", "EMPTY=", NULL};
	libc_environ = initial;
	assert_string_equal(libc_getenv("PATH"), "/bin");
	assert_string_equal(libc_getenv("EMPTY"), "");
	assert_null(libc_getenv("PAT"));
	assert_null(libc_getenv("NOPE"));
	assert_int_equal(libc_setenv("PATH", "/usr/bin", 0), 0); /* no overwrite */
	assert_string_equal(libc_getenv("PATH"), "/bin");
	assert_ptr_equal(libc_environ, initial); /* untouched so far */
	assert_int_equal(libc_setenv("PATH", "/usr/bin", 1), 0);
	assert_string_equal(libc_getenv("PATH"), "/usr/bin");
	assert_string_equal(initial[0], "PATH=/bin"); /* the original array is not modified */
	for (int i = 0; i < 50; i++) {
		char name[16], value[16];
		snprintf(name, sizeof name, "V%d", i);
		snprintf(value, sizeof value, "%d", i * i);
		assert_int_equal(libc_setenv(name, value, 1), 0);
	}
	assert_string_equal(libc_getenv("V49"), "2401");
	assert_string_equal(libc_getenv("HOME"), "/");
	assert_int_equal(libc_unsetenv("HOME"), 0);
	assert_null(libc_getenv("HOME"));
	assert_string_equal(libc_getenv("V0"), "0");
	assert_int_equal(libc_setenv("A=B", "x", 1), -1);
	assert_int_equal(libc_setenv("", "x", 1), -1);
	int n = 0;
	while (libc_environ[n])
		n++;
	assert_int_equal(n, 2 + 50); /* PATH, EMPTY, V0..V49 */
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void sorting(void **state)
{
	(void)state;
	for (int n = 0; n < 300; n += 7) {
		int v[300], w[300];
		for (int i = 0; i < n; i++)
			v[i] = w[i] = (int)((unsigned)i * 2654435761u % 97) - 40;
		libc_qsort(v, (size_t)n, sizeof v[0], cmp_int);
		qsort(w, (size_t)n, sizeof w[0], cmp_int);
		assert_memory_equal(v, w, (size_t)n * sizeof v[0]);
	}
	int sorted[] = {1, 3, 5, 7, 9, 11};
	int key = 7, missing = 4;
	assert_ptr_equal(libc_bsearch(&key, sorted, 6, sizeof(int), cmp_int), &sorted[3]);
	assert_null(libc_bsearch(&missing, sorted, 6, sizeof(int), cmp_int));
	key = 1;
	assert_ptr_equal(libc_bsearch(&key, sorted, 6, sizeof(int), cmp_int), &sorted[0]);
	key = 11;
	assert_ptr_equal(libc_bsearch(&key, sorted, 6, sizeof(int), cmp_int), &sorted[5]);
}

int main(void)
{
	fake_reset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_words),
		cmocka_unit_test(getopt_rules),
		cmocka_unit_test(environment),
		cmocka_unit_test(sorting),
	};
	return cmocka_run_group_tests_name("libc_args", tests, NULL, NULL);
}
