/*
 * top [-b] [-n FRAMES] [-d SECONDS]: the process table, refreshed every
 * second (-d), busiest first.
 *
 * %CPU is the share of the last interval a process spent RUNNING: the
 * timer ticks it was charged since the previous frame, over the ticks in
 * the interval (the first frame's interval is 200 ms before it; a process
 * born inside an interval counts from its start).
 * At the console top switches it to raw mode (keys arrive one at a time,
 * unechoed), redraws in place and quits on q or Ctrl-C; SIGINT, SIGTERM
 * and SIGHUP are caught so that the console is back in cooked mode
 * however top ends (but SIGKILL: then the shell restores it).  The wait
 * between frames is a blocking read of the keyboard cut short by
 * alarm(): top uses no CPU while it waits.  -b (batch), or standard input
 * that is not the console: frames one after another, no keys, no
 * clearing; -n stops after that many frames.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lde.h>

struct sample {
	struct lde_procinfo p;
	unsigned long dticks;
};

static volatile sig_atomic_t tick;
static int saved_mode = -1; /* the console's mode before raw, if we changed it */

static void restore(void)
{
	if (saved_mode >= 0) {
		lde_tty_setmode(0, saved_mode);
		saved_mode = -1;
		fputs("\033[?25h\n", stdout); /* the cursor back */
		fflush(stdout);
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	tick = 1;
}

/* Leave as the signal says, with the console as we found it. */
static void on_fatal(int sig)
{
	if (saved_mode >= 0) {
		lde_tty_setmode(0, saved_mode);
		static const char show[] = "\033[?25h\n";
		write(1, show, sizeof show - 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

static int by_cpu(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	if (x->dticks != y->dticks)
		return x->dticks < y->dticks ? 1 : -1;
	if (x->p.ticks != y->p.ticks)
		return x->p.ticks < y->p.ticks ? 1 : -1;
	return (x->p.pid > y->p.pid) - (x->p.pid < y->p.pid);
}

static struct lde_procinfo *prev;
static int nprev;
static uint64_t prev_ms;

/* One frame: snapshot, deltas against the previous one, sorted, printed. */
static int frame(struct lde_procinfo *buf, size_t max, struct sample *s, int clear)
{
	struct lde_sysinfo si;
	if (lde_sysinfo(&si) < 0)
		memset(&si, 0, sizeof si);
	int n = lde_procsnap(buf, max);
	if (n < 0) {
		perror("top: procsnap");
		return -1;
	}
	uint64_t now = si.uptime_ms ? si.uptime_ms : uptime_ms();
	unsigned hz = si.hz ? si.hz : 100;
	int count[6] = {0};
	for (int i = 0; i < n; i++) {
		s[i].p = buf[i];
		s[i].dticks = buf[i].ticks; /* a process new since the last frame */
		for (int k = 0; k < nprev; k++)
			if (prev[k].pid == buf[i].pid && prev[k].start_ms == buf[i].start_ms)
				s[i].dticks = buf[i].ticks - prev[k].ticks;
		if (buf[i].state < 6)
			count[buf[i].state]++;
	}
	qsort(s, (size_t)n, sizeof *s, by_cpu);

	if (clear)
		fputs("\033[H\033[J", stdout);
	unsigned long up = (unsigned long)(now / 1000);
	printf("top - up %lu:%02lu:%02lu, %d processes: %d running, %d ready, %d blocked, %d "
	       "zombie\n",
	       up / 3600, up / 60 % 60, up % 60, n, count[LDE_PROC_RUNNING], count[LDE_PROC_READY],
	       count[LDE_PROC_BLOCKED], count[LDE_PROC_ZOMBIE]);
	printf("memory: %lu KiB free of %lu KiB; timer %u Hz, slice %u ms; syscall path %s\n",
	       (unsigned long)si.pages_free * 4, (unsigned long)si.pages_total * 4, hz, si.slice_ms,
	       lde_trappath_name(si.syscall_path));
	printf("\n  PID  PPID STATE     %%CPU    TICKS SYSCALLS SWITCH NAME\n");
	for (int i = 0; i < n; i++) {
		const struct lde_procinfo *p = &s[i].p;
		/* the interval: since the previous frame, or since the process began */
		uint64_t since = prev_ms && p->start_ms <= prev_ms ? prev_ms : p->start_ms;
		uint64_t ms = now > since ? now - since : 1;
		unsigned long tenths = (unsigned long)(s[i].dticks * 1000000ull / (hz * ms));
		if (tenths > 1000)
			tenths = 1000; /* a tick charged at an interval's edge */
		printf("%5d %5d %-8s %3lu.%lu %8lu %8lu %6lu %.*s\n", p->pid, p->ppid,
		       lde_procstate_name(p->state), tenths / 10, tenths % 10,
		       (unsigned long)p->ticks, (unsigned long)p->syscalls,
		       (unsigned long)(p->vswitches + p->iswitches), LDE_PROCNAME, p->name);
	}
	if (clear)
		printf("\n(q or Ctrl-C quits)");
	fflush(stdout);
	memcpy(prev, buf, (size_t)n * sizeof *buf);
	nprev = n;
	prev_ms = now;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: top [-b] [-n FRAMES] [-d SECONDS]\n");
	return 2;
}

int main(int argc, char *argv[])
{
	int batch = 0, c;
	long frames = -1, delay = 1;
	while ((c = getopt(argc, argv, "bn:d:")) != -1) {
		char *end = NULL;
		if (c == 'b')
			batch = 1;
		else if (c == 'n')
			frames = strtol(optarg, &end, 10);
		else if (c == 'd')
			delay = strtol(optarg, &end, 10);
		else
			return usage();
		if (end && (*end || frames == 0 || delay < 1 || delay > 3600))
			return usage();
	}
	if (optind < argc)
		return usage();

	struct lde_sysinfo si;
	size_t max = lde_sysinfo(&si) == 0 && si.nproc_max ? si.nproc_max : 256;
	struct lde_procinfo *buf = calloc(max, sizeof *buf);
	struct sample *s = calloc(max, sizeof *s);
	prev = calloc(max, sizeof *prev);
	if (buf == NULL || s == NULL || prev == NULL) {
		fprintf(stderr, "top: out of memory\n");
		return 1;
	}

	/* Interactive needs the console and the alarm signal. */
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART: read ends */
	if (!batch && (lde_tty_getmode(0) < 0 || lde_syscall(SYS_alarm, 0) == -ENOSYS ||
	               sigaction(SIGALRM, &sa, NULL) < 0))
		batch = 1;
	if (!batch) {
		struct sigaction fatal = {.sa_handler = on_fatal};
		sigaction(SIGINT, &fatal, NULL);
		sigaction(SIGTERM, &fatal, NULL);
		sigaction(SIGHUP, &fatal, NULL);
		saved_mode = lde_tty_setmode(0, LDE_TTY_RAW);
		if (saved_mode < 0) {
			perror("top: raw mode");
			return 1;
		}
		setvbuf(stdout, NULL, _IOFBF, 8192); /* one write per frame */
		fputs("\033[?25l", stdout);          /* no cursor blinking over the table */
	}

	/* The first frame's baseline. */
	nprev = lde_procsnap(prev, max);
	if (nprev < 0)
		nprev = 0;
	prev_ms = uptime_ms();
	msleep(200);

	for (long done = 0; frames < 0 || done < frames; done++) {
		if (done && batch) {
			msleep((unsigned)delay * 1000);
			putchar('\n');
		}
		if (frame(buf, max, s, !batch) < 0)
			break;
		if (batch || (frames >= 0 && done + 1 >= frames))
			continue;
		/* Wait for a key or the alarm. */
		tick = 0;
		alarm((unsigned)delay);
		int quit = 0;
		while (!tick && !quit) {
			char k;
			ssize_t r = read(0, &k, 1);
			if (r == 0 || (r < 0 && errno != EINTR))
				quit = 1; /* end of input */
			else if (r == 1 && (k == 'q' || k == 'Q' || k == 3 /* ^C */))
				quit = 1;
		}
		alarm(0);
		if (quit)
			break;
	}
	restore();
	return 0;
}
