/*
 * Command-line parsing: a table of argument vectors and what each must
 * give, then the guest command line's quoting and size limit.
 */
#include <stdlib.h>
#include <string.h>

#include <lde/status.h>

#include "opts.h"
#include "unit.h"

#define M (1ull << 20)

struct opts_case {
	const char *name;
	const char *argv[12]; /* after "vmm", NULL-terminated */
	const char *error;    /* substring of the message; NULL: accepted */
	enum opts_action action;
	uint64_t mem; /* 0: the default */
	double timeout;
	const char *guest, *initrd, *cmdline;
};

static const struct opts_case cases[] = {
    {"guest only: defaults", {"g.elf"}, .guest = "g.elf", .cmdline = ""},
    {"--mem 64M", {"--mem", "64M", "g.elf"}, .mem = 64 * M, .guest = "g.elf"},
    {"--mem=1G", {"--mem=1G", "g.elf"}, .mem = 1024 * M, .guest = "g.elf"},
    {"-m 512m", {"-m", "512m", "g.elf"}, .mem = 512 * M, .guest = "g.elf"},
    {"--mem 8M is the minimum", {"--mem", "8M", "g.elf"}, .mem = 8 * M, .guest = "g.elf"},
    {"--mem 3G is the maximum", {"--mem", "3G", "g.elf"}, .mem = 3072 * M, .guest = "g.elf"},
    {"--mem 3072M", {"--mem", "3072M", "g.elf"}, .mem = 3072 * M, .guest = "g.elf"},
    {"--mem 256 (bare number: MiB)", {"--mem", "256", "g.elf"}, .mem = 256 * M, .guest = "g.elf"},
    {"--mem 16384K", {"--mem", "16384K", "g.elf"}, .mem = 16 * M, .guest = "g.elf"},
    {"--mem 7M below the minimum",
     {"--mem", "7M", "g.elf"},
     .error = "--mem 7M: below the minimum 8M"},
    {"--mem 8188K below the minimum", {"--mem", "8188K", "g.elf"}, .error = "below the minimum 8M"},
    {"--mem 0", {"--mem", "0", "g.elf"}, .error = "below the minimum"},
    {"--mem 3073M crosses the MMIO hole",
     {"--mem", "3073M", "g.elf"},
     .error = "--mem 3073M: above the maximum 3G"},
    {"--mem 4G", {"--mem", "4G", "g.elf"}, .error = "above the maximum 3G"},
    {"--mem 10001K not a multiple of 4K",
     {"--mem", "10001K", "g.elf"},
     .error = "--mem 10001K: not a multiple of 4K"},
    {"--mem abc", {"--mem", "abc", "g.elf"}, .error = "--mem abc: not a size"},
    {"--mem 12X", {"--mem", "12X", "g.elf"}, .error = "not a size"},
    {"--mem 64MB", {"--mem", "64MB", "g.elf"}, .error = "not a size"},
    {"--mem -64M", {"--mem", "-64M", "g.elf"}, .error = "not a size"},
    {"--mem empty", {"--mem", "", "g.elf"}, .error = "not a size"},
    {"--mem 1.5G", {"--mem", "1.5G", "g.elf"}, .error = "not a size"},
    {"--mem overflowing 2^64", {"--mem", "99999999999999999999G", "g.elf"}, .error = "not a size"},
    {"--mem 17179869184G overflows when scaled",
     {"--mem", "17179869184G", "g.elf"},
     .error = "not a size"},
    {"-m 4M names -m", {"-m", "4M", "g.elf"}, .error = "-m 4M: below the minimum"},
    {"--mem without its argument", {"g.elf", "--mem"}, .error = "--mem: needs an argument"},
    {"--timeout 5", {"--timeout", "5", "g.elf"}, .timeout = 5, .guest = "g.elf"},
    {"--timeout 0.25", {"--timeout", "0.25", "g.elf"}, .timeout = 0.25, .guest = "g.elf"},
    {"-t 0 (never)", {"-t", "0", "g.elf"}, .timeout = 0, .guest = "g.elf"},
    {"--timeout -1",
     {"--timeout", "-1", "g.elf"},
     .error = "--timeout -1: not a number of seconds"},
    {"--timeout abc", {"--timeout", "abc", "g.elf"}, .error = "not a number of seconds"},
    {"--timeout inf", {"--timeout", "inf", "g.elf"}, .error = "not a number of seconds"},
    {"--timeout nan", {"--timeout", "nan", "g.elf"}, .error = "not a number of seconds"},
    {"--timeout 1e99", {"--timeout", "1e99", "g.elf"}, .error = "not a number of seconds"},
    {"--timeout 5s", {"--timeout", "5s", "g.elf"}, .error = "not a number of seconds"},
    {"--initrd FILE", {"--initrd", "rd.cpio", "g.elf"}, .guest = "g.elf", .initrd = "rd.cpio"},
    {"-i FILE after the guest", {"g.elf", "-i", "rd.cpio"}, .guest = "g.elf", .initrd = "rd.cpio"},
    {"--help", {"--help"}, .action = OPTS_HELP},
    {"-h with other arguments", {"g.elf", "-h"}, .action = OPTS_HELP},
    {"--version", {"--version"}, .action = OPTS_VERSION},
    {"-V", {"-V"}, .action = OPTS_VERSION},
    {"--help=x", {"--help=x"}, .error = "--help: takes no argument"},
    {"unknown long option",
     {"--bogus", "g.elf"},
     .error = "--bogus: unknown option; see vmm --help"},
    {"unknown long option with =", {"--bogus=1", "g.elf"}, .error = "--bogus: unknown option"},
    {"unknown short option", {"-x", "g.elf"}, .error = "-x: unknown option"},
    {"no guest", {NULL}, .error = "no guest ELF given"},
    {"only options", {"--mem", "64M"}, .error = "no guest ELF given"},
    {"only --", {"--"}, .error = "no guest ELF given"},
    {"-- before the guest", {"--", "g.elf"}, .error = "no guest ELF given"},
    {"two operands",
     {"g.elf", "selftest"},
     .error = "selftest: unexpected argument; the guest command "
              "line goes after --"},
    {"options after the guest",
     {"g.elf", "--mem", "32M", "--", "x"},
     .mem = 32 * M,
     .guest = "g.elf",
     .cmdline = "x"},
    {"words after --",
     {"g.elf", "--", "selftest", "quiet"},
     .guest = "g.elf",
     .cmdline = "selftest quiet"},
    {"options after -- belong to the guest",
     {"g.elf", "--", "--mem", "64M", "-h"},
     .guest = "g.elf",
     .cmdline = "--mem 64M -h"},
    {"a second -- is a guest word",
     {"g.elf", "--", "a", "--", "b"},
     .guest = "g.elf",
     .cmdline = "a -- b"},
    {"-- with nothing after", {"g.elf", "--"}, .guest = "g.elf", .cmdline = ""},
    {"quoting: blank, quotes, backslash, empty",
     {"g.elf", "--", "sh", "-c", "exit 7", "it's", "say \"hi\"", "a\\b", "", "tab\there"},
     .guest = "g.elf",
     .cmdline = "sh -c \"exit 7\" \"it's\" \"say \\\"hi\\\"\" \"a\\\\b\" \"\" \"tab\there\""},
};

static void run(void **state)
{
	const struct opts_case *k = *state;
	char *argv[16] = {"vmm"};
	int argc = 1;
	char err[256] = "";
	struct opts *o = malloc(sizeof(*o));
	int r;

	for (; k->argv[argc - 1]; argc++)
		argv[argc] = (char *)k->argv[argc - 1];
	r = opts_parse(argc, argv, o, err, sizeof(err));
	if (k->error) {
		assert_int_equal(r, LDE_VMM_EXIT_USAGE);
		if (!strstr(err, k->error))
			fail_msg("message '%s' lacks '%s'", err, k->error);
		assert_null(strchr(err, '\n'));
	} else {
		if (r != 0)
			fail_msg("refused: %s", err);
		assert_int_equal(o->action, k->action);
		if (k->action == OPTS_RUN) {
			assert_int_equal(o->mem, k->mem ? k->mem : OPTS_MEM_DEFAULT);
			assert_true(o->timeout == k->timeout);
			assert_string_equal(o->guest, k->guest);
			if (k->initrd)
				assert_string_equal(o->initrd, k->initrd);
			else
				assert_null(o->initrd);
			assert_string_equal(o->cmdline, k->cmdline ? k->cmdline : "");
		}
	}
	free(o);
}

static void cmdline_size_limit(void **state)
{
	char *fits = malloc(4096), *over = malloc(4097);
	char *argv[] = {"vmm", "g.elf", "--", NULL};
	struct opts *o = malloc(sizeof(*o));
	char err[256];

	(void)state;
	memset(fits, 'a', 4095);
	fits[4095] = 0;
	memset(over, 'a', 4096);
	over[4096] = 0;
	argv[3] = fits;
	assert_int_equal(opts_parse(4, argv, o, err, sizeof(err)), 0);
	assert_int_equal(strlen(o->cmdline), 4095);
	argv[3] = over;
	assert_int_equal(opts_parse(4, argv, o, err, sizeof(err)), LDE_VMM_EXIT_USAGE);
	assert_non_null(strstr(err, "guest command line: longer than 4095 bytes"));
	free(fits);
	free(over);
	free(o);
}

static void join_quoting(void **state)
{
	static const struct {
		const char *words[4];
		const char *line;
	} t[] = {
	    {{"plain"}, "plain"},
	    {{"two words"}, "\"two words\""},
	    {{""}, "\"\""},
	    {{"\""}, "\"\\\"\""},
	    {{"\\"}, "\"\\\\\""},
	    {{"'"}, "\"'\""},
	    {{"key=value", "x"}, "key=value x"},
	    {{"a\tb"}, "\"a\tb\""},
	    /* The kernel splits at CR and LF too (found by tests/fuzz, "pvh"). */
	    {{"a\nb"}, "\"a\nb\""},
	    {{"a\rb", "\n"}, "\"a\rb\" \"\n\""},
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int n = 0;
		while (n < 4 && t[i].words[n])
			n++;
		assert_int_equal(opts_join_cmdline((char *const *)t[i].words, n, buf, sizeof(buf)),
		                 (int)strlen(t[i].line));
		assert_string_equal(buf, t[i].line);
	}
	/* Exactly full: "abc" needs 4 bytes with its NUL. */
	assert_int_equal(opts_join_cmdline((char *const[]){"abc"}, 1, buf, 4), 3);
	assert_int_equal(opts_join_cmdline((char *const[]){"abc"}, 1, buf, 3), -1);
	assert_int_equal(opts_join_cmdline((char *const[]){"a b"}, 1, buf, 5), -1);
}

static void size_parser(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(opts_parse_size("1", &v), 0);
	assert_int_equal(v, M);
	assert_int_equal(opts_parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(opts_parse_size("2G", &v), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(opts_parse_size("17179869183G", &v), 0); /* 2^64 - 1G */
	assert_int_equal(opts_parse_size("17179869184G", &v), -1);
	assert_int_equal(opts_parse_size("18446744073709551615", &v), -1); /* MiB overflow */
	assert_int_equal(opts_parse_size(" 1M", &v), -1);
	assert_int_equal(opts_parse_size("1M ", &v), -1);
	assert_int_equal(opts_parse_size("+1M", &v), -1);
	assert_int_equal(opts_parse_size("0x10M", &v), -1);
}

void opts_tests(struct unit_list *l)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		unit_add(l, "opts", cases[i].name, run, &cases[i]);
	unit_add(l, "opts", "guest command line of 4095 bytes fits, 4096 refused",
	         cmdline_size_limit, NULL);
	unit_add(l, "opts", "command line quoting, word by word", join_quoting, NULL);
	unit_add(l, "opts", "SIZE parser: suffixes and overflow", size_parser, NULL);
}
