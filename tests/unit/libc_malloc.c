/*
 * libc_malloc.c: malloc/free/calloc/realloc over a fake sbrk: alignment,
 * contents, coalescing, reuse without growth, failure, the heap checker.
 * Tests run in order and share one heap, as a process would.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libc_host.h"

static void basics(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 7, 8, 15, 16, 17, 24, 100, 4095, 4096, 65536, 200000};
	void *p[sizeof sizes / sizeof sizes[0]];
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		p[i] = libc_malloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)i, sizes[i]);
	}
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(((unsigned char *)p[i])[k], i);
		for (size_t j = 0; j < i; j++) /* no overlaps */
			assert_true((char *)p[j] + sizes[j] <= (char *)p[i] ||
				    (char *)p[i] + sizes[i] <= (char *)p[j]);
	}
	assert_int_equal(libc_lde_malloc_check(), 0);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		libc_free(p[i]);
	libc_free(NULL);
	assert_int_equal(libc_lde_malloc_check(), 0);
}

/* Freeing everything leaves one free block per segment, and the same
 * workload again does not grow the heap. */
static void coalesce_and_reuse(void **state)
{
	(void)state;
	struct libc_malloc_stats st;
	void *p[100];
	for (int i = 0; i < 100; i++)
		p[i] = libc_malloc((size_t)(i * 37 % 500) + 1);
	for (int i = 0; i < 100; i += 2) /* free the even ones, then the odd ones */
		libc_free(p[i]);
	assert_int_equal(libc_lde_malloc_check(), 0);
	for (int i = 1; i < 100; i += 2)
		libc_free(p[i]);
	assert_int_equal(libc_lde_malloc_check(), 0);
	libc_lde_malloc_stats(&st);
	assert_int_equal(st.used_bytes, 0);
	assert_int_equal(st.free_blocks, 1);
	size_t heap = st.heap_bytes, brk = fake_brk_used;
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 100; i++)
			p[i] = libc_malloc((size_t)(i * 37 % 500) + 1);
		for (int i = 99; i >= 0; i--)
			libc_free(p[i]);
	}
	libc_lde_malloc_stats(&st);
	assert_int_equal(st.heap_bytes, heap);
	assert_int_equal(fake_brk_used, brk);
	assert_int_equal(st.free_blocks, 1);
}

static void calloc_realloc(void **state)
{
	(void)state;
	unsigned char *p = libc_malloc(1000);
	memset(p, 0xab, 1000);
	libc_free(p);
	unsigned char *z = libc_calloc(250, 4); /* likely the same, dirty block */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(z[i], 0);
	libc_errno = 0;
	assert_null(libc_calloc(SIZE_MAX / 2, 3));
	assert_int_equal(libc_errno, ENOMEM);
	/* realloc keeps contents when growing (in place or moved) and shrinking */
	for (int i = 0; i < 1000; i++)
		z[i] = (unsigned char)i;
	unsigned char *q = libc_realloc(z, 100000);
	assert_non_null(q);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(q[i], (unsigned char)i);
	q = libc_realloc(q, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(q[i], (unsigned char)i);
	/* growing into a free neighbour stays in place */
	void *a = libc_malloc(64), *b = libc_malloc(64), *c = libc_malloc(64);
	libc_free(b);
	assert_ptr_equal(libc_realloc(a, 120), a);
	assert_int_equal(libc_lde_malloc_check(), 0);
	libc_free(a);
	libc_free(c);
	libc_free(q);
	assert_null(libc_realloc(libc_malloc(5), 0)); /* realloc(p, 0) frees */
	q = libc_realloc(NULL, 33);
	assert_non_null(q);
	libc_free(q);
	assert_int_equal(libc_lde_malloc_check(), 0);
}

static void failure(void **state)
{
	(void)state;
	size_t saved = fake_heap_limit;
	fake_heap_limit = fake_brk_used + 100000; /* little room left */
	libc_errno = 0;
	assert_null(libc_malloc(1 << 20));
	assert_int_equal(libc_errno, ENOMEM);
	assert_null(libc_malloc(SIZE_MAX - 8));
	assert_null(libc_malloc(SIZE_MAX / 2 + 1));
	void *p = libc_malloc(1000); /* small ones still work */
	assert_non_null(p);
	libc_free(p);
	fake_heap_limit = saved;
	assert_int_equal(libc_lde_malloc_check(), 0);
}

/* Someone else moves the break: malloc starts a new segment. */
static void foreign_sbrk(void **state)
{
	(void)state;
	void *big1 = libc_malloc(1 << 20);
	fake_sbrk_foreign = 4096 + 8;
	void *big2 = libc_malloc(1 << 20);
	assert_non_null(big1);
	assert_non_null(big2);
	assert_int_equal((uintptr_t)big2 % 16, 0);
	memset(big2, 1, 1 << 20);
	assert_int_equal(libc_lde_malloc_check(), 0);
	libc_free(big1);
	libc_free(big2);
	assert_int_equal(libc_lde_malloc_check(), 0);
}

static void random_workload(void **state)
{
	(void)state;
	enum { SLOTS = 512 };
	static unsigned char *p[SLOTS];
	static size_t len[SLOTS];
	srand(7);
	for (int round = 0; round < 200000; round++) {
		int i = rand() % SLOTS;
		for (size_t k = 0; k < len[i]; k += 1 + len[i] / 8)
			assert_int_equal(p[i][k], (unsigned char)(i ^ k));
		size_t n = (size_t)(rand() % 8 == 0 ? rand() % 20000 : rand() % 200);
		switch (rand() % 3) {
		case 0:
			libc_free(p[i]);
			p[i] = NULL;
			len[i] = 0;
			break;
		case 1:
			libc_free(p[i]);
			p[i] = libc_malloc(n);
			len[i] = n;
			break;
		default:
			p[i] = libc_realloc(p[i], n + 1);
			for (size_t k = len[i] < n + 1 ? len[i] : n + 1; k < n + 1; k++)
				p[i][k] = (unsigned char)(i ^ k);
			len[i] = n + 1;
			continue;
		}
		for (size_t k = 0; k < len[i]; k++)
			p[i][k] = (unsigned char)(i ^ k);
		if (round % 5000 == 0)
			assert_int_equal(libc_lde_malloc_check(), 0);
	}
	for (int i = 0; i < SLOTS; i++)
		libc_free(p[i]);
	assert_int_equal(libc_lde_malloc_check(), 0);
	struct libc_malloc_stats st;
	libc_lde_malloc_stats(&st);
	assert_int_equal(st.used_bytes, 0);
}

/* The checker is worth something only if it notices damage. */
static void checker_detects(void **state)
{
	(void)state;
	char *a = libc_malloc(100), *b = libc_malloc(100), *c = libc_malloc(100);
	uint64_t saved; /* b's header: size | flags */
	memcpy(&saved, b - 8, 8);
	uint64_t junk = saved + 16; /* b's size grows over its neighbour */
	memcpy(b - 8, &junk, 8);
	assert_true(libc_lde_malloc_check() > 0);
	memcpy(b - 8, &saved, 8);
	assert_int_equal(libc_lde_malloc_check(), 0);
	libc_free(b); /* between two used blocks: stays alone, with a footer */
	junk = 0; /* the footer now lies */
	uint64_t foot;
	memcpy(&foot, b - 8 + saved / 16 * 16 - 8, 8);
	memcpy(b - 8 + saved / 16 * 16 - 8, &junk, 8);
	assert_true(libc_lde_malloc_check() > 0);
	memcpy(b - 8 + saved / 16 * 16 - 8, &foot, 8);
	assert_int_equal(libc_lde_malloc_check(), 0);
	libc_free(a);
	libc_free(c);
}

int main(void)
{
	fake_reset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basics),       cmocka_unit_test(coalesce_and_reuse),
		cmocka_unit_test(calloc_realloc), cmocka_unit_test(failure),
		cmocka_unit_test(foreign_sbrk), cmocka_unit_test(random_workload),
		cmocka_unit_test(checker_detects),
	};
	return cmocka_run_group_tests_name("libc_malloc", tests, NULL, NULL);
}
