/*
 * sleep DURATION...: block for the sum of the durations.  A duration is
 * a number of seconds, with a fraction if you like (0.5), or with a
 * unit: 250ms, 2s, 1m, 1h.  The process is BLOCKED (ps says sleep) the
 * whole time: the kernel's timer wakes it, nothing spins.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <lde.h>

/* Milliseconds in s, or -1. */
static long long parse(const char *s)
{
	long long whole = 0, frac = 0, scale = 1;
	const char *p = s;
	if (*p < '0' || *p > '9') {
		if (*p != '.')
			return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 100000000)
			return -1;
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale < 1000000) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
	if (p == s || (p == s + 1 && *s == '.'))
		return -1;
	long long unit = 1000; /* seconds */
	if (strcmp(p, "ms") == 0)
		unit = 1;
	else if (strcmp(p, "m") == 0)
		unit = 60000;
	else if (strcmp(p, "h") == 0)
		unit = 3600000;
	else if (*p != '\0' && strcmp(p, "s") != 0)
		return -1;
	return whole * unit + frac * unit / scale;
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: sleep SECONDS[.FRACTION][ms|s|m|h]...\n");
		return 2;
	}
	long long ms = 0;
	for (int i = 1; i < argc; i++) {
		long long v = parse(argv[i]);
		if (v < 0) {
			fprintf(stderr, "sleep: %s: not a duration\n", argv[i]);
			return 2;
		}
		ms += v;
	}
	/* Sleep until the deadline, even if a signal handler cut a sleep short. */
	uint64_t end = uptime_ms() + (uint64_t)ms;
	for (uint64_t now; (now = uptime_ms()) < end;) {
		uint64_t left = end - now;
		if (msleep(left > 0x7fffffff ? 0x7fffffff : (unsigned)left) < 0 && errno != EINTR) {
			perror("sleep");
			return 1;
		}
	}
	return 0;
}
