/*
 * The vmm's host unit tests: each test_*.c adds its checks to one list
 * (a fixed test or one per row of a case table, "area: name"); main.c runs
 * the list as one cmocka group, so prove sees one TAP plan.
 */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct unit_list {
	struct CMUnitTest *out; /* NULL while counting */
	size_t n;
};

/* Adds the test fn, named "area: name", with *state = state. */
void unit_add(struct unit_list *l, const char *area, const char *name, CMUnitTestFunction fn,
              const void *state);

void elf_tests(struct unit_list *l);
void pvh_tests(struct unit_list *l);
void uart_tests(struct unit_list *l);
void opts_tests(struct unit_list *l);
void dump_tests(struct unit_list *l);
void term_tests(struct unit_list *l);
void port_tests(struct unit_list *l);

#endif
