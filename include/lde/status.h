/*
 * Exit statuses shared by the vmm and the guest.
 *
 * A guest status (0..255) passes through lde's exit call unchanged, so
 * the ranges below can also be produced by a guest on purpose; lde's own
 * guest keeps its programs' statuses apart from them only by convention
 * (usertests exits with its failure count, the shell with 128+signal).
 */
#ifndef LDE_STATUS_H
#define LDE_STATUS_H

/* Guest -> vmm: lde's kernel panicked (printed its report first). */
#define LDE_STATUS_PANIC 120

/* vmm's own errors: before the guest runs (sysexits(3) values). */
#define LDE_VMM_EXIT_USAGE    64 /* bad option or argument */
#define LDE_VMM_EXIT_BADELF   65 /* guest ELF (or initrd) breaks a loader rule */
#define LDE_VMM_EXIT_NOINPUT  66 /* guest file missing, unreadable, not a file */
#define LDE_VMM_EXIT_NOKVM    69 /* /dev/kvm missing */
#define LDE_VMM_EXIT_INTERNAL 70 /* a KVM or host call failed unexpectedly */
#define LDE_VMM_EXIT_OSERR    71 /* host resources: memory, terminal */
#define LDE_VMM_EXIT_KVMCAP   76 /* KVM API version or a capability missing */
#define LDE_VMM_EXIT_NOPERM   77 /* /dev/kvm not accessible */

/* vmm's own errors: while the guest runs (each prints a one-line cause,
 * the fatal ones a register dump). */
#define LDE_VMM_EXIT_BADPORT   121 /* access to a port nothing serves */
#define LDE_VMM_EXIT_SHUTDOWN  122 /* triple fault (KVM_EXIT_SHUTDOWN) */
#define LDE_VMM_EXIT_CRASH     123 /* internal error, failed entry, MMIO to
                                      nothing, an exit reason not handled */
#define LDE_VMM_EXIT_TIMEOUT   124 /* --timeout expired (as timeout(1)) */
#define LDE_VMM_EXIT_BADCALL   125 /* an lde port call with a bad size or
                                      argument (hostile or buggy guest) */
#define LDE_VMM_EXIT_USERQUIT  126 /* Ctrl-A x at the console */
#define LDE_VMM_EXIT_SECCOMP   127 /* the vmm's sandbox stopped a system call */

#endif
