/*
 * cmdline.c: the kernel command line (notes/design.md, "Guest command
 * line").
 *
 * Splitting: words are separated by blanks (space, tab, CR, LF); a `"`
 * opens or closes a quoted run, which may sit inside a word and keeps
 * blanks; a backslash takes the next character literally, inside quotes
 * or not.  `""` is an empty word.  A quote left open runs to the end.
 *
 * Then the leading words that are kernel options are consumed: each is a
 * key the table below knows, bare (a flag) or key=value.  A literal `--`
 * ends the options; the first other word and everything after it are the
 * first user program and its arguments (kopts.argv, issue 3).
 */
#include "defs.h"
#include "trace.h"

struct kopts kopts = {.hz = 100, .slice_ms = 10, .expect_args = -1};
static char pool[BOOT_CMDLINE];
static const char *words[CMD_MAXARGS];
static int nwords;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split line into words stored NUL-terminated in pool.  Returns the
 * number of words, or -1 if there are more than max (or pool is full). */
int cmdline_split(const char *line, char *pool, size_t poolsize, const char **words, int max)
{
	size_t out = 0;
	int n = 0;
	const char *p = line;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			return n;
		if (n == max)
			return -1;
		words[n++] = pool + out;
		bool quoted = false;
		for (; *p && (quoted || !is_blank(*p)); p++) {
			char c = *p;
			if (c == '"') {
				quoted = !quoted;
				continue;
			}
			if (c == '\\' && p[1])
				c = *++p;
			if (out + 1 >= poolsize)
				return -1;
			pool[out++] = c;
		}
		pool[out++] = 0;
	}
}

/* Decimal digits at *s; advances *s past them.  -1 if none or overflow. */
static int parse_dec(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	*s = p;
	*out = v;
	return 0;
}

/* "123", "64M": a size with an optional K/M/G suffix (powers of 1024). */
int parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	int shift = 0;

	if (parse_dec(&s, &v))
		return -1;
	switch (*s) {
	case 'K':
	case 'k':
		shift = 10;
		s++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		s++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		s++;
		break;
	}
	if (*s || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v;

	if (parse_dec(&s, &v) || *s || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Option setters: val is NULL for a bare word.  Return 0 if accepted. */
static int set_selftest(const char *val)
{
	kopts.selftest = true;
	kopts.selftest_name = val;
	return val && !*val ? -1 : 0;
}

static int set_quiet(const char *val)
{
	if (val)
		return -1;
	kopts.quiet = true;
	return 0;
}

static int set_hz(const char *val)
{
	return val ? parse_u32(val, 10, 1000, &kopts.hz) : -1;
}

static int set_slice(const char *val)
{
	return val ? parse_u32(val, 1, 1000, &kopts.slice_ms) : -1;
}

static int set_expect_mem(const char *val)
{
	return val ? parse_size(val, &kopts.expect_mem) : -1;
}

static int set_expect_args(const char *val)
{
	uint32_t n;

	if (!val || parse_u32(val, 0, CMD_MAXARGS, &n))
		return -1;
	kopts.expect_args = (int)n;
	return 0;
}

static const struct {
	const char *key;
	int (*set)(const char *val);
} options[] = {
    {"selftest", set_selftest},       /* run the kernel self-checks (selftest=NAME: some) */
    {"quiet", set_quiet},             /* no banner */
    {"hz", set_hz},                   /* timer ticks per second, 10..1000 */
    {"slice", set_slice},             /* scheduler slice in ms, 1..1000 */
    {"expect_mem", set_expect_mem},   /* selftest: the RAM the VMM was given */
    {"expect_args", set_expect_args}, /* selftest: user words on the command line */
    {"tracering", trace_set_ring},    /* trace ring size in records (trace.c) */
    {"timerlat", timerlat_set},       /* keep N timer latency samples (lapic.c) */
};

/* Apply w if it is a kernel option; false if it is not one. */
static bool apply_option(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		size_t k = strlen(options[i].key);
		if (strncmp(w, options[i].key, k) || (w[k] && w[k] != '='))
			continue;
		if (options[i].set(w[k] ? w + k + 1 : NULL))
			kopts.bad++;
		return true;
	}
	return false;
}

void cmdline_init(const char *line)
{
	int i = 0;

	nwords = cmdline_split(line, pool, sizeof(pool), words, CMD_MAXARGS);
	if (nwords < 0) {
		kprintf("cmdline: more than %d words; ignoring the command line\n", CMD_MAXARGS);
		nwords = 0;
	}
	for (; i < nwords; i++) {
		if (!strcmp(words[i], "--")) {
			i++;
			break;
		}
		if (!apply_option(words[i]))
			break;
		kopts.opt[kopts.nopts++] = words[i];
	}
	for (; i < nwords; i++)
		kopts.argv[kopts.argc++] = words[i];
	kopts.argv[kopts.argc] = NULL;
}

/* A line: prefix, then s in double quotes, with " and \ escaped and other
 * bytes outside printable ASCII as \xHH (unambiguous for a test to
 * compare).  One console write when it fits the buffer: each costs a few
 * hundred interpreted instructions on this machine's KVM. */
void print_quoted(const char *prefix, const char *s)
{
	char buf[4 * 64 + 3];
	size_t n = strnlen(prefix, 64);

	memcpy(buf, prefix, n);
	buf[n++] = '"';
	for (; *s; s++) {
		unsigned char c = *s;
		if (n > sizeof(buf) - 6) {
			kprintf("%.*s", (int)n, buf);
			n = 0;
		}
		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = c;
		} else if (c < 0x20 || c > 0x7e) {
			n += ksnprintf(buf + n, 5, "\\x%02x", c);
		} else {
			buf[n++] = c;
		}
	}
	buf[n++] = '"';
	kprintf("%.*s\n", (int)n, buf);
}

void cmdline_print(void)
{
	kprintf("cmdline: %s%s\n", boot.cmdline, boot.cmdline_truncated ? " (truncated)" : "");
	for (int i = 0; i < kopts.nopts; i++)
		kprintf("cmdline: option %s\n", kopts.opt[i]);
	if (kopts.bad)
		kprintf("cmdline: %d bad kernel option value(s) ignored\n", kopts.bad);
	for (int i = 0; i < kopts.argc; i++) {
		char prefix[32];
		ksnprintf(prefix, sizeof prefix, "cmdline: arg %d ", i);
		print_quoted(prefix, kopts.argv[i]);
	}
}
