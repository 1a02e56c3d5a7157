/*
 * Fuzz target "opts": the vmm's command-line parser on any argv (the
 * input split at NULs into at most 64 words, argv[0] "vmm" in front).
 *
 * The user is not an attacker, but the parser must not crash or read out
 * of bounds on anything a shell can pass, and its result must hold what
 * main.c relies on: usage errors are status 64 with a NUL-terminated
 * message; a run has a guest, RAM within 8M..3G in 4 KiB steps, a
 * timeout within 0..one year, and a command line of at most 4095 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <lde/status.h>

#include "fuzz.h"
#include "opts.h"

#define MAXARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[MAXARGS + 2];
	struct opts o;
	char err[256];
	int argc = 0, st;

	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "vmm";
	for (size_t i = 0; i < size && argc <= MAXARGS; i++) {
		argv[argc++] = text + i;
		i += strlen(text + i);
	}
	argv[argc] = NULL;

	memset(err, 0x7f, sizeof(err));
	st = opts_parse(argc, argv, &o, err, sizeof(err));
	if (st != 0) {
		FUZZ_CHECK(st == LDE_VMM_EXIT_USAGE, "status %d", st);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0], "no message");
	} else if (o.action == OPTS_RUN) {
		FUZZ_CHECK(o.guest != NULL, "no guest");
		FUZZ_CHECK(o.mem >= OPTS_MEM_MIN && o.mem <= OPTS_MEM_MAX && o.mem % 4096 == 0,
		           "mem %llu", (unsigned long long)o.mem);
		FUZZ_CHECK(o.timeout >= 0 && o.timeout <= OPTS_TIMEOUT_MAX, "timeout %g",
		           o.timeout);
		FUZZ_CHECK(strlen(o.cmdline) <= OPTS_CMDLINE_MAX, "command line too long");
	}
	free(text);
	return 0;
}
