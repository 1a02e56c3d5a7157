/*
 * trap.h: the trapframe and the vector numbers (notes/design.md).
 *
 * Every way into the kernel -- exceptions, interrupts, and (issue 3) the
 * int 0x80 and SYSCALL entries -- builds this one struct on the current
 * kernel stack, through trap.asm's alltraps.  The CPU pushes ss..rip (on
 * a ring 3 -> 0 transition it switches to TSS.rsp0 first; #DF, NMI and
 * #MC switch to their IST stacks); the vector stub pushes `error` (0 when
 * the CPU has none) and `vector`; alltraps pushes the general registers.
 * The register order matches struct lde_sigcontext (include/lde/signal.h)
 * so a signal frame is a copy.  alltraps calls trap(tf) with tf 16-byte
 * aligned, and trapret pops it and irets: whatever trap() leaves in *tf
 * is the context resumed.
 */
#ifndef TRAP_H
#define TRAP_H

#include <stddef.h>
#include <stdint.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector;
	uint64_t error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* trap.asm builds the frame by pushes; these pin the order it assumes. */
#define TF_RAX    112
#define TF_VECTOR 120
#define TF_ERROR  128
#define TF_RIP    136
#define TF_CS     144
#define TF_RFLAGS 152
#define TF_RSP    160
#define TF_SS     168
#define TF_SIZE   176
_Static_assert(offsetof(struct trapframe, r15) == 0, "alltraps pushes r15 last");
_Static_assert(offsetof(struct trapframe, r8) == 56, "r8..r15 pushed as a block");
_Static_assert(offsetof(struct trapframe, rdi) == 64, "rdi after r8");
_Static_assert(offsetof(struct trapframe, rax) == TF_RAX, "rax pushed first");
_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "stub pushes vector");
_Static_assert(offsetof(struct trapframe, error) == TF_ERROR, "stub/CPU push error");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "CPU frame starts at rip");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "CPU frame: cs");
_Static_assert(offsetof(struct trapframe, rflags) == TF_RFLAGS, "CPU frame: rflags");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "CPU frame: rsp");
_Static_assert(offsetof(struct trapframe, ss) == TF_SS, "CPU frame: ss");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe size");
_Static_assert(TF_SIZE % 16 == 0, "keeps the stack 16-byte aligned for trap()");

/* Exceptions. */
#define T_DE        0
#define T_DB        1
#define T_NMI       2
#define T_BP        3
#define T_OF        4
#define T_BR        5
#define T_UD        6
#define T_NM        7
#define T_DF        8
#define T_TS        10
#define T_NP        11
#define T_SS        12
#define T_GP        13
#define T_PF        14
#define T_MF        16
#define T_AC        17
#define T_MC        18
#define T_XM        19
#define NEXCEPTIONS 32

/* Interrupts. */
#define T_TIMER    32 /* LAPIC timer */
#define T_IRQ0     32 /* IOAPIC pin n -> vector T_IRQ0 + n, n in 1..15 */
#define NIRQ       16
#define T_SYSCALL  0x80 /* int 0x80, DPL 3 */
/* Not an IDT vector: the frame syscall_entry (trap.asm) builds for the
 * `syscall` instruction.  trapret leaves such a frame by sysret; any code
 * that rewrites a frame (exec, signal delivery, sigreturn, the kvm_pvm
 * paths) calls tf_changed(), and the frame then leaves by iretq. */
#define T_SYSCALL64 0x100
#define T_SPURIOUS 0xff /* LAPIC spurious vector: no EOI */

/* IST slots (TSS.ist[n - 1]). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

static inline int tf_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

/* The frame no longer holds what the CPU saved: leave by iretq, which
 * restores every register, never by sysret (which takes RIP and RFLAGS
 * from RCX and R11). */
static inline void tf_changed(struct trapframe *tf)
{
	tf->vector = T_SYSCALL;
}

#endif
