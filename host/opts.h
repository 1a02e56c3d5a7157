/*
 * The vmm's command line: options, the guest ELF, and the guest command
 * line after `--`.  Parsing is a pure function of argv (no I/O, no exit)
 * so the unit tests drive it with tables.
 */
#ifndef VMM_OPTS_H
#define VMM_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPTS_MEM_DEFAULT (128ull << 20)
#define OPTS_MEM_MIN     (8ull << 20)
#define OPTS_MEM_MAX     (3ull << 30) /* RAM ends below the MMIO hole at 0xC0000000 */
#define OPTS_TIMEOUT_MAX (365.0 * 24 * 3600)

/* Longest guest command line without its NUL (design: at 0x2000, one page). */
#define OPTS_CMDLINE_MAX 4095

enum opts_action { OPTS_RUN, OPTS_HELP, OPTS_VERSION };

struct opts {
	enum opts_action action;
	uint64_t mem;                       /* guest RAM in bytes, a multiple of 4 KiB */
	double timeout;                     /* seconds; 0 = none */
	const char *guest;                  /* path of the guest ELF */
	const char *initrd;                 /* path of the initrd, NULL = none */
	bool stats;                         /* --stats: the exit table at exit */
	bool no_sandbox;                    /* --no-sandbox: no seccomp filter */
	const char *trace;                  /* --trace FILE, NULL = none */
	uint32_t trace_mask;                /* --trace-events: LDE_TRACE_* bits */
	char cmdline[OPTS_CMDLINE_MAX + 1]; /* the words after --, quoted */
};

/*
 * Parses argv into *o.  Returns 0, or LDE_VMM_EXIT_USAGE with a one-line
 * cause in err (no "vmm: " prefix).  Permutes argv (getopt_long) and
 * resets getopt's state, so it may be called repeatedly.
 */
int opts_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen);

/* SIZE: a decimal number with an optional K, M or G suffix (either case);
 * without a suffix the number is MiB, as QEMU's -m.  0 or -1 (not a size,
 * or more than 2^64). */
int opts_parse_size(const char *s, uint64_t *bytes);

/*
 * Joins words into one guest command line (design.md): single spaces; a
 * word that is empty or holds a blank, a quote or a backslash goes in
 * double quotes with `"` and `\` escaped by a backslash.  Returns the
 * length, or -1 when it needs more than size - 1 bytes.
 */
int opts_join_cmdline(char *const *words, int n, char *buf, size_t size);

/* LIST: comma-separated trace categories (syscall, sched, proc, irq,
 * exit, signal, all) -> LDE_TRACE_* bits.  0, or -1 with the offending
 * word (up to 31 bytes) in bad. */
int opts_parse_events(const char *list, uint32_t *mask, char bad[32]);

/* The --help text. */
extern const char opts_usage[];

#endif
