/*
 * proc.c: the process table -- slots and pids, kernel stacks, the one
 * function that changes a process's state, fork, exit, wait, the first
 * process, the snapshot for ps, and the table's invariants.
 *
 * Each slot owns a kernel stack in KSTACKS (memlayout.h), mapped the
 * first time the slot is used and kept afterwards: fork never allocates
 * or maps one, and an overflow runs into the unmapped pages below it.
 * A process's trapframe sits at the top of its kernel stack; its first
 * "return" to user mode is a context whose saved RIP is trapret, right
 * below the frame.
 *
 * Family: parent, first child, next sibling.  An exiting process hands
 * its children to init (pid 1), frees its user memory and files at once
 * and stays a ZOMBIE holding only its slot and wait status until its
 * parent reaps it.
 *
 * When init (the first process: /init or the command line's program)
 * exits, its orphans have nobody to adopt them: they run on, the kernel
 * reaps them as they exit, and when the last one is gone the machine
 * powers off with init's status (128 + S for a death by signal S).  So
 * `-- p1` shows the child's line even when the parent ends first.
 */
#include <lde/errno.h>
#include <lde/fs.h>
#include <lde/wait.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "trace.h"
#include "x86.h"

struct proc proc[NPROC];
struct proc *initproc;      /* NULL once init has exited */
static int init_wstatus;
/* Slots given back (their kernel stacks still mapped) on a stack; proc[nbump..]
 * never used yet.  Boot initialises nothing. */
static int free_slot[NPROC], nstack, nbump;
static int next_pid = 1;
static bool pid_wrapped; /* pids went past PID_MAX once: check for clashes */

extern char trapret[];


void proc_init(void)
{
}

static int nfree(void)
{
	return nstack + NPROC - nbump;
}

/* ---- states ------------------------------------------------------- */

/* The transitions OSTEP's diagram allows, as bit masks of next states. */
#define B(s) (1u << LDE_PROC_##s)
static const uint8_t allowed[] = {
    [LDE_PROC_UNUSED] = B(EMBRYO),
    [LDE_PROC_EMBRYO] = B(READY) | B(UNUSED),
    [LDE_PROC_READY] = B(RUNNING),
    [LDE_PROC_RUNNING] = B(READY) | B(BLOCKED) | B(ZOMBIE),
    [LDE_PROC_BLOCKED] = B(READY),
    [LDE_PROC_ZOMBIE] = B(UNUSED),
};

/* The only place a process changes state: tracing (issue 5) and the
 * invariant checks (issue 7) hook here. */
void proc_setstate(struct proc *p, enum lde_procstate s)
{
	if (!(allowed[p->state] & (1u << s)))
		panic("proc: pid %d: state %u -> %u is not a transition", p->pid, p->state, s);
	trace_event(LDE_EV_STATE, p->pid, p->state, s);
	p->state = s;
}

/* ---- slots ---------------------------------------------------------- */

static int map_kstack(struct proc *p)
{
	uint64_t base = KSTACKS + (uint64_t)(p - proc) * KSTACK_SLOT + KSTACK_SLOT - KSTACK_SIZE;
	uint64_t g = cpu.pge ? PTE_G : 0;

	for (uint64_t off = 0; off < KSTACK_SIZE; off += PGSIZE) {
		uint64_t pa = kalloc();
		if (!pa || vm_map(kpml4, base + off, pa, PGSIZE, PTE_W | pte_nx | g)) {
			if (pa)
				kfree(pa);
			vm_unmap(kpml4, base, off, true);
			return -ENOMEM;
		}
	}
	p->kstack_top = base + KSTACK_SIZE;
	*(uint64_t *)base = KSTACK_CANARY; /* once per slot: the stack never goes that deep */
	return 0;
}

/* Slots in use by pid, so kill, setpgid and the pid allocator never scan
 * the table (a scan of 128 slots is ~1.3M cycles in ring 0 here). */
#define PIDHASH 64
static struct proc *pidhash[PIDHASH];

struct proc *proc_find(long pid)
{
	if (pid <= 0 || pid > PID_MAX)
		return NULL;
	for (struct proc *p = pidhash[pid % PIDHASH]; p; p = p->pidnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void pidhash_remove(struct proc *p)
{
	struct proc **pp = &pidhash[p->pid % PIDHASH];

	while (*pp != p)
		pp = &(*pp)->pidnext;
	*pp = p->pidnext;
}

static bool pid_in_use(int pid)
{
	return proc_find(pid) != NULL;
}

static int alloc_pid(void)
{
	for (;;) {
		int pid = next_pid++;
		if (next_pid > PID_MAX) {
			next_pid = 2;
			pid_wrapped = true;
		}
		if (!pid_wrapped || !pid_in_use(pid))
			return pid;
	}
}

/* A fresh EMBRYO with a kernel stack and a pid, or NULL if the table is
 * full (or memory for a first-time kernel stack ran out). */
struct proc *proc_alloc(void)
{
	struct proc *p;
	uint64_t kstack_top;

	if (nstack > 0) {
		p = &proc[free_slot[--nstack]];
	} else {
		if (nbump == NPROC)
			return NULL;
		p = &proc[nbump];
		if (map_kstack(p))
			return NULL;
		nbump++;
	}
	kstack_top = p->kstack_top;
	memset(p, 0, offsetof(struct proc, fpu));
	p->kstack_top = kstack_top;
	p->tf = (struct trapframe *)kstack_top - 1;
	list_init(&p->link);
	p->pid = alloc_pid();
	p->pidnext = pidhash[p->pid % PIDHASH];
	pidhash[p->pid % PIDHASH] = p;
	p->start_ms = uptime_ms();
	proc_setstate(p, LDE_PROC_EMBRYO);
	return p;
}

static void proc_free(struct proc *p)
{
	pidhash_remove(p);
	proc_setstate(p, LDE_PROC_UNUSED);
	free_slot[nstack++] = (int)(p - proc);
}

/* The context that makes p's first switch "return" to user mode through
 * trapret with p->tf. */
static void start_context(struct proc *p)
{
	p->ctx = (struct context *)p->tf - 1;
	memset(p->ctx, 0, sizeof(*p->ctx));
	p->ctx->rip = (uint64_t)trapret;
}

void proc_setname(struct proc *p, const char *path)
{
	const char *base = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	size_t n = strnlen(base, LDE_PROCNAME - 1);
	memcpy(p->name, base, n);
	p->name[n] = 0;
	if (n && p->name[n - 1] == '/')
		p->name[n - 1] = 0;
}

/* ---- the first process ---------------------------------------------- */

/* Run argv[0] (looked up in /bin when it has no '/') as pid 1. */
void proc_first(int argc, const char *const *argv)
{
	static const char *const init_argv[] = {"/init", NULL};
	static const char *const envp[] = {"PATH=/bin", NULL};
	static char path[LDE_PATH_MAX];
	struct file *con;
	struct proc *p;
	int r;

	if (argc == 0)
		argv = init_argv;
	if (strchr(argv[0], '/'))
		ksnprintf(path, sizeof(path), "%s", argv[0]);
	else
		ksnprintf(path, sizeof(path), "/bin/%s", argv[0]);
	if (!(p = proc_alloc()) || !(con = file_alloc(&console_fops, NULL, O_RDWR)))
		panic("proc: no memory for the first process");
	initproc = p;
	memset(p->sigact, 0, sizeof(p->sigact));
	p->pgid = p->pid;
	tty_set_foreground(p->pgid);
	p->ofile[0] = con;
	p->ofile[1] = file_dup(con);
	p->ofile[2] = file_dup(con);
	if ((r = exec_kernel(p, path, argv, envp)) != 0) {
		kprintf("lde: cannot run %s: %s\n", path, errno_name(-r));
		poweroff(127);
	}
	start_context(p);
	ready(p);
}

/* ---- fork, exit, wait ------------------------------------------------- */

long proc_fork(struct trapframe *tf)
{
	struct proc *p = curproc, *c = proc_alloc();

	if (!c) /* the table is full, or a first-time kernel stack found no memory */
		return proc_count() == NPROC ? -EAGAIN : -ENOMEM;
	if (uvm_fork(&c->vm, &p->vm)) {
		proc_free(c);
		return -ENOMEM;
	}
	*c->tf = *tf;
	c->tf->rax = 0;
	start_context(c);
	fpu_fork(c);
	sig_fork(c, p);
	fd_forkcopy(c, p);
	fs_proc_fork(c, p);
	memcpy(c->name, p->name, sizeof(c->name));
	c->pgid = p->pgid;
	c->parent = p;
	c->sibling = p->children;
	p->children = c;
	int pid = c->pid;
	trace_event(LDE_EV_FORK, p->pid, (uint64_t)pid, 0);
	run_child_first(c);
	return pid;
}

/* Give p's children to init (a zombie among them is init's to reap), or,
 * once init is gone, to nobody: the kernel reaps those itself. */
static void reparent(struct proc *p)
{
	struct proc *c = p->children, *next;
	bool zombie = false;

	for (; c; c = next) {
		next = c->sibling;
		c->parent = initproc;
		if (initproc) {
			c->sibling = initproc->children;
			initproc->children = c;
			zombie |= c->state == LDE_PROC_ZOMBIE;
		} else {
			c->sibling = NULL;
			if (c->state == LDE_PROC_ZOMBIE)
				proc_free(c);
		}
	}
	p->children = NULL;
	if (zombie)
		wakeup(initproc);
}

noreturn void proc_exit(int wstatus)
{
	struct proc *p = curproc;

	trace_event(LDE_EV_EXIT, p->pid, (uint64_t)(uint32_t)wstatus, 0);
	fd_closeall(p);
	fs_proc_exit(p);
	vm_activate(kpml4);
	uvm_free(&p->vm);
	fpu_exit(p);
	if (p == initproc) {
		init_wstatus = wstatus;
		initproc = NULL;
	}
	reparent(p);
	p->wstatus = wstatus;
	proc_setstate(p, LDE_PROC_ZOMBIE);
	if (p->parent) {
		sig_send(p->parent, SIGCHLD);
		wakeup(p->parent);
	}
	else
		proc_free(p); /* nobody to reap it; off this stack at once below */
	if (!initproc && proc_count() == 0)
		poweroff(WIFEXITED(init_wstatus) ? WEXITSTATUS(init_wstatus)
		                                 : 128 + WTERMSIG(init_wstatus));
	sched_exit();
}

static bool wait_match(const struct proc *c, long pid, const struct proc *p)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	return c->pgid == (pid == 0 ? p->pgid : -pid);
}

long proc_wait(int pid, uint64_t ustatus, int options)
{
	struct proc *p = curproc;

	if (options & ~WNOHANG)
		return -EINVAL;
	for (;;) {
		bool have = false;
		for (struct proc **pp = &p->children; *pp; pp = &(*pp)->sibling) {
			struct proc *c = *pp;
			if (!wait_match(c, pid, p))
				continue;
			have = true;
			if (c->state != LDE_PROC_ZOMBIE)
				continue;
			/* The status first: a bad pointer leaves the zombie in place. */
			if (ustatus && copyout(ustatus, &c->wstatus, sizeof(c->wstatus)))
				return -EFAULT;
			int cpid = c->pid;
			trace_event(LDE_EV_WAIT, p->pid, (uint64_t)cpid, (uint64_t)(uint32_t)c->wstatus);
			*pp = c->sibling;
			proc_free(c);
			return cpid;
		}
		if (!have)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (sleep_on(p, "wait"))
			return -ERESTART;
	}
}

/* ---- the snapshot (ps, top) -------------------------------------------- */

int proc_count(void)
{
	return NPROC - nfree();
}

int proc_snapshot(uint64_t ubuf, uint64_t n)
{
	uint64_t k = 0;

	for (int i = 0; i < NPROC && k < n; i++) {
		struct proc *p = &proc[i];
		struct lde_procinfo pi;
		if (p->state == LDE_PROC_UNUSED)
			continue;
		memset(&pi, 0, sizeof(pi));
		pi.pid = p->pid;
		pi.ppid = p->parent ? p->parent->pid : 0;
		pi.pgid = p->pgid;
		pi.state = p->state;
		memcpy(pi.name, p->name, sizeof(pi.name));
		if (p->state == LDE_PROC_BLOCKED && p->wchan)
			memcpy(pi.wchan, p->wchan, strnlen(p->wchan, sizeof(pi.wchan) - 1));
		pi.ticks = p->ticks;
		pi.syscalls = p->syscalls;
		pi.vswitches = p->vswitches;
		pi.iswitches = p->iswitches;
		pi.start_ms = p->start_ms;
		pi.mem_kb = p->vm.pages * (PGSIZE / 1024);
		if (copyout(ubuf + k * sizeof(pi), &pi, sizeof(pi)))
			return -EFAULT;
		k++;
	}
	return (int)k;
}

/* ---- invariants: SYS_kcheck, and every switch in the debug kernel ------ */

/* A violation: counted and printed for SYS_kcheck; in the debug kernel's
 * switch check (fatal), a panic naming the invariant and the pid. */
static long violation(bool fatal, const char *what, const struct proc *p)
{
	if (fatal)
		panic("kdebug: %s (pid %d)", what, p ? p->pid : 0);
	kprintf("kcheck: %s (pid %d)\n", what, p ? p->pid : 0);
	return 1;
}

bool kstack_canary_ok(const struct proc *p)
{
	return *(const uint64_t *)(p->kstack_top - KSTACK_SIZE) == KSTACK_CANARY;
}

/* The table's invariants.  running: how many RUNNING processes there
 * must be (1 in a system call, 0 when the CPU is about to idle).  Slots
 * never used have no stack (proc[nbump..]); others keep theirs. */
long proc_check_all(int running_want, bool fatal)
{
	int running = 0, ready_n = 0, used = 0;
	long bad = 0;

	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc[i];
		if (i < nbump && !kstack_canary_ok(p))
			bad += violation(fatal, "kernel stack canary overwritten", p);
		if (p->state == LDE_PROC_UNUSED)
			continue;
		used++;
		running += p->state == LDE_PROC_RUNNING;
		ready_n += p->state == LDE_PROC_READY;
		if (p->state == LDE_PROC_RUNNING && p != curproc)
			bad += violation(fatal, "RUNNING but not the current process", p);
		if (p->parent && p->parent->state == LDE_PROC_UNUSED)
			bad += violation(fatal, "its parent's slot is unused", p);
		if (!p->parent && p != initproc && (initproc || p->state == LDE_PROC_ZOMBIE))
			bad += violation(fatal, "ZOMBIE or orphan with no parent to reap it", p);
		/* The walks below are O(n) each (O(n^2) in all): SYS_kcheck
		 * only, not the debug kernel's every switch (ring 0 is
		 * interpreted on kvm_pvm: a switch would take ~40 ms). */
		if (p->parent && !fatal) {
			bool found = false;
			for (struct proc *c = p->parent->children; c && !found; c = c->sibling)
				found = c == p;
			if (!found)
				bad += violation(fatal, "missing from its parent's children", p);
		}
		if (p->state == LDE_PROC_EMBRYO)
			bad += violation(fatal, "EMBRYO outside fork", p);
		if (!fatal && proc_find(p->pid) != p)
			bad += violation(fatal, "not found by its pid", p);
	}
	if (running != running_want)
		bad += violation(fatal,
		                 running_want ? "not exactly one RUNNING process"
		                              : "a RUNNING process while the CPU idles",
		                 curproc);
	if (used + nfree() != NPROC)
		bad += violation(fatal, "free slots and used slots do not add up", NULL);
	if (sched_check() != ready_n)
		bad += violation(fatal,
		                 "ready queue does not hold exactly the READY processes, once each",
		                 NULL);
	return bad;
}

long proc_check(void)
{
	return proc_check_all(1, false);
}
