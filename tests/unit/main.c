/*
 * Runs every host unit test as one cmocka group: one TAP plan
 * (CMOCKA_MESSAGE_OUTPUT=TAP), one line per check.
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

static void (*const areas[])(struct unit_list *) = {
    elf_tests, pvh_tests, uart_tests, opts_tests, dump_tests, term_tests, port_tests,
};

void unit_add(struct unit_list *l, const char *area, const char *name, CMUnitTestFunction fn,
              const void *state)
{
	if (l->out) {
		char *full;

		if (asprintf(&full, "%s: %s", area, name) < 0)
			abort();
		l->out[l->n] = (struct CMUnitTest){
		    .name = full, .test_func = fn, .initial_state = (void *)state};
	}
	l->n++;
}

int main(void)
{
	struct unit_list l = {0};

	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		areas[i](&l);
	l.out = calloc(l.n, sizeof(*l.out));
	if (!l.out)
		return 1;
	l.n = 0;
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		areas[i](&l);
	return _cmocka_run_group_tests("vmm", l.out, l.n, NULL, NULL) != 0;
}
