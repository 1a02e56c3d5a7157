/*
 * sched.c: who runs -- the round-robin ready queue, blocking and waking,
 * timed sleeps, the timer's time slices, the switch itself and the idle
 * loop.
 *
 * A process is on at most one list through p->link: the ready queue
 * (READY), the wait list (BLOCKED on a channel, sleep_on/wakeup) or the
 * sleep list (BLOCKED until wake_tsc, sorted).  The RUNNING process is on
 * none.  Every state change goes through proc_setstate (proc.c).
 *
 * Switching is direct, process to process (one swtch, not two through a
 * scheduler thread: each costs dozens of interpreted instructions here).
 * When nothing is READY the CPU switches to the idle loop, which runs on
 * the boot stack with curproc == NULL and halts with interrupts on
 * (`sti; hlt`): an idle guest uses no host CPU.
 *
 * The timer preempts only user mode: the kernel runs with interrupts
 * off, and a tick that finds the slice used up while others are READY
 * sets need_resched, which trap.c acts on just before returning to user
 * mode.
 */
#include <lde/errno.h>
#include <lde/trace.h>

#include "defs.h"
#include "memlayout.h"
#include "proc.h"
#include "trace.h"
#include "x86.h"

struct proc *curproc;
static struct list runq = LIST_INIT(runq);
static struct list waitq = LIST_INIT(waitq);
static struct list sleepq = LIST_INIT(sleepq);
static uint64_t next_wake = UINT64_MAX; /* wake_tsc of sleepq's head */
static struct context *idle_ctx;
static int slice_ticks;

#define LINKED(l) container_of(l, struct proc, link)

void sched_init(void)
{
	slice_ticks = (int)(((uint64_t)kopts.slice_ms * kopts.hz + 999) / 1000);
	if (slice_ticks < 1)
		slice_ticks = 1;
}

uint64_t uptime_ms(void)
{
	return (rdtsc() - boot_tsc_entry) / tsc_khz;
}

#ifdef KDEBUG
/* The debug kernel (make debug-kernel: build/debug/guest.elf) checks the
 * whole table at every switch, once the next process is RUNNING and
 * current: exactly one RUNNING process (none when idling), every READY
 * process on the ready queue once and nothing else there, no ZOMBIE or
 * orphan without a parent to reap it, both kernel stacks' canaries.  A
 * violation panics with one line naming it and the pid.  ~128 slots a
 * switch: far too slow for the normal kernel, whose switch is unchanged. */
static void kdebug_switch_check(struct proc *prev, struct proc *next)
{
	if (prev && !kstack_canary_ok(prev))
		panic("kdebug: kernel stack canary overwritten (pid %d)", prev->pid);
	if (next && !kstack_canary_ok(next))
		panic("kdebug: kernel stack canary overwritten (pid %d)", next->pid);
	proc_check_all(next ? 1 : 0, true);
}
#endif

/* Leave curproc (its state already changed by the caller, for `why`:
 * enum lde_switch_reason) for next, or for the idle loop if next is NULL. */
static void switch_to(struct proc *next, enum lde_switch_reason why)
{
	struct proc *prev = curproc;

	if (prev != next)
		trace_event(LDE_EV_SWITCH, prev ? prev->pid : 0, next ? (uint64_t)next->pid : 0, why);
	if (next) {
		proc_setstate(next, LDE_PROC_RUNNING);
		next->slice = slice_ticks;
		next->need_resched = false;
		if (rcr3() != V2P(next->vm.pml4))
			uvm_activate(&next->vm);
		tss_set_rsp0(next->kstack_top);
		fpu_switch(next);
	}
	curproc = next;
#ifdef KDEBUG
	kdebug_switch_check(prev, next);
#endif
	swtch(prev ? &prev->ctx : &idle_ctx, next ? next->ctx : idle_ctx);
}

static struct proc *runq_pop(void)
{
	if (list_empty(&runq))
		return NULL;
	struct proc *p = LINKED(runq.next);
	list_del(&p->link);
	return p;
}

/* Run the next READY process, or idle. */
static void sched(enum lde_switch_reason why)
{
	switch_to(runq_pop(), why);
}

void ready(struct proc *p)
{
	proc_setstate(p, LDE_PROC_READY);
	list_add_tail(&runq, &p->link);
}

/* fork: the child runs first (it usually execs at once, before the
 * parent's writes could make copy-on-write copies), the parent goes to
 * the back of the queue. */
void run_child_first(struct proc *c)
{
	struct proc *p = curproc;

	proc_setstate(c, LDE_PROC_READY);
	list_add_tail(runq.next, &c->link); /* at the head */
	p->vswitches++;
	ready(p);
	sched(LDE_SW_YIELDED);
}

void yield(void)
{
	struct proc *p = curproc;

	if (list_empty(&runq))
		return; /* nobody else wants the CPU */
	p->vswitches++;
	ready(p);
	sched(LDE_SW_YIELDED);
}

void preempt(void)
{
	struct proc *p = curproc;

	p->need_resched = false;
	if (list_empty(&runq))
		return;
	p->iswitches++;
	ready(p);
	sched(LDE_SW_PREEMPTED);
}

/* A signal ends the sleep of the system call p is in: note which call
 * (p->tf->rax still holds its number) in case it restarts (signal.c). */
static int interrupted(struct proc *p)
{
	p->restart_nr = p->tf->rax;
	return -EINTR;
}

/* Block until wakeup(chan): 0, or -EINTR when a signal that is not
 * blocked is pending (then or at once).  The caller tested its condition
 * with interrupts off, so no wakeup can slip in between. */
int sleep_on(const void *chan, const char *wchan)
{
	struct proc *p = curproc;

	if (sig_deliverable(p))
		return interrupted(p);
	p->chan = chan;
	p->wchan = wchan;
	p->vswitches++;
	proc_setstate(p, LDE_PROC_BLOCKED);
	list_add_tail(&waitq, &p->link);
	sched(LDE_SW_BLOCKED);
	p->chan = NULL;
	p->wchan = NULL;
	return sig_deliverable(p) ? interrupted(p) : 0;
}

/* A signal for a BLOCKED process: off its wait or sleep list, READY. */
void unblock(struct proc *p)
{
	list_del(&p->link);
	ready(p);
	if (p->chan == &sleepq)
		next_wake = list_empty(&sleepq) ? UINT64_MAX : LINKED(sleepq.next)->wake_tsc;
}

void wakeup(const void *chan)
{
	for (struct list *l = waitq.next; l != &waitq;) {
		struct proc *p = LINKED(l);
		l = l->next;
		if (p->chan == chan) {
			list_del(&p->link);
			ready(p);
		}
	}
}

static void wake_sleepers(uint64_t now)
{
	while (!list_empty(&sleepq)) {
		struct proc *p = LINKED(sleepq.next);
		if (p->wake_tsc > now)
			break;
		list_del(&p->link);
		ready(p);
	}
	next_wake = list_empty(&sleepq) ? UINT64_MAX : LINKED(sleepq.next)->wake_tsc;
}

/* Block for ms milliseconds (woken by the first tick after): 0, or
 * -EINTR when a signal cut it short. */
long sleep_ms(uint64_t ms)
{
	struct proc *p = curproc;
	struct list *l;

	if (sig_deliverable(p))
		return interrupted(p);
	if (ms == 0)
		return 0;
	p->wake_tsc = ms < UINT64_MAX / 2 / tsc_khz ? rdtsc() + ms * tsc_khz : UINT64_MAX;
	for (l = sleepq.next; l != &sleepq && LINKED(l)->wake_tsc <= p->wake_tsc; l = l->next)
		;
	list_add_tail(l, &p->link); /* before l: sorted */
	if (p->wake_tsc < next_wake)
		next_wake = p->wake_tsc;
	p->chan = &sleepq;
	p->wchan = "sleep";
	p->vswitches++;
	proc_setstate(p, LDE_PROC_BLOCKED);
	sched(LDE_SW_BLOCKED);
	p->chan = NULL;
	p->wchan = NULL;
	return sig_deliverable(p) ? interrupted(p) : 0;
}

/* The caller is a ZOMBIE and never runs again. */
noreturn void sched_exit(void)
{
	sched(LDE_SW_EXITED);
	panic("sched_exit: a zombie ran");
}

/* From the timer interrupt, in user mode or while idle. */
void sched_tick(void)
{
	struct proc *p = curproc;
	const uint64_t now = rdtsc();

	if (now >= next_wake)
		wake_sleepers(now);
	if (now >= sig_next_alarm)
		sig_alarms(now);
	if (p) {
		p->ticks++;
		if (--p->slice <= 0 && !list_empty(&runq))
			p->need_resched = true;
	}
}

noreturn void sched_idle(void)
{
	for (;;) {
		struct proc *p = runq_pop();
		if (p) {
			switch_to(p, LDE_SW_PREEMPTED); /* idle gives way: the same reason as a tick's */
			continue;
		}
		sti_hlt();
		cli();
	}
}

/* Invariants of the queues (SYS_kcheck): every process on the ready
 * queue is READY and appears once; returns the number of READY processes
 * queued, or -1 on a broken queue. */
int sched_check(void)
{
	int n = 0;

	for (struct list *l = runq.next; l != &runq; l = l->next) {
		if (LINKED(l)->state != LDE_PROC_READY || n > NPROC || l->next->prev != l)
			return -1;
		n++;
	}
	for (struct list *l = waitq.next; l != &waitq; l = l->next)
		if (LINKED(l)->state != LDE_PROC_BLOCKED || l->next->prev != l)
			return -1;
	for (struct list *l = sleepq.next; l != &sleepq; l = l->next)
		if (LINKED(l)->state != LDE_PROC_BLOCKED || l->next->prev != l)
			return -1;
	return n;
}
