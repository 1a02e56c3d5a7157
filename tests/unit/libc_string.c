/* libc_string.c: string.h and ctype.h against glibc's, edge cases first. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libc_host.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void mem(void **state)
{
	(void)state;
	unsigned char a[300], b[300];
	for (int i = 0; i < 300; i++)
		a[i] = (unsigned char)(i * 7);
	/* memcpy every length and alignment up to 64 */
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n < 64; n++) {
			memset(b, 0xee, sizeof b);
			assert_ptr_equal(libc_memcpy(b + off, a + 3, n), b + off);
			assert_memory_equal(b + off, a + 3, n);
			assert_int_equal(b[off + n], 0xee);
		}
	/* memmove with overlap both ways equals glibc's */
	for (int shift = -9; shift <= 9; shift++) {
		unsigned char x[100], y[100];
		for (int i = 0; i < 100; i++)
			x[i] = y[i] = (unsigned char)i;
		libc_memmove(x + 40 + shift, x + 40, 30);
		memmove(y + 40 + shift, y + 40, 30);
		assert_memory_equal(x, y, 100);
	}
	memset(b, 1, sizeof b);
	assert_ptr_equal(libc_memset(b + 1, 0x1ff, 10), b + 1); /* converted to unsigned char */
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[10], 0xff);
	assert_int_equal(b[11], 1);
	unsigned char p[] = {1, 2, 200}, q[] = {1, 2, 100};
	assert_true(libc_memcmp(p, q, 3) > 0); /* bytes compare unsigned */
	assert_int_equal(libc_memcmp(p, q, 2), 0);
	assert_int_equal(libc_memcmp(p, q, 0), 0);
	assert_ptr_equal(libc_memchr(a, a[77], 300), memchr(a, a[77], 300));
	assert_null(libc_memchr(a, 0x100 + a[5], 5));
}

static void str(void **state)
{
	(void)state;
	static const char *const words[] = {"", "a", "ab", "abc", "abd", "b", "\xff", "A", "abcdef"};
	size_t n = sizeof words / sizeof words[0];
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(libc_strlen(words[i]), strlen(words[i]));
		for (size_t j = 0; j < n; j++) {
			assert_int_equal(sign(libc_strcmp(words[i], words[j])),
					 sign(strcmp(words[i], words[j])));
			for (size_t k = 0; k < 5; k++)
				assert_int_equal(sign(libc_strncmp(words[i], words[j], k)),
						 sign(strncmp(words[i], words[j], k)));
			assert_int_equal(sign(libc_strcasecmp(words[i], words[j])),
					 sign(strcasecmp(words[i], words[j])));
			assert_ptr_equal(libc_strstr(words[i], words[j]), strstr(words[i], words[j]));
		}
	}
	const char *s = "hello, world";
	assert_ptr_equal(libc_strchr(s, 'o'), s + 4);
	assert_ptr_equal(libc_strrchr(s, 'o'), s + 8);
	assert_ptr_equal(libc_strchr(s, '\0'), s + 12);
	assert_ptr_equal(libc_strrchr(s, '\0'), s + 12);
	assert_null(libc_strchr(s, 'z'));
	assert_int_equal(libc_strnlen(s, 5), 5);
	assert_int_equal(libc_strnlen(s, 50), 12);
	assert_int_equal(libc_strspn(s, "leh"), 4);
	assert_int_equal(libc_strcspn(s, ", "), 5);
	assert_int_equal(libc_strspn(s, ""), 0);
	assert_int_equal(libc_strcspn(s, ""), 12);
	assert_ptr_equal(libc_strpbrk(s, "wr"), s + 7);

	char buf[32];
	memset(buf, 'Z', sizeof buf);
	libc_strncpy(buf, "ab", 5); /* pads with NULs */
	assert_memory_equal(buf, "ab\0\0\0Z", 6);
	libc_strncpy(buf, "abcdef", 3); /* no terminator */
	assert_memory_equal(buf, "abc\0", 4);
	assert_int_equal(libc_strlcpy(buf, "abcdef", 4), 6);
	assert_string_equal(buf, "abc");
	libc_strcpy(buf, "foo");
	libc_strcat(buf, "bar");
	assert_string_equal(buf, "foobar");
	libc_strncat(buf, "bazqux", 3);
	assert_string_equal(buf, "foobarbaz");
	char *d = libc_strdup("copy me");
	assert_string_equal(d, "copy me");
	libc_free(d);
	d = libc_strndup("copy me", 4);
	assert_string_equal(d, "copy");
	libc_free(d);
}

static void tokens(void **state)
{
	(void)state;
	char line[] = "  ls -l  /bin |wc ";
	char *save, *t;
	const char *want[] = {"ls", "-l", "/bin", "|wc"};
	int n = 0;
	for (t = libc_strtok_r(line, " ", &save); t; t = libc_strtok_r(NULL, " ", &save))
		assert_string_equal(t, want[n++]);
	assert_int_equal(n, 4);
	assert_null(libc_strtok_r(NULL, " ", &save)); /* stays at the end */
	char empty[] = "   ";
	assert_null(libc_strtok_r(empty, " ", &save));
	char csv[] = "a,,b";
	char *p = csv;
	assert_string_equal(libc_strsep(&p, ","), "a");
	assert_string_equal(libc_strsep(&p, ","), "");
	assert_string_equal(libc_strsep(&p, ","), "b");
	assert_null(p);
	assert_null(libc_strsep(&p, ","));
}

static void ctype(void **state)
{
	(void)state;
	for (int c = -1; c < 256; c++) {
		int glibc_c = c >= 128 ? -2 : c; /* glibc's C locale has no class above 127 either */
		if (glibc_c == -2) {
			assert_false(libc_isalpha(c) || libc_isprint(c) || libc_isspace(c));
			continue;
		}
		assert_int_equal(!!libc_isalpha(c), !!isalpha(c));
		assert_int_equal(!!libc_isdigit(c), !!isdigit(c));
		assert_int_equal(!!libc_isalnum(c), !!isalnum(c));
		assert_int_equal(!!libc_isspace(c), !!isspace(c));
		assert_int_equal(!!libc_isxdigit(c), !!isxdigit(c));
		assert_int_equal(!!libc_isupper(c), !!isupper(c));
		assert_int_equal(!!libc_islower(c), !!islower(c));
		assert_int_equal(!!libc_isprint(c), !!isprint(c));
		assert_int_equal(!!libc_ispunct(c), !!ispunct(c));
		assert_int_equal(!!libc_iscntrl(c), !!iscntrl(c));
		assert_int_equal(!!libc_isgraph(c), !!isgraph(c));
		assert_int_equal(!!libc_isblank(c), !!isblank(c));
		assert_int_equal(libc_tolower(c), tolower(c));
		assert_int_equal(libc_toupper(c), toupper(c));
	}
}

static void messages(void **state)
{
	(void)state;
	assert_string_equal(libc_strerror(2), "No such file or directory");
	assert_string_equal(libc_strerror(14), "Bad address");
	assert_string_equal(libc_strerror(38), "Function not implemented");
	assert_string_equal(libc_strerror(9999), "Unknown error 9999");
	assert_string_equal(libc_strsignal(11), "Segmentation fault");
	assert_string_equal(libc_strsignal(99), "Unknown signal 99");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mem),   cmocka_unit_test(str),      cmocka_unit_test(tokens),
		cmocka_unit_test(ctype), cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests_name("libc_string", tests, NULL, NULL);
}
