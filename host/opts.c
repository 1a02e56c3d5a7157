/*
 * Command-line parsing: options, the guest ELF operand, and the guest
 * command line built from the words after `--`.  Pure: the result or a
 * one-line cause, never output or exit.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lde/status.h>
#include <lde/trace.h>

#include "opts.h"

const char opts_usage[] =
    "usage: vmm [options] guest.elf [-- guest command line...]\n"
    "Run a PVH guest kernel on KVM with a 16550 console on stdin/stdout.\n"
    "\n"
    "  -m, --mem SIZE        guest RAM (default 128M); K, M or G suffix, a bare\n"
    "                        number is MiB; 8M to 3G, a multiple of 4K\n"
    "  -t, --timeout SECS    stop the guest after SECS seconds (exit 124);\n"
    "                        fractions allowed, 0 = never (default)\n"
    "  -i, --initrd FILE     pass FILE to the guest as PVH module 0\n"
    "      --stats           at exit, a table of VM exits by reason and port on\n"
    "                        stderr: count, total, mean and max vmm time\n"
    "      --trace FILE      trace guest events and VM exits: FILE.json gets\n"
    "                        Chrome trace-event JSON (ui.perfetto.dev), any\n"
    "                        other name one line per event (- is stderr)\n"
    "      --trace-events=LIST  what to trace, comma-separated: syscall, sched,\n"
    "                        proc, irq, exit, signal (default all)\n"
    "      --no-sandbox      run without the seccomp filter the vmm confines\n"
    "                        itself with before the guest runs (debugging)\n"
    "  -h, --help            this text\n"
    "  -V, --version         the vmm's version\n"
    "\n"
    "The words after -- become the guest's command line.  The vmm exits with\n"
    "the guest's status; its own errors are 64-77 before the guest runs and\n"
    "121-127 while it runs (see README).  Console: Ctrl-A x quits,\n"
    "Ctrl-A Ctrl-A sends Ctrl-A.\n";

enum { OPT_STATS = 0x100, OPT_TRACE, OPT_TRACE_EVENTS, OPT_NO_SANDBOX }; /* long options only */

static const struct option longopts[] = {
    {"mem", required_argument, NULL, 'm'},
    {"timeout", required_argument, NULL, 't'},
    {"initrd", required_argument, NULL, 'i'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"stats", no_argument, NULL, OPT_STATS},
    {"trace", required_argument, NULL, OPT_TRACE},
    {"trace-events", required_argument, NULL, OPT_TRACE_EVENTS},
    {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
    {NULL, 0, NULL, 0},
};

static const struct {
	const char *name;
	uint32_t bits;
} trace_categories[] = {
    {"syscall", LDE_TRACE_SYSCALL}, {"sched", LDE_TRACE_SCHED}, {"proc", LDE_TRACE_PROC},
    {"irq", LDE_TRACE_IRQ},         {"exit", LDE_TRACE_EXIT},   {"signal", LDE_TRACE_SIGNAL},
    {"all", LDE_TRACE_ALL},
};

int opts_parse_events(const char *list, uint32_t *mask, char bad[32])
{
	uint32_t m = 0;
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof(trace_categories) / sizeof(trace_categories[0]); i++) {
			if (strlen(trace_categories[i].name) == n &&
			    strncmp(p, trace_categories[i].name, n) == 0)
				break;
		}
		if (i == sizeof(trace_categories) / sizeof(trace_categories[0])) {
			snprintf(bad, 32, "%.*s", (int)(n < 31 ? n : 31), p);
			return -1;
		}
		m |= trace_categories[i].bits;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

int opts_parse_size(const char *s, uint64_t *bytes)
{
	uint64_t v = 0, mult = 1ull << 20;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = 1ull << 10;
		p++;
		break;
	case 'm':
	case 'M':
		p++;
		break;
	case 'g':
	case 'G':
		mult = 1ull << 30;
		p++;
		break;
	default:
		return -1;
	}
	if (*p != '\0' || v > UINT64_MAX / mult)
		return -1;
	*bytes = v * mult;
	return 0;
}

static int parse_timeout(const char *s, double *secs)
{
	char *end;
	double v;

	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return -1; /* no sign, no "inf", no "nan" */
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v > OPTS_TIMEOUT_MAX)
		return -1;
	*secs = v;
	return 0;
}

/* Does the word need quoting?  A blank (what the kernel splits at: space,
 * tab, CR, LF), a quote, a backslash, or empty. */
static int needs_quotes(const char *w)
{
	if (*w == '\0')
		return 1;
	return strpbrk(w, " \t\r\n\"'\\") != NULL;
}

int opts_join_cmdline(char *const *words, int n, char *buf, size_t size)
{
	size_t len = 0;

#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (len + 1 >= size)                                                               \
			return -1;                                                                 \
		buf[len++] = (c);                                                                  \
	} while (0)

	if (size == 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *w = words[i];
		int q = needs_quotes(w);

		if (i > 0)
			PUT(' ');
		if (q)
			PUT('"');
		for (; *w; w++) {
			if (q && (*w == '"' || *w == '\\'))
				PUT('\\');
			PUT(*w);
		}
		if (q)
			PUT('"');
	}
#undef PUT
	buf[len] = '\0';
	return (int)len;
}

__attribute__((format(printf, 3, 4))) static int usage_err(char *err, size_t errlen,
                                                           const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return LDE_VMM_EXIT_USAGE;
}

/* An option as the user wrote it, for messages: "--mem" or "-m".  A
 * matched long option is known by its index; after an error, arg is the
 * offending word. */
static void optname(char *buf, size_t len, int longindex, const char *arg, int c)
{
	if (longindex >= 0)
		snprintf(buf, len, "--%s", longopts[longindex].name);
	else if (arg && strncmp(arg, "--", 2) == 0)
		snprintf(buf, len, "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(buf, len, "-%c", c);
}

int opts_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen)
{
	int dashdash = argc, c, li = -1;
	char name[64], bad[32];
	bool events_given = false;

	memset(o, 0, sizeof(*o));
	o->action = OPTS_RUN;
	o->mem = OPTS_MEM_DEFAULT;
	o->trace_mask = LDE_TRACE_ALL;

	/* Everything after the first "--" belongs to the guest: getopt sees
	 * only what comes before it. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
	}

	optind = 0; /* glibc: full reinitialisation */
	opterr = 0;
	while ((c = getopt_long(dashdash, argv, ":m:t:i:hV", longopts, &li)) != -1) {
		const char *arg = argv[optind - 1];
		const int longindex = li;

		li = -1;

		switch (c) {
		case 'm':
			optname(name, sizeof(name), longindex, arg, c);
			if (opts_parse_size(optarg, &o->mem) < 0)
				return usage_err(err, errlen,
				                 "%s %s: not a size; give a number with K, M or G "
				                 "(e.g. 256M)",
				                 name, optarg);
			if (o->mem < OPTS_MEM_MIN)
				return usage_err(err, errlen, "%s %s: below the minimum 8M", name,
				                 optarg);
			if (o->mem > OPTS_MEM_MAX)
				return usage_err(err, errlen,
				                 "%s %s: above the maximum 3G (guest RAM must end "
				                 "below the MMIO hole at 3 GiB)",
				                 name, optarg);
			if (o->mem % 4096)
				return usage_err(err, errlen, "%s %s: not a multiple of 4K", name,
				                 optarg);
			break;
		case 't':
			optname(name, sizeof(name), longindex, arg, c);
			if (parse_timeout(optarg, &o->timeout) < 0)
				return usage_err(err, errlen,
				                 "%s %s: not a number of seconds (0 to 31536000)",
				                 name, optarg);
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_NO_SANDBOX:
			o->no_sandbox = true;
			break;
		case OPT_TRACE:
			if (*optarg == '\0')
				return usage_err(err, errlen,
				                 "--trace: empty file name; give FILE.json, FILE "
				                 "or - (stderr)");
			o->trace = optarg;
			break;
		case OPT_TRACE_EVENTS:
			if (opts_parse_events(optarg, &o->trace_mask, bad) < 0)
				return usage_err(
				    err, errlen,
				    "--trace-events %s: no category '%s'; give a "
				    "comma-separated list of syscall, sched, proc, irq, "
				    "exit, signal or all",
				    optarg, bad);
			events_given = true;
			break;
		case 'h':
			o->action = OPTS_HELP;
			return 0;
		case 'V':
			o->action = OPTS_VERSION;
			return 0;
		case ':':
			optname(name, sizeof(name), -1, arg, optopt);
			return usage_err(err, errlen, "%s: needs an argument; see vmm --help",
			                 name);
		default: /* '?' */
			if (strncmp(arg, "--", 2) == 0 && optopt != 0) {
				optname(name, sizeof(name), -1, arg, optopt);
				return usage_err(err, errlen,
				                 "%s: takes no argument; see vmm --help", name);
			}
			if (strncmp(arg, "--", 2) == 0)
				optname(name, sizeof(name), -1, arg, 0);
			else
				snprintf(name, sizeof(name), "-%c", optopt);
			return usage_err(err, errlen, "%s: unknown option; see vmm --help", name);
		}
	}

	if (events_given && !o->trace)
		return usage_err(err, errlen,
		                 "--trace-events: nothing to filter without --trace FILE");
	if (optind >= dashdash)
		return usage_err(err, errlen,
		                 "no guest ELF given; usage: vmm [options] guest.elf "
		                 "[-- command line]");
	if (optind + 1 < dashdash)
		return usage_err(err, errlen,
		                 "%s: unexpected argument; the guest command line goes after --",
		                 argv[optind + 1]);
	o->guest = argv[optind];

	if (dashdash < argc) {
		int n = opts_join_cmdline(argv + dashdash + 1, argc - dashdash - 1, o->cmdline,
		                          sizeof(o->cmdline));
		if (n < 0)
			return usage_err(
			    err, errlen,
			    "guest command line: longer than %d bytes; pass less after --",
			    OPTS_CMDLINE_MAX);
	}
	return 0;
}
