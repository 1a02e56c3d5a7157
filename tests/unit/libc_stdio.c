/*
 * libc_stdio.c: stdio's buffering rules over fake descriptors: stdout
 * line buffered, stderr unbuffered but one write per message, flushall,
 * reading with fgets/getline/fread/ungetc, short reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libc_host.h"

static int setup(void **state)
{
	(void)state;
	libc___stdio_flushall();
	fake_reset();
	return 0;
}

static void stdout_lines(void **state)
{
	(void)state;
	libc_printf("hello, %s", "world");
	assert_int_equal(fake_fd[1].out_len, 0); /* no newline yet: still buffered */
	libc_printf(" (pid:%d)\n", 7);
	assert_string_equal(fake_fd[1].out, "hello, world (pid:7)\n");
	assert_int_equal(fake_fd[1].writes, 1); /* one write per line */
	libc_puts("two");
	libc_putchar('x');
	assert_string_equal(fake_fd[1].out, "hello, world (pid:7)\ntwo\n");
	libc___stdio_flushall(); /* what fork, exec and exit do */
	assert_string_equal(fake_fd[1].out, "hello, world (pid:7)\ntwo\nx");
}

static void stdout_long(void **state)
{
	(void)state;
	char big[5000];
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	libc_fputs(big, libc_stdout); /* larger than the buffer: written through */
	libc_fputs("tail\n", libc_stdout);
	assert_int_equal(fake_fd[1].out_len, 4999 + 5);
	assert_memory_equal(fake_fd[1].out + 4999, "tail\n", 5);
}

static void stderr_unbuffered(void **state)
{
	(void)state;
	libc_fprintf(libc_stderr, "%s: %d %s", "prog", 42, "no newline");
	assert_string_equal(fake_fd[2].out, "prog: 42 no newline");
	assert_int_equal(fake_fd[2].writes, 1); /* a message is one write */
	libc_fputc('!', libc_stderr);
	assert_int_equal(fake_fd[2].writes, 2);
	libc_errno = 2;
	libc_perror("open x");
	assert_string_equal(fake_fd[2].out, "prog: 42 no newline!open x: No such file or directory\n");
	libc_dprintf(1, "direct %d\n", 1);
	assert_string_equal(fake_fd[1].out, "direct 1\n");
}

static void full_buffering(void **state)
{
	(void)state;
	LFILE *f = libc_fopen("/fake/file", "w");
	assert_non_null(f);
	int fd = 3;
	libc_fprintf(f, "line\n");
	assert_int_equal(fake_fd[fd].out_len, 0); /* other streams buffer whole blocks */
	assert_int_equal(libc_fflush(f), 0);
	assert_string_equal(fake_fd[fd].out, "line\n");
	libc_fprintf(f, "more");
	assert_int_equal(libc_fclose(f), 0); /* fclose flushes */
	assert_string_equal(fake_fd[fd].out, "line\nmore");
	assert_null(libc_fopen("/elsewhere", "r"));
	assert_null(libc_fopen("/fake/x", "q"));
}

static void reading(void **state)
{
	(void)state;
	static const char text[] = "first line\nsecond\n\nno newline at end";
	fake_fd[0].in = text;
	fake_fd[0].in_len = sizeof text - 1;
	fake_fd[0].max_read = 7; /* short reads, as from a console or pipe */
	libc_printf("prompt> ");
	char buf[64];
	assert_non_null(libc_fgets(buf, sizeof buf, libc_stdin));
	assert_string_equal(fake_fd[1].out, "prompt> "); /* flushed before reading stdin */
	assert_string_equal(buf, "first line\n");
	char *line = NULL;
	size_t cap = 0;
	assert_int_equal(libc_getline(&line, &cap, libc_stdin), 7);
	assert_string_equal(line, "second\n");
	assert_int_equal(libc_getline(&line, &cap, libc_stdin), 1);
	assert_int_equal(libc_fgetc(libc_stdin), 'n');
	assert_int_equal(libc_ungetc('N', libc_stdin), 'N');
	assert_int_equal(libc_getline(&line, &cap, libc_stdin), 17);
	assert_string_equal(line, "No newline at end");
	assert_int_equal(libc_getline(&line, &cap, libc_stdin), -1);
	assert_true(libc_feof(libc_stdin));
	assert_false(libc_ferror(libc_stdin));
	libc_free(line); /* allocated by the libc's malloc */
}

static void long_lines(void **state)
{
	(void)state;
	static char text[20001];
	memset(text, 'L', 19999);
	text[19999] = '\n';
	fake_fd[0].in = text;
	fake_fd[0].in_len = 20000;
	char *line = NULL;
	size_t cap = 0;
	assert_int_equal(libc_getline(&line, &cap, libc_stdin), 20000);
	assert_true(cap > 20000);
	assert_int_equal(line[19998], 'L');
	assert_int_equal(line[20000], '\0');
	libc_free(line);
	char small[8];
	fake_fd[0].in = "abcdefghij\n";
	fake_fd[0].in_len = 11;
	fake_fd[0].in_pos = 0;
	assert_non_null(libc_fgets(small, sizeof small, libc_stdin));
	assert_string_equal(small, "abcdefg"); /* n - 1 bytes, terminated */
	assert_non_null(libc_fgets(small, sizeof small, libc_stdin));
	assert_string_equal(small, "hij\n");
}

static void fread_fwrite(void **state)
{
	(void)state;
	static char text[10000];
	for (int i = 0; i < 10000; i++)
		text[i] = (char)(i % 251);
	LFILE *f = libc_fdopen(0, "r");
	fake_fd[0].in = text;
	fake_fd[0].in_len = sizeof text;
	static char back[10000];
	assert_int_equal(libc_fread(back, 1, 10, f), 10);
	assert_int_equal(libc_fread(back + 10, 100, 99, f), 99); /* large: straight through */
	assert_int_equal(libc_fread(back + 9910, 1, 1000, f), 90);
	assert_memory_equal(back, text, sizeof text);
	assert_true(libc_feof(f));
	libc_fclose(f);
	LFILE *w = libc_fdopen(1, "w");
	assert_int_equal(libc_fwrite(text, 100, 100, w), 100);
	libc_fflush(w);
	assert_int_equal(fake_fd[1].out_len, 10000);
	assert_memory_equal(fake_fd[1].out, text, 10000);
}

int main(void)
{
	fake_reset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(stdout_lines, setup),
		cmocka_unit_test_setup(stdout_long, setup),
		cmocka_unit_test_setup(stderr_unbuffered, setup),
		cmocka_unit_test_setup(full_buffering, setup),
		cmocka_unit_test_setup(reading, setup),
		cmocka_unit_test_setup(long_lines, setup),
		cmocka_unit_test_setup(fread_fwrite, setup),
	};
	return cmocka_run_group_tests_name("libc_stdio", tests, NULL, NULL);
}
