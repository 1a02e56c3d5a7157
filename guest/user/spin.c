/*
 * spin [DURATION]: burn CPU in user mode, without system calls, forever
 * or for DURATION (N seconds, Ns, or Nms) of elapsed time.  A CPU hog for
 * watching preemption, ps and top.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lde.h>

/* Milliseconds in "5", "5s" or "250ms"; -1 if malformed. */
static long parse_ms(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || v < 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v * 1000;
	if (strcmp(end, "ms") == 0)
		return v;
	return -1;
}

int main(int argc, char *argv[])
{
	long ms = -1;
	if (argc > 2 || (argc == 2 && (ms = parse_ms(argv[1])) < 0)) {
		fprintf(stderr, "usage: spin [SECONDS | Ns | Nms]\n");
		return 2;
	}
	uint64_t end = uptime_ms() + (uint64_t)ms;
	volatile unsigned long x = 0;
	for (;;) {
		/* ~a few ms of pure user-mode work between clock checks */
		for (unsigned long i = 0; i < 1000000; i++)
			x += i;
		if (ms >= 0 && uptime_ms() >= end)
			return 0;
	}
}
