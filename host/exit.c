/*
 * The exit loop: KVM_RUN, then a table lookup by exit reason.  Port I/O is
 * the hot path (port.c); every other handled reason ends the VM with its
 * cause and a register dump.  --stats and --trace run a second copy of the
 * loop that times each exit (stats.c, trace.c); the plain one stays as is.
 *
 * Stopping the vCPU from outside (--timeout, SIGINT/SIGTERM/SIGHUP/SIGQUIT,
 * Ctrl-A x from the input thread, a dead stdout) goes through one path: the
 * reason is recorded, then a signal handler on the vCPU thread sets
 * kvm_run->immediate_exit, so KVM_RUN returns EINTR whether the guest is
 * running, spinning with interrupts off, or about to enter.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include <lde/status.h>

#include "vmm.h"

static _Atomic int stop_why = STOP_NONE;
static _Atomic int stop_sig;
static struct kvm_run *volatile the_run;
static pthread_t vcpu_thread;
static double timeout_secs;

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void exit_request_stop(enum stop_reason why, int sig)
{
	int none = STOP_NONE;

	if (atomic_compare_exchange_strong(&stop_why, &none, (int)why))
		atomic_store(&stop_sig, sig);
	if (pthread_equal(pthread_self(), vcpu_thread)) {
		if (the_run)
			the_run->immediate_exit = 1;
	} else {
		pthread_kill(vcpu_thread, SIGUSR1);
	}
}

bool exit_stop_pending(void)
{
	return atomic_load(&stop_why) != STOP_NONE;
}

int exit_stop_signal(void)
{
	return atomic_load(&stop_why) == STOP_SIGNAL ? atomic_load(&stop_sig) : 0;
}

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGALRM)
		exit_request_stop(STOP_TIMEOUT, 0);
	else if (sig != SIGUSR1) /* SIGUSR1: a kick, the reason is recorded */
		exit_request_stop(STOP_SIGNAL, sig);
	else if (the_run)
		the_run->immediate_exit = 1;
	errno = saved;
}

void exit_install_signals(void)
{
	struct sigaction sa, old;

	vcpu_thread = pthread_self();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked write returns EINTR */
	for (unsigned i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		/* A signal ignored by whoever started us (nohup, a shell's
		 * background job) stays ignored. */
		if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(stop_signals[i], &sa, NULL);
	}
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* EPIPE on stdout is handled in console.c */
}

void exit_set_run(struct kvm_run *run)
{
	the_run = run;
	if (exit_stop_pending())
		run->immediate_exit = 1; /* a signal came during setup */
}

void exit_arm_timeout(double seconds)
{
	struct itimerval it = {0};

	timeout_secs = seconds;
	if (seconds <= 0)
		return;
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- exit reasons ---- */

static int exit_io(struct vm *vm)
{
	struct kvm_run *r = vm->run;
	uint64_t len = (uint64_t)r->io.size * r->io.count;

	if (r->io.data_offset > vm->run_size || len > vm->run_size - r->io.data_offset)
		die(LDE_VMM_EXIT_INTERNAL,
		    "KVM_EXIT_IO: data at +0x%llx, %llu bytes, outside kvm_run",
		    (unsigned long long)r->io.data_offset, (unsigned long long)len);
	return port_io(vm, r->io.port, r->io.direction == KVM_EXIT_IO_OUT, r->io.size, r->io.count,
	               (uint8_t *)r + r->io.data_offset);
}

static int exit_mmio(struct vm *vm)
{
	struct kvm_run *r = vm->run;

	msg("guest: MMIO %s of %u bytes at 0x%llx: no memory or device there",
	    r->mmio.is_write ? "write" : "read", r->mmio.len,
	    (unsigned long long)r->mmio.phys_addr);
	dump_vcpu(vm);
	return LDE_VMM_EXIT_CRASH;
}

static int exit_shutdown(struct vm *vm)
{
	msg("guest: triple fault (KVM_EXIT_SHUTDOWN)");
	dump_vcpu(vm);
	return LDE_VMM_EXIT_SHUTDOWN;
}

static int exit_fail_entry(struct vm *vm)
{
	msg("guest: VM entry failed (KVM_EXIT_FAIL_ENTRY), hardware reason 0x%llx",
	    (unsigned long long)vm->run->fail_entry.hardware_entry_failure_reason);
	dump_vcpu(vm);
	return LDE_VMM_EXIT_CRASH;
}

static int exit_internal(struct vm *vm)
{
	static const char *const sub[] = {
	    [KVM_INTERNAL_ERROR_EMULATION] = "instruction emulation failed",
	    [KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while delivering an exception",
	    [KVM_INTERNAL_ERROR_DELIVERY_EV] = "cannot deliver an event",
	    [KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected exit reason",
	};
	uint32_t s = vm->run->internal.suberror;

	msg("guest: KVM internal error (KVM_EXIT_INTERNAL_ERROR), suberror %u: %s", s,
	    s < sizeof(sub) / sizeof(sub[0]) && sub[s] ? sub[s] : "unknown");
	dump_vcpu(vm);
	return LDE_VMM_EXIT_CRASH;
}

static const char *const reason_names[] = {
    [KVM_EXIT_UNKNOWN] = "UNKNOWN",
    [KVM_EXIT_EXCEPTION] = "EXCEPTION",
    [KVM_EXIT_IO] = "IO",
    [KVM_EXIT_HYPERCALL] = "HYPERCALL",
    [KVM_EXIT_DEBUG] = "DEBUG",
    [KVM_EXIT_HLT] = "HLT",
    [KVM_EXIT_MMIO] = "MMIO",
    [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
    [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
    [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
    [KVM_EXIT_INTR] = "INTR",
    [KVM_EXIT_SET_TPR] = "SET_TPR",
    [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
    [KVM_EXIT_NMI] = "NMI",
    [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
    [KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
    [KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
    [KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
    [KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
    [KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
    [KVM_EXIT_NOTIFY] = "NOTIFY",
};

static int exit_unhandled(struct vm *vm)
{
	uint32_t r = vm->run->exit_reason;

	msg("guest: unhandled exit reason %u (KVM_EXIT_%s)", r, exit_reason_name(r));
	dump_vcpu(vm);
	return LDE_VMM_EXIT_CRASH;
}

typedef int (*exit_fn)(struct vm *vm);

static const exit_fn exit_handlers[] = {
    [KVM_EXIT_IO] = exit_io,
    [KVM_EXIT_MMIO] = exit_mmio,
    [KVM_EXIT_SHUTDOWN] = exit_shutdown,
    [KVM_EXIT_FAIL_ENTRY] = exit_fail_entry,
    [KVM_EXIT_INTERNAL_ERROR] = exit_internal,
};

/* KVM_RUN returned EINTR: a stop request, or a stray signal. */
static int interrupted(struct vm *vm)
{
	int sig;

	/* Clear first: a request that lands after the load sets it again. */
	vm->run->immediate_exit = 0;
	switch (atomic_load(&stop_why)) {
	case STOP_TIMEOUT:
		msg("guest: --timeout %gs expired", timeout_secs);
		dump_vcpu(vm);
		return LDE_VMM_EXIT_TIMEOUT;
	case STOP_USERQUIT:
		msg("console: Ctrl-A x: guest stopped");
		return LDE_VMM_EXIT_USERQUIT;
	case STOP_SIGNAL:
		sig = atomic_load(&stop_sig);
		if (sig != SIGPIPE)
			msg("SIG%s: guest stopped", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		return 128 + sig;
	default:
		return VM_CONTINUE;
	}
}

const char *exit_reason_name(uint32_t r)
{
	if (r < sizeof(reason_names) / sizeof(reason_names[0]) && reason_names[r])
		return reason_names[r];
	return "?";
}

/* One return from KVM_RUN (rc, errno): its handler's verdict. */
static inline int serve(struct vm *vm, int rc)
{
	uint32_t r;

	if (rc < 0) {
		if (errno != EINTR && errno != EAGAIN)
			die(LDE_VMM_EXIT_INTERNAL, "KVM_RUN: %s", strerror(errno));
		return interrupted(vm);
	}
	r = vm->run->exit_reason;
	if (r < sizeof(exit_handlers) / sizeof(exit_handlers[0]) && exit_handlers[r])
		return exit_handlers[r](vm);
	return exit_unhandled(vm);
}

/* --stats or --trace: the same loop, each exit timed on the host TSC from
 * KVM_RUN's return to the end of its handling, then counted and traced
 * (outside the timed span).  A KVM_RUN that returns EINTR counts as
 * KVM_EXIT_INTR. */
static int vcpu_loop_observed(struct vm *vm)
{
	const int fd = vm->vcpu_fd;

	stats_start();
	trace_start(vm);
	for (;;) {
		int rc = ioctl(fd, KVM_RUN, 0);
		uint64_t t_ret = host_tsc();
		int st = serve(vm, rc);
		uint64_t t_done = host_tsc();
		uint32_t r = rc < 0 ? KVM_EXIT_INTR : vm->run->exit_reason;

		stats_exit(vm, r, t_ret, t_done);
		st = trace_exit(vm, r, t_ret, t_done, st);
		if (st != VM_CONTINUE)
			return st;
	}
}

/* The hot path does nothing but run and serve: observing is chosen once,
 * here, not tested on every exit. */
int vcpu_loop(struct vm *vm)
{
	const int fd = vm->vcpu_fd;

	if (vm->observed)
		return vcpu_loop_observed(vm);
	for (;;) {
		int st = serve(vm, ioctl(fd, KVM_RUN, 0));

		if (st != VM_CONTINUE)
			return st;
	}
}
