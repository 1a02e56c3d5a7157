/* libc_strtol.c: strtol family and atoi against glibc: values, end pointers, errno. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libc_host.h"

static const char *const inputs[] = {
	"0", "1", "-1", "+7", "  42", "\t\n 42abc", "abc", "", "-", "+", "0x", "0x1f", "0X1F",
	"0xg", "017", "08", "09", "0", "-0", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999", "-18446744073709551615", "zz", "Zz",
	"1e5", "  -0x10", "0b101", "2147483648", "-2147483649", "123 456",
};
static const int bases[] = {0, 2, 8, 10, 16, 36};

static void strtol_family(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
			const char *s = inputs[i];
			int base = bases[b];
			char *ge, *we;
			libc_errno = 0;
			errno = 0;
			long g = libc_strtol(s, &ge, base);
			long w = strtol(s, &we, base);
			if (g != w || ge != we || libc_errno != errno)
				fail_msg("strtol(\"%s\", %d): got %ld end+%td errno %d, want %ld end+%td "
					 "errno %d", s, base, g, ge - s, libc_errno, w, we - s, errno);
			libc_errno = 0;
			errno = 0;
			unsigned long gu = libc_strtoul(s, &ge, base);
			unsigned long wu = strtoul(s, &we, base);
			if (gu != wu || ge != we || libc_errno != errno)
				fail_msg("strtoul(\"%s\", %d): got %lu end+%td errno %d, want %lu "
					 "end+%td errno %d", s, base, gu, ge - s, libc_errno, wu, we - s,
					 errno);
			libc_errno = 0;
			errno = 0;
			long long gl = libc_strtoll(s, &ge, base);
			long long wl = strtoll(s, &we, base);
			assert_true(gl == wl && ge == we && libc_errno == errno);
		}
}

static void bad_base(void **state)
{
	(void)state;
	char *end;
	libc_errno = 0;
	assert_int_equal(libc_strtol("12", &end, 1), 0);
	assert_int_equal(libc_errno, EINVAL);
	libc_errno = 0;
	const char *s = "12";
	assert_int_equal(libc_strtol(s, &end, 37), 0);
	assert_ptr_equal(end, s);
	assert_int_equal(libc_errno, EINVAL);
	assert_int_equal(libc_strtol("7", NULL, 10), 7); /* NULL end is allowed */
}

static void atoi_abs(void **state)
{
	(void)state;
	assert_int_equal(libc_atoi("  -123xyz"), -123);
	assert_int_equal(libc_atoi("x"), 0);
	assert_int_equal(libc_atoi("2147483647"), INT_MAX);
	assert_int_equal(libc_atol("-9000000000"), -9000000000L);
	assert_int_equal(libc_abs(-5), 5);
	assert_int_equal(libc_abs(5), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strtol_family),
		cmocka_unit_test(bad_base),
		cmocka_unit_test(atoi_abs),
	};
	return cmocka_run_group_tests_name("libc_strtol", tests, NULL, NULL);
}
