/*
 * ktest.h: the case tables of `ktest sig` and `ktest fs` (the kernel's
 * host tests 42-signals.t and 43-fs.t).  Each case runs in a child of its
 * own and prints one line: "ktest: PASS name" or "ktest: FAIL name (why)";
 * a child that ends any other way gets its FAIL line from the runner.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stddef.h>
#include <stdio.h>

#define WHYLEN 160

struct kcase {
	const char *name;
	int (*fn)(char *why); /* 0: pass; else why says */
};

/* Fail the case: format why, return 1. */
#define KCHECK(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			snprintf(why, WHYLEN, __VA_ARGS__);                                        \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

/* Run the cases named in argv (all when argc is 0): the number failed. */
int ktest_run(const struct kcase *cases, size_t n, int argc, char **argv);
/* The wait status in words. */
const char *ktest_status(int st);

int ktest_sig(int argc, char **argv);
int ktest_fs(int argc, char **argv);

#endif
