/*
 * --stats: VM exits by reason and, for port I/O, by port and access, with
 * the time the vmm spent on them -- the view `perf kvm stat` gives, which
 * does not work on every KVM (kvm_pvm has no kvm_exit tracepoint).
 *
 * What is timed (the table's header says it too): host TSC from
 * KVM_RUN's return to the end of the vmm's handling of that exit, just
 * before the next KVM_RUN.  That is the time the guest waits on the vmm's
 * user-space work.  KVM's own exit and re-entry path in the host kernel is
 * invisible from user space and not included, nor is this bookkeeping or
 * the tracer's (trace.c drains its ring after the exit is timed).
 *
 * Rows live in a small open-addressing table: the vmm serves fewer than
 * 200 ports and every other port ends the VM, so it never fills; if it
 * did, the excess is counted in one "other" row.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm.h"

#define ROWS 512u /* a power of two, > twice the ports the vmm serves */

struct row {
	uint32_t key; /* 0 = free; see row_key() */
	uint32_t reason;
	uint16_t port;
	uint8_t out, size;
	uint64_t count, total, max;
};

static struct {
	bool on;
	pthread_t owner;
	uint64_t t_start, t_end;
	struct row rows[ROWS];
	struct row other; /* the table was full */
} st;

void stats_enable(void)
{
	st.on = true;
	st.owner = pthread_self();
}

void stats_start(void)
{
	st.t_start = host_tsc();
}

/* Port I/O rows are keyed by port, direction and size; other reasons by
 * reason alone.  Never 0. */
static uint32_t row_key(uint32_t reason, const struct kvm_run *run)
{
	if (reason == KVM_EXIT_IO)
		return 0x80000000u | (uint32_t)run->io.direction << 28 |
		       (uint32_t)(run->io.size & 0xf) << 24 | run->io.port;
	return (reason & 0xffffffu) | 0x40000000u;
}

static struct row *row_for(uint32_t key)
{
	uint32_t h = (key * 2654435761u) >> 23; /* top 9 bits: 0..511 */

	for (unsigned i = 0; i < ROWS; i++, h = (h + 1) & (ROWS - 1)) {
		if (st.rows[h].key == key)
			return &st.rows[h];
		if (st.rows[h].key == 0) {
			st.rows[h].key = key;
			return &st.rows[h];
		}
	}
	return NULL;
}

void stats_exit(const struct vm *vm, uint32_t reason, uint64_t t_ret, uint64_t t_done)
{
	const uint64_t cycles = t_done - t_ret;
	struct row *r;

	if (!st.on)
		return;
	r = row_for(row_key(reason, vm->run));
	if (!r) {
		r = &st.other;
	} else if (r->count == 0) {
		r->reason = reason;
		if (reason == KVM_EXIT_IO) {
			r->port = vm->run->io.port;
			r->out = vm->run->io.direction == KVM_EXIT_IO_OUT;
			r->size = vm->run->io.size;
		}
	}
	r->count++;
	r->total += cycles;
	if (cycles > r->max)
		r->max = cycles;
	st.t_end = t_done;
}

/* The host TSC rate: KVM_GET_TSC_KHZ, the guest's rate, which is the
 * host's (the vmm never asks KVM to scale the guest TSC); without it,
 * measured once against CLOCK_MONOTONIC over 20 ms. */
uint64_t observe_tsc_khz(const struct vm *vm)
{
	static uint64_t measured;
	struct timespec a, b, pause = {0, 20 * 1000 * 1000};
	uint64_t ta, tb;
	double ns;

	if (vm->tsc_khz)
		return vm->tsc_khz;
	if (measured)
		return measured;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ta = host_tsc();
	nanosleep(&pause, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	tb = host_tsc();
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	measured = ns > 0 ? (uint64_t)((double)(tb - ta) * 1e6 / ns) : 1000000;
	return measured ? measured : 1;
}

static int by_reason_port(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;

	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->out != y->out)
		return x->out < y->out ? -1 : 1;
	return (int)x->size - (int)y->size;
}

static double us(uint64_t cycles, uint64_t khz)
{
	return khz ? (double)cycles * 1000.0 / (double)khz : 0.0;
}

static void line(const char *label, const struct row *r, uint64_t khz)
{
	fprintf(stderr, "  %-36s %9llu %13.3f %10.3f %10.3f\n", label, (unsigned long long)r->count,
	        us(r->total, khz), r->count ? us(r->total, khz) / (double)r->count : 0.0,
	        us(r->max, khz));
}

static void add(struct row *sum, const struct row *r)
{
	sum->count += r->count;
	sum->total += r->total;
	if (r->max > sum->max)
		sum->max = r->max;
}

void stats_report(const struct vm *vm)
{
	static const struct row *sorted[ROWS];
	struct row all = {0};
	uint64_t khz = observe_tsc_khz(vm);
	unsigned n = 0;
	char label[64];

	if (!st.on || !pthread_equal(pthread_self(), st.owner))
		return;
	st.on = false; /* once, whichever way the vmm ends */
	for (unsigned i = 0; i < ROWS; i++) {
		if (st.rows[i].count)
			sorted[n++] = &st.rows[i];
	}
	qsort(sorted, n, sizeof(sorted[0]), by_reason_port);
	for (unsigned i = 0; i < n; i++)
		add(&all, sorted[i]);
	add(&all, &st.other);

	fflush(stdout);
	msg("stats: %llu VM exits in %.3f ms; time = host TSC from KVM_RUN's return to the end "
	    "of the vmm's handling of the exit (KVM's own exit and entry not included), "
	    "%llu kHz",
	    (unsigned long long)all.count, us(st.t_end - st.t_start, khz) / 1000.0,
	    (unsigned long long)khz);
	fprintf(stderr, "  %-36s %9s %13s %10s %10s\n", "exit reason / port", "count", "total us",
	        "mean us", "max us");
	for (unsigned i = 0; i < n;) {
		struct row sum = {0};
		unsigned j;

		for (j = i; j < n && sorted[j]->reason == sorted[i]->reason; j++)
			add(&sum, sorted[j]);
		snprintf(label, sizeof(label), "%s", exit_reason_name(sorted[i]->reason));
		line(label, &sum, khz);
		for (; i < j && sorted[i]->reason == KVM_EXIT_IO; i++) {
			const struct row *r = sorted[i];

			snprintf(label, sizeof(label), "  %s%u 0x%x %s", r->out ? "out" : "in",
			         r->size * 8u, r->port, port_name(r->port));
			line(label, r, khz);
		}
		i = j;
	}
	if (st.other.count)
		line("other (table full)", &st.other, khz);
	line("all exits", &all, khz);
}
