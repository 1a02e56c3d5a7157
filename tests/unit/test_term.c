/*
 * The Ctrl-A console commands, byte by byte.
 */
#include <string.h>

#include "term.h"
#include "unit.h"

struct esc_case {
	const char *name;
	const char *in;
	int out[8];
	int n;
};

#define S TERM_SWALLOW
static const struct esc_case cases[] = {
    {"plain bytes pass", "ab\r", {'a', 'b', '\r'}, 3},
    {"C-a x quits", "\x01x", {S, TERM_QUIT}, 2},
    {"C-a X quits", "\x01X", {S, TERM_QUIT}, 2},
    {"C-a C-a sends one C-a", "\x01\x01", {S, 0x01}, 2},
    {"C-a C-a x sends C-a, then x", "\x01\x01x", {S, 0x01, 'x'}, 3},
    {"C-a h is help", "\x01h", {S, TERM_HELP}, 2},
    {"C-a then another key: both dropped", "\x01zq", {S, S, 'q'}, 3},
    {"x alone is a byte", "x\x01", {'x', S}, 2},
    {"C-c passes to the guest", "\x03", {0x03}, 1},
};

static void run(void **state)
{
	const struct esc_case *k = *state;
	struct term_esc e = {0};

	for (int i = 0; i < k->n; i++)
		assert_int_equal(term_escape(&e, (uint8_t)k->in[i]), k->out[i]);
}

void term_tests(struct unit_list *l)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		unit_add(l, "term", cases[i].name, run, &cases[i]);
}
