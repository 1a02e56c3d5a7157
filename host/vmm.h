/*
 * The vmm's shared state and the calls between its parts (one file per
 * concern, as Solo5's hvt tender):
 *
 *   main.c     options, setup order, exit status
 *   kvm.c      /dev/kvm, the VM, guest RAM, the vCPU, IRQ lines
 *   exit.c     the exit loop, its dispatch table, stopping the vCPU
 *   port.c     port I/O: lde's calls, 0xf4, the UART, probed ports
 *   console.c  the UART on stdin/stdout, the input thread
 *   term.c     the terminal's raw mode and Ctrl-A commands
 *   dump.c     register dumps
 *   stats.c    --stats: the table of exits and the vmm's time on them
 *   trace.c    --trace: the guest's trace ring and the exits, one timeline
 *   msg.c      one-line messages and fatal exits
 *   seccomp.c  the sandbox the vmm enters before the guest runs
 *   elf.c pvh.c uart.c opts.c  pure: loader, boot info, 16550, options
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#define VMM_VERSION "0.1.0"

/* An exit handler's result: keep running, or the status to exit with. */
#define VM_CONTINUE (-1)

struct console;

struct vm {
	int kvm_fd, vm_fd, vcpu_fd; /* -1 when absent (unit tests, fuzzers) */
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	uint64_t ram_size;
	uint32_t tsc_khz; /* 0: unknown */
	struct console *con;
	uint64_t trace_gpa; /* the announced trace ring, 0 = none */
	bool observed;      /* --stats or --trace: the exit loop times each exit */
};

/* The host TSC: what --stats and --trace time exits with. */
static inline uint64_t host_tsc(void)
{
	return __builtin_ia32_rdtsc();
}

/* kvm.c: each dies with its documented status on failure. */
void kvm_open(struct vm *vm);
void kvm_create_vm(struct vm *vm, uint64_t ram_size);
void kvm_create_vcpu(struct vm *vm);
void kvm_set_entry(struct vm *vm, uint32_t entry, uint32_t start_info);
void kvm_irq_pulse(struct vm *vm, unsigned irq);
int kvm_get_rip(const struct vm *vm, uint64_t *rip);

/* exit.c */
enum stop_reason { STOP_NONE, STOP_TIMEOUT, STOP_SIGNAL, STOP_USERQUIT };
void exit_install_signals(void);
void exit_arm_timeout(double seconds);
void exit_set_run(struct kvm_run *run);
void exit_request_stop(enum stop_reason why, int sig); /* async-signal-safe */
bool exit_stop_pending(void);
int exit_stop_signal(void); /* the signal that stopped the guest, or 0 */
int vcpu_loop(struct vm *vm);
const char *exit_reason_name(uint32_t reason); /* "IO", "HLT", ... */

/* port.c: one port access from the guest (count elements of size bytes
 * at data).  Returns VM_CONTINUE or the status to exit with. */
int port_io(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count, uint8_t *data);
const char *port_name(uint16_t port); /* "lde exit", "COM1 data", ... */

/* console.c */
void console_init(struct vm *vm, int out_fd);
void console_start_input(struct vm *vm);
void console_access(struct vm *vm, unsigned off, bool out, uint8_t *byte);
void console_write(struct vm *vm, const uint8_t *buf, size_t len); /* guest bytes to stdout */
uint32_t console_flags(struct vm *vm); /* LDE_CONSOLE_F_* for LDE_PORT_CONSOLE's in32 */
void console_receive(struct vm *vm, uint8_t b); /* a byte of host input into the UART */
void console_input_ended(struct vm *vm); /* end of host input: DCD drops */

/* stats.c: --stats.  stats_exit is called for every exit, with the host
 * TSC at KVM_RUN's return and at the end of the exit's handling. */
void stats_enable(void);
void stats_start(void);
void stats_exit(const struct vm *vm, uint32_t reason, uint64_t t_ret, uint64_t t_done);
void stats_report(const struct vm *vm);
uint64_t observe_tsc_khz(const struct vm *vm); /* the host TSC rate */

/* trace.c: --trace.  trace_open dies (LDE_VMM_EXIT_OSERR) if FILE cannot
 * be created; trace_exit drains the ring and writes the exit, returning
 * st or, if st is VM_CONTINUE, the status a corrupt ring calls for;
 * trace_finish drains and closes the trace, once, whichever way the vmm
 * ends.  The other three serve LDE_PORT_TRACE_SETUP and _DRAIN. */
void trace_open(const char *path, uint32_t mask);
void trace_start(struct vm *vm);
int trace_exit(struct vm *vm, uint32_t reason, uint64_t t_ret, uint64_t t_done, int st);
void trace_finish(struct vm *vm);
uint32_t trace_setup_query(void);
int trace_setup(struct vm *vm, uint32_t gpa);
int trace_drain_call(struct vm *vm);

/* dump.c */
void dump_vcpu(const struct vm *vm);

/* seccomp.c: confines every thread to the calls the running vmm makes; a
 * forbidden one ends the vmm (LDE_VMM_EXIT_SECCOMP).  Dies if it cannot. */
void sandbox_enter(const struct vm *vm);

/* msg.c: "vmm: <text>" as one line on stderr, starting a line of its own
 * when the console left one unfinished on the same file. */
__attribute__((format(printf, 1, 2))) void msg(const char *fmt, ...);
__attribute__((format(printf, 2, 3), noreturn)) void die(int status, const char *fmt, ...);
/* Restores the terminal and exits with status (or by the stopping signal). */
__attribute__((noreturn)) void vmm_exit(int status);
/* msg() of a finished line, async-signal-safe (for signal handlers). */
void msg_raw(const char *text);
/* Does now what messages need later, before the sandbox forbids it. */
void msg_prepare(void);
extern _Atomic bool msg_console_midline; /* the console's last byte was not '\n' */
extern bool msg_quiet;                   /* fuzzers: no messages */

#endif
