/*
 * --trace: the guest's trace ring (include/lde/trace.h) and the vmm's own
 * exits on one timeline, written as events come through one fixed buffer,
 * so the vmm's memory does not grow with the run:
 *
 *   FILE.json  Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing)
 *   other, -   one line per event; `-` is stderr (stdout is the console)
 *
 * Time.  Events are placed on the host TSC and shown in microseconds since
 * the vCPU's first KVM_RUN.  KVM runs the guest TSC at the host's rate (the
 * vmm never asks it to scale) plus an offset, which the vmm measures by
 * reading the guest's IA32_TSC (KVM_GET_MSRS) between two host rdtsc: the
 * narrowest of 5 brackets, at its midpoint, so the error is at most half
 * that bracket (in otherData / the text header).  It is checked again at
 * every drain the guest asks for, and measured anew if the guest moved its
 * TSC.
 *
 * Order.  The vmm drains the ring at every exit, after timing it, then
 * writes the exit: every record the guest wrote before an exit comes out
 * before it, so the output is in time order.
 *
 * The ring is hostile input.  Setup checks the whole header (a bad one
 * ends the VM: LDE_VMM_EXIT_BADCALL); afterwards only head, dropped and
 * magic are read again, against the vmm's own nrec and tail.  A record of
 * an unknown type, or with a pid or argument out of range, is skipped and
 * counted; one of a category not asked for is skipped silently.
 *
 * JSON tracks (pid/tid in Chrome's sense):
 *   pid 1000000 "lde guest": tid 1000000 "kernel" (system calls as slices,
 *       cut at context switches; interrupts, exceptions and switches as
 *       instants), tid P per guest process P (its states as slices:
 *       running, ready, blocked, zombie; fork/exec/exit/wait/signal/mark
 *       instants)
 *   pid 1000001 "lde vmm": tid 1000001 "VM exits" (each exit a slice as
 *       long as the vmm's handling of it)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <lde/ports.h>
#include <lde/proc.h>
#include <lde/signal.h>
#include <lde/status.h>
#include <lde/syscall.h>
#include <lde/trace.h>
#include <lde/version.h>

#include "layout.h"
#include "vmm.h"

#define OUTBUF       (64u * 1024)
#define OUTBUF_FLUSH (OUTBUF - 2048) /* one event is far shorter */
#define PIDSLOTS     1024u           /* a power of two */
#define JSON_GUEST   (LDE_TRACE_PID_MAX + 1)
#define JSON_VMM     (LDE_TRACE_PID_MAX + 2)
#define MSR_IA32_TSC 0x10u
#define GUEST_CATS   (LDE_TRACE_ALL & ~LDE_TRACE_EXIT)
#define RING_HDR     sizeof(struct lde_trace_ring)
#define REC          sizeof(struct lde_trace_rec)

/* What the JSON writer remembers of a guest process, direct-mapped by
 * pid: a pid that collides evicts the other, whose open state slice is
 * closed first. */
struct pidslot {
	int32_t pid;     /* -1: free */
	uint8_t state;   /* of the open state slice; LDE_PROC_UNUSED: none */
	bool in_syscall; /* switched out inside a system call */
	uint16_t sysno;
	uint64_t since; /* host TSC: the state's start */
	uint64_t sysarg;
	char name[17];
};

static struct {
	bool on, json, started, finished, write_failed, ring;
	uint32_t mask;
	int fd;
	const char *path;
	pthread_t owner;

	uint64_t gpa, tail, dropped;
	uint32_t nrec;

	uint64_t t0, khz, offset, sync_err, t_last;

	uint64_t events, exits, malformed, filtered;

	struct {
		bool open, resumed;
		int32_t pid;
		uint16_t nr;
		uint64_t arg, start;
	} ks;             /* the kernel track's open system-call slice */
	int32_t cur;      /* the pid that ran at the latest record */
	bool first_event; /* JSON: no comma before it */

	size_t len;
	char buf[OUTBUF];
	struct pidslot pids[PIDSLOTS];
} T;

/* ---- output ---- */

/* Once the vmm is stopping (--timeout, a signal, Ctrl-A x), a trace
 * reader that stopped reading (a FIFO, a pipe) must not hold up its exit:
 * wait at most STOP_GRACE_MS for room, then write no more than the pipe
 * takes without blocking (PIPE_BUF once POLLOUT is set). */
#define STOP_GRACE_MS 1000

static bool room_while_stopping(void)
{
	struct pollfd p = {.fd = T.fd, .events = POLLOUT};

	return poll(&p, 1, STOP_GRACE_MS) == 1 && (p.revents & POLLOUT);
}

static void flush(void)
{
	size_t off = 0;

	while (off < T.len && !T.write_failed) {
		size_t chunk = T.len - off;

		if (exit_stop_pending()) {
			if (!room_while_stopping()) {
				T.write_failed = true;
				msg("trace: %s: no reader took it within %d ms of the stop; trace "
				    "stopped here",
				    T.path, STOP_GRACE_MS);
				break;
			}
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		ssize_t n = write(T.fd, T.buf + off, chunk);

		if (n < 0 && errno == EINTR)
			continue; /* a stop interrupted it: the test above decides */
		if (n <= 0) {
			T.write_failed = true;
			msg("trace: %s: %s; trace stopped here", T.path,
			    n < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)n;
	}
	T.len = 0;
}

__attribute__((format(printf, 1, 2))) static void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (T.write_failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(T.buf + T.len, OUTBUF - T.len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	T.len += (size_t)n < OUTBUF - T.len ? (size_t)n : OUTBUF - T.len - 1;
	if (T.len >= OUTBUF_FLUSH)
		flush();
}

/* s as JSON string contents: quote, backslash, control and non-ASCII
 * bytes escaped (guest-supplied names are arbitrary bytes). */
static const char *jstr(char *dst, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			dst[n++] = '\\', dst[n++] = (char)c;
		else if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(dst + n, cap - n, "\\u%04x", c);
		else
			dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return dst;
}

/* ---- time ---- */

/* Nanoseconds since time zero, exactly once per instant: every time in
 * the output is printed from this, in microseconds with three decimals,
 * so a slice that ends where the next begins shows the same number for
 * both (Perfetto rounds ts * 1000 back to these nanoseconds). */
static uint64_t ts_ns(uint64_t host)
{
	int64_t d = (int64_t)(host - T.t0);

	return d <= 0 ? 0 : (uint64_t)((unsigned __int128)d * 1000000u / T.khz);
}

#define US_FMT     "%llu.%03llu"
#define US_ARG(ns) (unsigned long long)((ns) / 1000), (unsigned long long)((ns) % 1000)

static uint64_t guest_to_host(uint64_t gtsc)
{
	return gtsc - T.offset;
}

/* One bracket: the guest TSC between two host rdtsc.  -1 on failure. */
static int tsc_sample(const struct vm *vm, uint64_t *g, uint64_t *a, uint64_t *b)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m;

	memset(&m, 0, sizeof(m));
	m.h.nmsrs = 1;
	m.e.index = MSR_IA32_TSC;
	*a = host_tsc();
	if (ioctl(vm->vcpu_fd, KVM_GET_MSRS, &m) != 1)
		return -1;
	*b = host_tsc();
	*g = m.e.data;
	return 0;
}

static void tsc_sync(const struct vm *vm)
{
	uint64_t g, a, b, best = UINT64_MAX;

	if (vm->vcpu_fd < 0)
		return;
	for (int i = 0; i < 5; i++) {
		if (tsc_sample(vm, &g, &a, &b) < 0) {
			msg("trace: KVM_GET_MSRS(IA32_TSC): %s; guest times assume guest TSC = "
			    "host TSC",
			    strerror(errno));
			return;
		}
		if (b - a < best) {
			best = b - a;
			T.offset = g - (a + (b - a) / 2);
		}
	}
	T.sync_err = best / 2;
}

/* Is the offset still inside a fresh bracket?  If not (the guest wrote
 * its TSC), measure it again. */
static void tsc_check(const struct vm *vm)
{
	uint64_t g, a, b;

	if (vm->vcpu_fd < 0 || tsc_sample(vm, &g, &a, &b) < 0)
		return;
	if ((int64_t)(T.offset + T.sync_err - (g - b)) >= 0 &&
	    (int64_t)((g - a) + T.sync_err - T.offset) >= 0)
		return;
	tsc_sync(vm);
}

/* ---- names ---- */

static const char *const sys_names[LDE_NSYSCALL] = {
    [SYS_floor] = "floor",
    [SYS_exit] = "exit",
    [SYS_fork] = "fork",
    [SYS_execve] = "execve",
    [SYS_waitpid] = "waitpid",
    [SYS_getpid] = "getpid",
    [SYS_getppid] = "getppid",
    [SYS_yield] = "yield",
    [SYS_sleep] = "sleep",
    [SYS_uptime] = "uptime",
    [SYS_read] = "read",
    [SYS_write] = "write",
    [SYS_sbrk] = "sbrk",
    [SYS_procsnap] = "procsnap",
    [SYS_sysinfo] = "sysinfo",
    [SYS_kill] = "kill",
    [SYS_sigaction] = "sigaction",
    [SYS_sigreturn] = "sigreturn",
    [SYS_sigprocmask] = "sigprocmask",
    [SYS_pause] = "pause",
    [SYS_alarm] = "alarm",
    [SYS_open] = "open",
    [SYS_close] = "close",
    [SYS_lseek] = "lseek",
    [SYS_unlink] = "unlink",
    [SYS_fstat] = "fstat",
    [SYS_stat] = "stat",
    [SYS_mkdir] = "mkdir",
    [SYS_getdents] = "getdents",
    [SYS_pipe] = "pipe",
    [SYS_dup] = "dup",
    [SYS_dup2] = "dup2",
    [SYS_chdir] = "chdir",
    [SYS_getcwd] = "getcwd",
    [SYS_setpgid] = "setpgid",
    [SYS_getpgid] = "getpgid",
    [SYS_ioctl] = "ioctl",
    [SYS_rmdir] = "rmdir",
    [SYS_kcheck] = "kcheck",
    [SYS_tracemark] = "tracemark",
    [SYS_timerlat] = "timerlat",
};

static const char *sys_name(uint64_t nr, char buf[16])
{
	if (nr < LDE_NSYSCALL && sys_names[nr])
		return sys_names[nr];
	snprintf(buf, 16, "sys_%llu", (unsigned long long)(nr & 0xffffffff));
	return buf;
}

static const char *const sig_names[LDE_NSIG] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD",
    [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
};

static const char *sig_name(uint64_t sig, char buf[16])
{
	if (sig < LDE_NSIG && sig_names[sig])
		return sig_names[sig];
	snprintf(buf, 16, "SIG%llu", (unsigned long long)(sig & 0xff));
	return buf;
}

static const char *const state_names[] = {
    [LDE_PROC_UNUSED] = "unused",   [LDE_PROC_EMBRYO] = "embryo",   [LDE_PROC_READY] = "ready",
    [LDE_PROC_RUNNING] = "running", [LDE_PROC_BLOCKED] = "blocked", [LDE_PROC_ZOMBIE] = "zombie",
};

/* Colours chrome://tracing knows by name (Perfetto picks its own). */
static const char *const state_colours[] = {
    [LDE_PROC_UNUSED] = "grey",
    [LDE_PROC_EMBRYO] = "thread_state_unknown",
    [LDE_PROC_READY] = "thread_state_runnable",
    [LDE_PROC_RUNNING] = "thread_state_running",
    [LDE_PROC_BLOCKED] = "thread_state_iowait",
    [LDE_PROC_ZOMBIE] = "grey",
};

static const char *const switch_reasons[] = {
    [LDE_SW_PREEMPTED] = "preempted",
    [LDE_SW_YIELDED] = "yielded",
    [LDE_SW_BLOCKED] = "blocked",
    [LDE_SW_EXITED] = "exited",
};

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE",  "#CP",
};

static const char *vector_name(uint64_t v, char buf[16])
{
	if (v < 32 && exc_names[v])
		return exc_names[v];
	if (v == 32)
		return "timer";
	if (v == 32 + 4)
		return "COM1";
	if (v == 0x80)
		return "int 0x80";
	if (v == 0xff)
		return "spurious";
	if (v > 32 && v < 48)
		snprintf(buf, 16, "IRQ %u", (unsigned)(v - 32));
	else
		snprintf(buf, 16, "vector %llu", (unsigned long long)(v & 0xffff));
	return buf;
}

/* A wait status as words: "exited 1", "killed by SIGSEGV". */
static const char *wait_text(uint64_t status, char buf[32])
{
	char sb[16];

	if ((status & 0x7f) == 0)
		snprintf(buf, 32, "exited %u", (unsigned)((status >> 8) & 0xff));
	else
		snprintf(buf, 32, "killed by %s", sig_name(status & 0x7f, sb));
	return buf;
}

/* The exec name: a0..a1 as 16 bytes, NUL-padded, made printable. */
static void exec_name(const struct lde_trace_rec *r, char name[17])
{
	memcpy(name, &r->a0, 8);
	memcpy(name + 8, &r->a1, 8);
	name[16] = '\0';
	for (int i = 0; i < 16 && name[i]; i++) {
		if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] >= 0x7f)
			name[i] = '?';
	}
}

/* ---- checking records ---- */

static bool pid_ok(int64_t p)
{
	return p >= 0 && p <= LDE_TRACE_PID_MAX;
}

/* NULL when the record is well formed, else what is wrong with it. */
static const char *rec_invalid(const struct lde_trace_rec *r)
{
	if (r->type == LDE_EV_NONE || r->type >= LDE_EV_NTYPES)
		return "type";
	if (!pid_ok(r->pid))
		return "pid";
	switch (r->type) {
	case LDE_EV_SWITCH:
		return pid_ok((int64_t)r->a0) && r->a1 <= LDE_SW_EXITED ? NULL : "switch";
	case LDE_EV_FORK:
	case LDE_EV_WAIT:
		return pid_ok((int64_t)r->a0) && r->a0 != 0 ? NULL : "child pid";
	case LDE_EV_STATE:
		return r->a0 <= LDE_PROC_ZOMBIE && r->a1 <= LDE_PROC_ZOMBIE ? NULL : "state";
	case LDE_EV_SIGNAL_SEND:
		/* a0 < 0: group -a0, negated unsigned (-INT64_MIN overflows) */
		return pid_ok((int64_t)r->a0) || pid_ok((int64_t)(0 - r->a0))
		           ? (r->a1 < LDE_NSIG ? NULL : "signal")
		           : "target pid";
	case LDE_EV_SIGNAL_DELIVER:
		return r->a0 >= 1 && r->a0 < LDE_NSIG ? NULL : "signal";
	default:
		return NULL;
	}
}

/* ---- text ---- */

static void text_line(uint64_t t, const char *who, int64_t pid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void text_line(uint64_t t, const char *who, int64_t pid, const char *fmt, ...)
{
	char what[256], whom[24] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (pid == 0)
		snprintf(whom, sizeof(whom), "kernel");
	else if (pid > 0)
		snprintf(whom, sizeof(whom), "pid %lld", (long long)pid);
	out("%10llu.%03llu  %-5s  %-10s %s\n", US_ARG(ts_ns(t)), who, whom, what);
}

static void text_record(const struct lde_trace_rec *r, uint64_t t)
{
	char b1[32], b2[32], name[17];

	switch (r->type) {
	case LDE_EV_SYSCALL_ENTER:
		text_line(t, "guest", r->pid, "syscall %s (%llu) enter, arg 0x%llx",
		          sys_name(r->a0, b1), (unsigned long long)r->a0,
		          (unsigned long long)r->a1);
		break;
	case LDE_EV_SYSCALL_EXIT:
		text_line(t, "guest", r->pid, "syscall %s (%llu) exit = %lld", sys_name(r->a0, b1),
		          (unsigned long long)r->a0, (long long)r->a1);
		break;
	case LDE_EV_EXCEPTION:
		text_line(t, "guest", r->pid, "exception %llu %s at rip 0x%llx",
		          (unsigned long long)r->a0, vector_name(r->a0, b1),
		          (unsigned long long)r->a1);
		break;
	case LDE_EV_IRQ:
		text_line(t, "guest", r->pid, "irq %llu (%s)", (unsigned long long)r->a0,
		          vector_name(r->a0, b1));
		break;
	case LDE_EV_SWITCH:
		text_line(t, "guest", r->pid, "switch %d -> %lld (%s)", r->pid, (long long)r->a0,
		          switch_reasons[r->a1]);
		break;
	case LDE_EV_FORK:
		text_line(t, "guest", r->pid, "fork -> child %lld", (long long)r->a0);
		break;
	case LDE_EV_EXEC:
		exec_name(r, name);
		text_line(t, "guest", r->pid, "exec \"%s\"", name);
		break;
	case LDE_EV_EXIT:
		text_line(t, "guest", r->pid, "exit status 0x%llx (%s)", (unsigned long long)r->a0,
		          wait_text(r->a0, b1));
		break;
	case LDE_EV_STATE:
		text_line(t, "guest", r->pid, "state %s -> %s", state_names[r->a0],
		          state_names[r->a1]);
		break;
	case LDE_EV_SIGNAL_SEND:
		text_line(t, "guest", r->pid, "kill -> %lld %s", (long long)r->a0,
		          sig_name(r->a1, b1));
		break;
	case LDE_EV_SIGNAL_DELIVER:
		text_line(t, "guest", r->pid, "signal %s delivered, handler 0x%llx",
		          sig_name(r->a0, b1), (unsigned long long)r->a1);
		break;
	case LDE_EV_WAIT:
		text_line(t, "guest", r->pid, "wait reaped %lld, status 0x%llx (%s)",
		          (long long)r->a0, (unsigned long long)r->a1, wait_text(r->a1, b2));
		break;
	case LDE_EV_USER:
		text_line(t, "guest", r->pid, "mark 0x%llx 0x%llx", (unsigned long long)r->a0,
		          (unsigned long long)r->a1);
		break;
	}
}

/* ---- JSON ---- */

static void j_sep(void)
{
	out(T.first_event ? "\n" : ",\n");
	T.first_event = false;
}

/* Metadata: a track's name (val) or sort index (ival, when val is NULL). */
static void j_meta(const char *what, int pid, int tid, const char *val, int ival)
{
	char esc[64];

	j_sep();
	out("{\"name\":\"%s\",\"ph\":\"M\",\"ts\":0,\"pid\":%d,\"tid\":%d,\"args\":{", what, pid,
	    tid);
	if (val)
		out("\"name\":\"%s\"}}", jstr(esc, sizeof(esc), val));
	else
		out("\"sort_index\":%d}}", ival);
}

/* An instant on a thread (or, with tid 0, global). */
static void j_instant(uint64_t t, int tid, const char *cat, const char *name, const char *args)
{
	char esc[96];

	j_sep();
	out("{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"ts\":" US_FMT ",\"pid\":%d,\"tid\":%d,"
	    "\"s\":\"%s\",\"args\":{%s}}",
	    jstr(esc, sizeof(esc), name), cat, US_ARG(ts_ns(t)), tid ? JSON_GUEST : JSON_VMM,
	    tid ? tid : JSON_VMM, tid ? "t" : "g", args);
}

static void j_slice(uint64_t start, uint64_t end, int pid, int tid, const char *cat,
                    const char *name, const char *cname, const char *args)
{
	char esc[96];
	const uint64_t s = ts_ns(start), e = ts_ns(end), d = e > s ? e - s : 0;

	j_sep();
	out("{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":" US_FMT ",\"dur\":" US_FMT
	    ",\"pid\":%d,\"tid\":%d,%s%s%s\"args\":{%s}}",
	    jstr(esc, sizeof(esc), name), cat, US_ARG(s), US_ARG(d), pid, tid,
	    cname ? "\"cname\":\"" : "", cname ? cname : "", cname ? "\"," : "", args);
}

static int track(int32_t pid)
{
	return pid == 0 ? JSON_GUEST : pid;
}

static void name_thread(const struct pidslot *s)
{
	j_meta("thread_name", JSON_GUEST, s->pid, s->name, 0);
	j_meta("thread_sort_index", JSON_GUEST, s->pid, NULL, s->pid);
}

/* Close the open state slice of s at t and open new (UNUSED: none). */
static void j_state(struct pidslot *s, uint8_t state, uint64_t t)
{
	char args[64];

	if (s->state != LDE_PROC_UNUSED) {
		snprintf(args, sizeof(args), "\"state\":\"%s\"", state_names[s->state]);
		j_slice(s->since, t, JSON_GUEST, s->pid, "state", state_names[s->state],
		        state_colours[s->state], args);
	}
	s->state = state;
	s->since = t;
}

static struct pidslot *slot(int32_t pid, uint64_t t)
{
	struct pidslot *s = &T.pids[(uint32_t)pid & (PIDSLOTS - 1)];

	if (s->pid == pid)
		return s;
	if (s->pid > 0)
		j_state(s, LDE_PROC_UNUSED, t);
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	snprintf(s->name, sizeof(s->name), "pid");
	name_thread(s);
	return s;
}

/* The kernel track's system-call slice ends at t: complete (with its
 * result) or cut by a switch (its process resumes it later). */
static void ks_close(uint64_t t, bool complete, int64_t result)
{
	char args[160], nb[16];
	int n;

	if (!T.ks.open)
		return;
	n = snprintf(args, sizeof(args), "\"pid\":%d,\"nr\":%u,\"arg\":\"0x%llx\"", T.ks.pid,
	             T.ks.nr, (unsigned long long)T.ks.arg);
	if (complete)
		snprintf(args + n, sizeof(args) - (size_t)n, ",\"result\":%lld%s",
		         (long long)result, T.ks.resumed ? ",\"resumed\":true" : "");
	else
		snprintf(args + n, sizeof(args) - (size_t)n, ",\"switched_out\":true%s",
		         T.ks.resumed ? ",\"resumed\":true" : "");
	j_slice(T.ks.start, t, JSON_GUEST, JSON_GUEST, "syscall", sys_name(T.ks.nr, nb), NULL,
	        args);
	if (!complete && T.ks.pid > 0) {
		struct pidslot *s = slot(T.ks.pid, t);

		s->in_syscall = true;
		s->sysno = T.ks.nr;
		s->sysarg = T.ks.arg;
	}
	T.ks.open = false;
}

static void ks_open(int32_t pid, uint16_t nr, uint64_t arg, uint64_t t, bool resumed)
{
	T.ks.open = true;
	T.ks.resumed = resumed;
	T.ks.pid = pid;
	T.ks.nr = nr;
	T.ks.arg = arg;
	T.ks.start = t;
}

/* A record says pid is running at t: a slice another process left open
 * was cut by a switch the trace did not show; a process that was switched
 * out inside a system call is back in it. */
static void running(int32_t pid, uint64_t t)
{
	struct pidslot *s;

	if (pid == T.cur)
		return;
	if (T.ks.open && T.ks.pid != pid)
		ks_close(t, false, 0);
	T.cur = pid;
	if (pid == 0)
		return;
	s = slot(pid, t);
	if (s->in_syscall && !T.ks.open) {
		ks_open(pid, s->sysno, s->sysarg, t, true);
		s->in_syscall = false;
	}
}

static void json_record(const struct lde_trace_rec *r, uint64_t t)
{
	char args[160], b1[32], b2[32], name[40];
	struct pidslot *s;

	if (r->type != LDE_EV_STATE)
		running(r->pid, t);
	switch (r->type) {
	case LDE_EV_SYSCALL_ENTER:
		ks_close(t, false, 0);
		if (r->pid > 0)
			slot(r->pid, t)->in_syscall = false;
		ks_open(r->pid, (uint16_t)(r->a0 < 0xffff ? r->a0 : 0xffff), r->a1, t, false);
		break;
	case LDE_EV_SYSCALL_EXIT:
		if (T.ks.open && T.ks.pid == r->pid) {
			ks_close(t, true, (int64_t)r->a1);
		} else {
			snprintf(args, sizeof(args), "\"pid\":%d,\"nr\":%llu,\"result\":%lld",
			         r->pid, (unsigned long long)r->a0, (long long)r->a1);
			snprintf(name, sizeof(name), "%s returns", sys_name(r->a0, b1));
			j_instant(t, JSON_GUEST, "syscall", name, args);
		}
		break;
	case LDE_EV_EXCEPTION:
		snprintf(args, sizeof(args), "\"pid\":%d,\"vector\":%llu,\"rip\":\"0x%llx\"",
		         r->pid, (unsigned long long)r->a0, (unsigned long long)r->a1);
		j_instant(t, JSON_GUEST, "irq", vector_name(r->a0, b1), args);
		break;
	case LDE_EV_IRQ:
		snprintf(args, sizeof(args), "\"pid\":%d,\"vector\":%llu", r->pid,
		         (unsigned long long)r->a0);
		snprintf(name, sizeof(name), "irq %s", vector_name(r->a0, b1));
		j_instant(t, JSON_GUEST, "irq", name, args);
		break;
	case LDE_EV_SWITCH:
		snprintf(args, sizeof(args), "\"from\":%d,\"to\":%lld,\"reason\":\"%s\"", r->pid,
		         (long long)r->a0, switch_reasons[r->a1]);
		snprintf(name, sizeof(name), "switch %d -> %lld", r->pid, (long long)r->a0);
		j_instant(t, JSON_GUEST, "sched", name, args);
		running((int32_t)r->a0, t);
		break;
	case LDE_EV_FORK:
		snprintf(args, sizeof(args), "\"child\":%lld", (long long)r->a0);
		j_instant(t, track(r->pid), "proc", "fork", args);
		s = slot((int32_t)r->a0, t);
		if (r->pid > 0) {
			memcpy(s->name, slot(r->pid, t)->name, sizeof(s->name));
			name_thread(s);
		}
		break;
	case LDE_EV_EXEC:
		exec_name(r, name);
		if (r->pid > 0) {
			s = slot(r->pid, t);
			memcpy(s->name, name, sizeof(s->name));
			name_thread(s);
		}
		snprintf(args, sizeof(args), "\"name\":\"%s\"", jstr(b1, sizeof(b1), name));
		snprintf(b2, sizeof(b2), "exec %s", name);
		j_instant(t, track(r->pid), "proc", b2, args);
		break;
	case LDE_EV_EXIT:
		snprintf(args, sizeof(args), "\"status\":%llu,\"meaning\":\"%s\"",
		         (unsigned long long)r->a0, wait_text(r->a0, b1));
		j_instant(t, track(r->pid), "proc", "exit", args);
		break;
	case LDE_EV_STATE:
		if (r->pid > 0)
			j_state(slot(r->pid, t), (uint8_t)r->a1, t);
		break;
	case LDE_EV_SIGNAL_SEND:
		snprintf(args, sizeof(args), "\"target\":%lld,\"signal\":\"%s\"", (long long)r->a0,
		         sig_name(r->a1, b1));
		snprintf(name, sizeof(name), "kill %s", sig_name(r->a1, b1));
		j_instant(t, track(r->pid), "signal", name, args);
		break;
	case LDE_EV_SIGNAL_DELIVER:
		snprintf(args, sizeof(args), "\"signal\":\"%s\",\"handler\":\"0x%llx\"",
		         sig_name(r->a0, b1), (unsigned long long)r->a1);
		snprintf(name, sizeof(name), "signal %s", sig_name(r->a0, b1));
		j_instant(t, track(r->pid), "signal", name, args);
		break;
	case LDE_EV_WAIT:
		snprintf(args, sizeof(args), "\"child\":%lld,\"status\":%llu,\"meaning\":\"%s\"",
		         (long long)r->a0, (unsigned long long)r->a1, wait_text(r->a1, b1));
		j_instant(t, track(r->pid), "proc", "wait", args);
		s = &T.pids[(uint32_t)r->a0 & (PIDSLOTS - 1)];
		if (s->pid == (int32_t)r->a0)
			j_state(s, LDE_PROC_UNUSED, t); /* reaped: gone */
		break;
	case LDE_EV_USER:
		snprintf(args, sizeof(args), "\"a0\":\"0x%llx\",\"a1\":\"0x%llx\"",
		         (unsigned long long)r->a0, (unsigned long long)r->a1);
		j_instant(t, track(r->pid), "syscall", "mark", args);
		break;
	}
}

/* A vmm-side note on the timeline (ring set up, events dropped), stamped
 * with the latest event's time so the text stays in time order. */
static void note(uint64_t t, const char *name, const char *args_json, const char *text)
{
	if (T.json)
		j_instant(t, 0, "trace", name, args_json);
	else
		text_line(t, "vmm", -1, "%s", text);
}

/* ---- the ring ---- */

static struct lde_trace_ring *ring_hdr(const struct vm *vm)
{
	return (struct lde_trace_ring *)(vm->ram + T.gpa);
}

/* A ring that lies: say what, in one line, forget the ring. */
__attribute__((format(printf, 2, 3))) static int ring_bad(const char *ctx, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	msg("%s at 0x%llx: %s", ctx, (unsigned long long)T.gpa, why);
	T.ring = false;
	return LDE_VMM_EXIT_BADCALL;
}

static void record(const struct lde_trace_rec *r)
{
	uint64_t t = guest_to_host(r->tsc);

	if (rec_invalid(r)) {
		T.malformed++;
		return;
	}
	if (!(T.mask & LDE_TRACE_CAT(r->type))) {
		T.filtered++;
		return;
	}
	T.events++;
	T.t_last = t;
	if (T.json)
		json_record(r, t);
	else
		text_record(r, t);
}

/* Everything between tail and head, then tail = head.  ctx names the
 * caller for a report. */
static int drain(const struct vm *vm, const char *ctx)
{
	struct lde_trace_ring *h;
	struct lde_trace_rec rec;
	uint64_t head, n, dropped;
	char args[64], text[64];

	if (!T.ring)
		return VM_CONTINUE;
	h = ring_hdr(vm);
	if (h->magic != LDE_TRACE_MAGIC)
		return ring_bad(ctx, "magic overwritten: 0x%x, not 0x%x", h->magic,
		                LDE_TRACE_MAGIC);
	head = h->head;
	n = head - T.tail;
	if (n > T.nrec)
		return ring_bad(ctx, "head %llu - tail %llu = %lld, not 0..nrec %u",
		                (unsigned long long)head, (unsigned long long)T.tail, (long long)n,
		                T.nrec);
	for (uint64_t i = 0; i < n; i++) {
		memcpy(&rec, &h->recs[(T.tail + i) & (T.nrec - 1)], REC);
		record(&rec);
	}
	T.tail = head;
	h->tail = head;
	dropped = h->dropped;
	if (dropped != T.dropped) {
		if (dropped > T.dropped) {
			snprintf(args, sizeof(args), "\"dropped\":%llu,\"total\":%llu",
			         (unsigned long long)(dropped - T.dropped),
			         (unsigned long long)dropped);
			snprintf(text, sizeof(text), "ring full: %llu events dropped (%llu in all)",
			         (unsigned long long)(dropped - T.dropped),
			         (unsigned long long)dropped);
			note(T.t_last, "ring full: events dropped", args, text);
		}
		T.dropped = dropped;
	}
	return VM_CONTINUE;
}

uint32_t trace_setup_query(void)
{
	return T.on && (T.mask & GUEST_CATS) != 0;
}

int trace_setup(struct vm *vm, uint32_t gpa)
{
	static const char ctx[] = "port 0x1de4 (lde trace setup): ring";
	struct lde_trace_ring h;
	char args[96], text[96];
	int st;

	if (gpa % LAYOUT_PAGE != 0 ||
	    (gpa != 0 && (gpa < LAYOUT_RAM_START || gpa >= vm->ram_size))) {
		msg("port 0x%x (lde trace setup): ring address 0x%x not a page in guest RAM",
		    LDE_PORT_TRACE_SETUP, gpa);
		return LDE_VMM_EXIT_BADCALL;
	}
	if (!trace_setup_query()) { /* not tracing: remembered, never read */
		vm->trace_gpa = gpa;
		return VM_CONTINUE;
	}
	st = drain(vm, ctx); /* the ring it replaces, if any */
	T.ring = false;
	vm->trace_gpa = 0;
	if (st != VM_CONTINUE || gpa == 0)
		return st;

	T.gpa = gpa;
	if (vm->ram_size - gpa < RING_HDR)
		return ring_bad(ctx, "header runs past the end of guest RAM (0x%llx)",
		                (unsigned long long)vm->ram_size);
	memcpy(&h, vm->ram + gpa, RING_HDR);
	if (h.magic != LDE_TRACE_MAGIC)
		return ring_bad(ctx, "magic 0x%x, not 0x%x", h.magic, LDE_TRACE_MAGIC);
	if (h.version != LDE_TRACE_VERSION)
		return ring_bad(ctx, "version %u, the vmm knows %u", h.version, LDE_TRACE_VERSION);
	if (h.nrec == 0 || (h.nrec & (h.nrec - 1)) != 0 || h.nrec > LDE_TRACE_NREC_MAX)
		return ring_bad(ctx, "nrec %u, not a power of two in 1..%u", h.nrec,
		                LDE_TRACE_NREC_MAX);
	if ((vm->ram_size - gpa - RING_HDR) / REC < h.nrec)
		return ring_bad(ctx, "%u records run past the end of guest RAM (0x%llx)", h.nrec,
		                (unsigned long long)vm->ram_size);
	if (h.watermark == 0 || h.watermark > h.nrec)
		return ring_bad(ctx, "watermark %u, not 1..nrec %u", h.watermark, h.nrec);
	if (h.head - h.tail > h.nrec)
		return ring_bad(ctx, "head %llu - tail %llu = %lld, not 0..nrec %u",
		                (unsigned long long)h.head, (unsigned long long)h.tail,
		                (long long)(h.head - h.tail), h.nrec);

	T.nrec = h.nrec;
	T.tail = h.tail;
	T.dropped = h.dropped;
	T.ring = true;
	vm->trace_gpa = gpa;
	ring_hdr(vm)->mask = T.mask & GUEST_CATS;
	tsc_sync(vm);
	snprintf(args, sizeof(args), "\"address\":\"0x%x\",\"nrec\":%u,\"watermark\":%u", gpa,
	         h.nrec, h.watermark);
	snprintf(text, sizeof(text), "trace ring at 0x%x: %u records, watermark %u", gpa, h.nrec,
	         h.watermark);
	note(T.t_last, "trace ring set up", args, text);
	return VM_CONTINUE;
}

int trace_drain_call(struct vm *vm)
{
	if (!T.ring)
		return VM_CONTINUE;
	tsc_check(vm);
	return drain(vm, "port 0x1de5 (lde trace drain): ring");
}

/* ---- the vmm's exits ---- */

static void exit_event(const struct vm *vm, uint32_t reason, uint64_t t_ret, uint64_t t_done)
{
	const struct kvm_run *run = vm->run;
	char name[80], args[160], access[16];
	const double dur = (double)(t_done - t_ret) * 1000.0 / (double)T.khz;

	if (reason == KVM_EXIT_IO) {
		snprintf(access, sizeof(access), "%s%u", run->io.direction ? "out" : "in",
		         run->io.size * 8u);
		snprintf(name, sizeof(name), "%s 0x%x %s", access, run->io.port,
		         port_name(run->io.port));
		snprintf(args, sizeof(args),
		         "\"reason\":\"IO\",\"port\":\"0x%x\",\"access\":\"%s\",\"count\":%u",
		         run->io.port, access, run->io.count);
	} else {
		snprintf(name, sizeof(name), "%s", exit_reason_name(reason));
		snprintf(args, sizeof(args), "\"reason\":\"%s\"", name);
	}
	if (T.json) {
		j_slice(t_ret, t_done, JSON_VMM, JSON_VMM, "exit", name, NULL, args);
	} else if (reason == KVM_EXIT_IO && run->io.count > 1) {
		text_line(t_ret, "vmm", -1, "exit IO %s x%u, %.3f us", name, run->io.count, dur);
	} else {
		text_line(t_ret, "vmm", -1, "exit %s%s, %.3f us",
		          reason == KVM_EXIT_IO ? "IO " : "", name, dur);
	}
}

int trace_exit(struct vm *vm, uint32_t reason, uint64_t t_ret, uint64_t t_done, int st)
{
	int d;

	if (!T.on || T.finished)
		return st;
	d = drain(vm, "trace ring");
	if (st == VM_CONTINUE)
		st = d;
	T.exits++;
	if (T.mask & LDE_TRACE_EXIT) {
		exit_event(vm, reason, t_ret, t_done);
		T.t_last = t_done;
	}
	return st;
}

/* ---- start and end ---- */

static void header(void)
{
	if (T.json) {
		/* No displayTimeUnit: some Perfetto versions take it as the
		 * unit of ts, which is microseconds here as the format says. */
		out("{\"traceEvents\":[");
		T.first_event = true;
		j_meta("process_name", JSON_GUEST, JSON_GUEST, "lde guest", 0);
		j_meta("process_sort_index", JSON_GUEST, JSON_GUEST, NULL, 0);
		j_meta("thread_name", JSON_GUEST, JSON_GUEST, "kernel", 0);
		j_meta("thread_sort_index", JSON_GUEST, JSON_GUEST, NULL, -1);
		j_meta("process_name", JSON_VMM, JSON_VMM, "lde vmm", 0);
		j_meta("process_sort_index", JSON_VMM, JSON_VMM, NULL, 1);
		j_meta("thread_name", JSON_VMM, JSON_VMM, "VM exits", 0);
	} else {
		out("# lde trace: time in us since the vCPU's first KVM_RUN (host TSC, %llu kHz); "
		    "guest TSC = host TSC + %lld (+-%llu cycles)\n",
		    (unsigned long long)T.khz, (long long)T.offset, (unsigned long long)T.sync_err);
		out("# %12s  %-5s  %-10s %s\n", "us", "from", "process", "event");
	}
}

void trace_open(const char *path, uint32_t mask)
{
	size_t n = strlen(path);

	T.on = true;
	T.mask = mask;
	T.path = path;
	T.json = n > 5 && strcmp(path + n - 5, ".json") == 0;
	T.owner = pthread_self();
	T.cur = -1;
	for (unsigned i = 0; i < PIDSLOTS; i++)
		T.pids[i].pid = -1;
	if (strcmp(path, "-") == 0) {
		T.fd = 2;
		T.path = "stderr";
		return;
	}
	T.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (T.fd < 0)
		die(LDE_VMM_EXIT_OSERR, "--trace %s: %s", path, strerror(errno));
}

void trace_start(struct vm *vm)
{
	if (!T.on || T.started)
		return;
	T.started = true;
	T.khz = observe_tsc_khz(vm);
	tsc_sync(vm);
	T.t0 = host_tsc();
	T.t_last = T.t0;
	header();
}

void trace_finish(struct vm *vm)
{
	char args[160];
	uint64_t t;

	if (!T.on || T.finished || !pthread_equal(pthread_self(), T.owner))
		return;
	if (!T.started) { /* the vmm ended before the guest ran */
		T.khz = observe_tsc_khz(vm);
		T.t0 = host_tsc();
		header();
		T.started = true;
	}
	drain(vm, "trace ring (at exit)");
	T.finished = true;
	t = T.t_last;
	if (T.json) {
		ks_close(t, false, 0);
		for (unsigned i = 0; i < PIDSLOTS; i++) {
			if (T.pids[i].pid > 0)
				j_state(&T.pids[i], LDE_PROC_UNUSED, t);
		}
		snprintf(args, sizeof(args),
		         "\"events\":%llu,\"vm_exits\":%llu,\"dropped\":%llu,\"malformed\":%llu",
		         (unsigned long long)T.events, (unsigned long long)T.exits,
		         (unsigned long long)T.dropped, (unsigned long long)T.malformed);
		j_instant(t, 0, "trace", "trace end", args);
		out("\n],\"otherData\":{\"producer\":\"lde vmm %s\",\"clock\":\"host TSC, us since "
		    "the vCPU's first KVM_RUN\",\"tsc_khz\":%llu,\"guest_tsc_offset\":%lld,"
		    "\"sync_error_cycles\":%llu,\"ring_records\":%u,\"events\":%llu,"
		    "\"vm_exits\":%llu,\"dropped\":%llu,\"malformed\":%llu}}\n",
		    LDE_VERSION, (unsigned long long)T.khz, (long long)T.offset,
		    (unsigned long long)T.sync_err, T.nrec, (unsigned long long)T.events,
		    (unsigned long long)T.exits, (unsigned long long)T.dropped,
		    (unsigned long long)T.malformed);
	} else {
		out("# end: %llu guest events, %llu VM exits, %llu dropped, %llu malformed\n",
		    (unsigned long long)T.events, (unsigned long long)T.exits,
		    (unsigned long long)T.dropped, (unsigned long long)T.malformed);
	}
	flush(); /* the fd stays open: the vmm exits next (one call less for the sandbox) */
	if (T.dropped)
		msg("trace: %llu events dropped by the guest (its ring of %u records was full)",
		    (unsigned long long)T.dropped, T.nrec);
	if (T.malformed)
		msg("trace: %llu malformed records skipped (bad type, pid or argument)",
		    (unsigned long long)T.malformed);
}
