/*
 * What user space may learn about processes and the kernel: the process
 * table snapshot (ps, top) and system information (trap paths, memory).
 */
#ifndef LDE_PROC_H
#define LDE_PROC_H

#include <stdint.h>

/* OSTEP's process states. */
enum lde_procstate {
	LDE_PROC_UNUSED = 0,
	LDE_PROC_EMBRYO,
	LDE_PROC_READY,
	LDE_PROC_RUNNING,
	LDE_PROC_BLOCKED,
	LDE_PROC_ZOMBIE,
};

#define LDE_PROCNAME 16

struct lde_procinfo {
	int32_t pid, ppid, pgid;
	uint32_t state;           /* enum lde_procstate */
	char name[LDE_PROCNAME];  /* NUL-terminated */
	char wchan[16];           /* what a BLOCKED process waits for */
	uint64_t ticks;           /* timer ticks charged while RUNNING */
	uint64_t syscalls;
	uint64_t vswitches;       /* voluntary: blocked or yielded */
	uint64_t iswitches;       /* involuntary: preempted */
	uint64_t start_ms;        /* uptime at creation */
	uint64_t mem_kb;          /* user pages mapped */
};

/* How each system-call entry path is served on this platform, probed at
 * boot. */
enum lde_trappath {
	LDE_PATH_BROKEN = 0,   /* does not work here; calls through it fail */
	LDE_PATH_NATIVE = 1,   /* the architecture's path: syscall->sysret,
	                          int 0x80->iretq */
	LDE_PATH_PF_LSTAR = 2, /* syscall faults (#PF at LSTAR, CPL 3):
	                          served from the #PF handler, iretq back */
	LDE_PATH_UD_INT80 = 3, /* int 0x80 raises #UD: the handler decodes
	                          CD 80 and serves it, iretq back */
};

struct lde_sysinfo {
	uint32_t syscall_path;  /* enum lde_trappath */
	uint32_t int80_path;    /* enum lde_trappath */
	uint32_t hz;            /* timer ticks per second */
	uint32_t slice_ms;      /* scheduler time slice */
	uint64_t tsc_khz;
	uint64_t uptime_ms;
	uint64_t pages_total;
	uint64_t pages_free;
	uint32_t nproc;         /* processes in use */
	uint32_t nproc_max;
	uint32_t on_lde;        /* 1: running on lde's vmm */
	uint32_t pad;
};

#endif
