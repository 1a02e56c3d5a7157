/*
 * proc.h: processes -- the PCB, the saved kernel context, the user
 * address space and the open-file layer -- and the interfaces of the
 * files that own them (proc.c, sched.c, uvm.c, exec.c, file.c, fpu.c,
 * signal.c).
 *
 * The kernel is uniprocessor and non-preemptive: it runs with interrupts
 * off (IF = 0) everywhere except the idle loop's `sti; hlt`, so a
 * condition tested before sleep_on() cannot change before the process is
 * BLOCKED, and no kernel data needs a lock.  Interrupts reach the kernel
 * while a process runs in user mode or while the CPU idles.
 */
#ifndef PROC_H
#define PROC_H

#include <lde/proc.h>
#include <lde/signal.h>

#include "defs.h"
#include "trap.h"

struct proc;

#define NPROC   128 /* process table slots, pid 1 included (> 103: usertests' pipeline100) */
#define NOFILE  32 /* open files per process */
#define NFILE   1024 /* open files in the system */
#define PID_MAX 99999

/* ---- intrusive doubly-linked lists ----------------------------------- */

struct list {
	struct list *prev, *next;
};
#define LIST_INIT(l) {&(l), &(l)}
static inline void list_init(struct list *l)
{
	l->prev = l->next = l;
}
static inline bool list_empty(const struct list *l)
{
	return l->next == l;
}
static inline void list_add_tail(struct list *head, struct list *e)
{
	e->prev = head->prev;
	e->next = head;
	head->prev->next = e;
	head->prev = e;
}
static inline void list_del(struct list *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->prev = e->next = e;
}
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* ---- the saved kernel context (swtch.asm) ---------------------------- */

/* Callee-saved registers, pushed by swtch on the kernel stack it leaves;
 * the stack pointer then is the context's address. */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};
void swtch(struct context **save, struct context *load);

/* ---- user address spaces (uvm.c) ------------------------------------- */

/* An area: a page-aligned range that may hold user pages with one set of
 * PTE bits.  Pages of a `zfod` area are made (zeroed) on first touch. */
struct area {
	uint64_t lo, hi;
	uint64_t mlo, mhi; /* bounds of the pages mapped so far (within lo, hi) */
	uint64_t perm;     /* PTE_U | PTE_W? | pte_nx? */
	bool zfod;
};
#define NAREA 8 /* segments, heap, stack */

/* A page-table page of this space and the entry that points at it. */
struct ptpage {
	uint64_t pa;
	pte_t *parent;
};
#define NPTINLINE 14

struct vmspace {
	pte_t *pml4;     /* NULL: no user space */
	uint64_t brk;    /* program break */
	uint64_t brk_lo; /* the break at exec: sbrk never goes below it */
	int heap;        /* index of the heap in area[] */
	uint64_t pages;  /* user pages mapped */
	int narea;
	struct area area[NAREA];
	int npt;                         /* page-table pages below the PML4 */
	struct ptpage pt[NPTINLINE];     /* the first ones ... */
	uint64_t pt_more;                /* ... then a chain of pages of them */
};

int uvm_init(struct vmspace *vs);
void uvm_free(struct vmspace *vs);
int uvm_fork(struct vmspace *dst, struct vmspace *src);
int uvm_add_area(struct vmspace *vs, uint64_t lo, uint64_t hi, uint64_t perm, bool zfod);
int uvm_map_new(struct vmspace *vs, uint64_t va, bool zero, uint64_t *pa);
int uvm_fault(struct vmspace *vs, uint64_t va, uint64_t err);
long uvm_sbrk(struct vmspace *vs, int64_t incr);
void uvm_activate(struct vmspace *vs);
/* Access checks and copies between the kernel and the current process's
 * user space: 0 or -EFAULT, never a fault. */
bool user_range_ok(uint64_t uaddr, uint64_t n);
int copyin(void *dst, uint64_t usrc, size_t n);
int copyout(uint64_t udst, const void *src, size_t n);
long ustrnlen(uint64_t usrc, size_t max);
long copyinstr(char *dst, uint64_t usrc, size_t size);
/* uaccess.asm: scan for a NUL with the fault-safe repne scasb; the length,
 * max if there is none within max bytes, or -EFAULT. */
long strnlen_guarded(const char *s, size_t max);

/* ---- open files (file.c) ---------------------------------------------- */

struct file;
struct lde_stat;
struct fileops {
	const char *kind;
	long (*read)(struct file *f, uint64_t ubuf, size_t n);
	long (*write)(struct file *f, uint64_t ubuf, size_t n);
	long (*lseek)(struct file *f, int64_t off, int whence); /* NULL: ESPIPE */
	int (*stat)(struct file *f, struct lde_stat *st);
	long (*ioctl)(struct file *f, uint64_t req, uint64_t arg); /* NULL: ENOTTY */
	long (*getdents)(struct file *f, uint64_t ubuf, size_t n);  /* NULL: ENOTDIR */
	void (*close)(struct file *f); /* the last reference went */
};

struct file {
	int ref;  /* descriptors (in any process) naming it; 0 = free slot */
	int flags; /* O_ACCMODE bits and O_APPEND */
	uint64_t off;
	const struct fileops *ops;
	void *obj; /* the kind's object: an inode, a pipe ... */
};

struct file *file_alloc(const struct fileops *ops, void *obj, int flags);
struct file *file_dup(struct file *f);
void file_put(struct file *f);
int fd_install(struct file *f); /* lowest free descriptor of curproc, or -EMFILE */
struct file *fd_get(uint64_t fd);
void fd_closeall(struct proc *p);
void fd_forkcopy(struct proc *child, struct proc *parent);

/* tty.c: the console as a file */
extern const struct fileops console_fops;
void tty_init(void);
void tty_set_foreground(int pgid);

int fd_close(uint64_t fd);

/* initrd.c: the archive, read into the file system at boot */
void initrd_init(void);

/* fs.c: the RAM file system */
struct inode;
void fs_init(void);
int fs_seed(const char *path, size_t len, uint32_t mode, const uint8_t *data, uint64_t size);
int fs_count(void);
int fs_lookup(const char *path, struct inode **out);
long fs_open(const char *path, int flags, uint32_t mode);
long fs_mkdir(const char *path, uint32_t mode);
long fs_unlink(const char *path);
long fs_rmdir(const char *path);
long fs_chdir(const char *path);
long fs_getcwd(char *buf, size_t size);
void fs_stat(struct inode *ip, struct lde_stat *st);
bool fs_is_regular(const struct inode *ip);
uint64_t fs_size(const struct inode *ip);
size_t fs_pread(struct inode *ip, uint64_t off, void *dst, size_t n);
struct inode *idup(struct inode *ip);
void iput(struct inode *ip);
void fs_proc_fork(struct proc *c, struct proc *p);
void fs_proc_exit(struct proc *p);

/* ---- the PCB ---------------------------------------------------------- */

struct proc {
	enum lde_procstate state;
	int pid;
	struct trapframe *tf;  /* user context, at the top of the kernel stack */
	struct context *ctx;   /* saved by swtch when not RUNNING */
	uint64_t kstack_top;
	struct vmspace vm;

	struct list link;      /* on the ready queue, a wait list, or none */
	struct proc *pidnext;  /* proc.c's pid hash chain */
	const void *chan;      /* BLOCKED: what it waits for (sleep_on) */
	const char *wchan;     /* ... in words, for ps */
	uint64_t wake_tsc;     /* timed sleep: when to wake */
	int slice;             /* timer ticks left in its time slice */
	bool need_resched;     /* the slice ran out while others were READY */

	struct proc *parent;
	struct proc *children; /* first child; siblings through `sibling` */
	struct proc *sibling;
	int pgid;
	int wstatus;           /* ZOMBIE: the wait status */
	lde_sigset_t sigpending; /* signal.c: posted, not yet acted on */
	lde_sigset_t sigmask;    /* blocked (never SIGKILL or SIGSTOP) */
	lde_sigset_t sigcaught;  /* signals with a user handler (exec resets them) */
	uint64_t restart_nr;   /* the system call a signal interrupted, or 0 */
	uint64_t alarm_tsc;    /* SIGALRM due at this TSC, or 0 */
	uint64_t fault_addr;   /* the last user page fault's address (CR2) */
	struct inode *cwd;     /* fs.c: the working directory (a reference) */

	struct file *ofile[NOFILE];
	char name[LDE_PROCNAME];

	/* counters, for procsnap */
	uint64_t ticks, syscalls, vswitches, iswitches, start_ms;

	/* Not cleared by proc_alloc: fork copies them, proc_first clears them. */
	uint8_t fpu[512] __attribute__((aligned(16))); /* fxsave image */
	struct lde_sigaction sigact[LDE_NSIG];          /* [0] unused */
};

extern struct proc proc[NPROC];
extern struct proc *curproc; /* RUNNING, or NULL while the CPU idles */
extern struct proc *initproc; /* pid 1: adopts orphans; its exit powers off */

/* proc.c */
void proc_init(void);
void proc_setstate(struct proc *p, enum lde_procstate s);
struct proc *proc_alloc(void);
struct proc *proc_find(long pid); /* any state but UNUSED, or NULL */
void proc_first(int argc, const char *const *argv);
long proc_fork(struct trapframe *tf);
noreturn void proc_exit(int wstatus);
long proc_wait(int pid, uint64_t ustatus, int options);
int proc_snapshot(uint64_t ubuf, uint64_t n);
int proc_count(void);
long proc_check(void);                         /* SYS_kcheck: violations, printed */
long proc_check_all(int running_want, bool fatal); /* fatal: the debug kernel's panic */
bool kstack_canary_ok(const struct proc *p);
/* The lowest word of every kernel stack (written when the slot's stack
 * is mapped): an overflow that reaches it is caught before it runs into
 * the unmapped guard below, by SYS_kcheck and, in the debug kernel, at
 * every switch. */
#define KSTACK_CANARY 0x6c64655f6b737463ull /* "ctsk_edl" */
void proc_setname(struct proc *p, const char *path);
const char *errno_name(long err); /* syscall.c: "ENOENT" ... */

/* sched.c */
void sched_init(void);
void ready(struct proc *p);       /* EMBRYO/BLOCKED -> READY, queued */
void yield(void);                 /* RUNNING -> READY, voluntary */
void run_child_first(struct proc *c); /* EMBRYO child runs, the parent waits */
void preempt(void);               /* RUNNING -> READY, involuntary */
int sleep_on(const void *chan, const char *wchan); /* 0 or -EINTR */
void unblock(struct proc *p);     /* BLOCKED -> READY for a signal */
void wakeup(const void *chan);
long sleep_ms(uint64_t ms);
noreturn void sched_exit(void);   /* the caller is a ZOMBIE now */
void sched_tick(void);
noreturn void sched_idle(void);
int sched_check(void);
uint64_t uptime_ms(void);

/* exec.c */
long exec_user(struct trapframe *tf, uint64_t upath, uint64_t uargv, uint64_t uenvp);
int exec_kernel(struct proc *p, const char *path, const char *const *argv,
                const char *const *envp);

/* fpu.c */
void fpu_init(void);
void fpu_reset(struct proc *p);
void fpu_save(struct proc *p);  /* p->fpu is current (p runs) */
void fpu_load(struct proc *p);  /* the registers take p->fpu (p runs); MXCSR sanitised */
void fpu_fork(struct proc *child);
void fpu_switch(struct proc *next);
void fpu_exit(struct proc *p);

/* signal.c: the one place a fault or a kill reaches a process */
#define SIGBIT(s)        (1ull << ((s)-1))
#define SIG_UNBLOCKABLE  (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SIG_VALID        ((1ull << (LDE_NSIG - 1)) - 1) /* signals 1 .. LDE_NSIG-1 */
/* Kernel-internal result of a system call a signal interrupted: on the
 * way out it becomes EINTR, or the call restarts (SA_RESTART, or no
 * handler ran).  Never seen by user space. */
#define ERESTART 512

/* A signal that would interrupt a sleep now: pending and not blocked. */
static inline lde_sigset_t sig_deliverable(const struct proc *p)
{
	return p->sigpending & ~p->sigmask;
}
void sig_send(struct proc *p, int sig);        /* traced: kill, alarm, SIGCHLD, SIGPIPE */
void sig_send_group(int pgid, int sig);        /* the tty's ^C: one event for the group */
void sig_fault(struct proc *p, int sig);       /* a fault's signal: blocked or ignored means death */
long sig_kill(long pid, long sig);
void sig_return_user(struct trapframe *tf);
void sig_fork(struct proc *child, struct proc *parent);
void sig_exec(struct proc *p);
void sig_alarms(uint64_t now);
extern uint64_t sig_next_alarm; /* the earliest alarm_tsc of any process */
bool sig_fatal_default(const struct proc *p, int sig); /* no handler and the default kills */
const char *sig_name(int sig);

/* syscall.c */
void syscall(struct trapframe *tf);

/* trap.c: the end of every trap taken from user mode */
void trap_user_fault(struct trapframe *tf, int sig, const char *why);

/* trapquirk.c */
extern uint8_t trapquirk_pf_lstar, trapquirk_ud_int80;
extern uint64_t trapquirk_pf_err;
void trapquirk_probe(void);
void trapquirk_probe_trap(struct trapframe *tf);
uint32_t trapquirk_path(bool int80);
const char *trapquirk_describe(void);

#endif
