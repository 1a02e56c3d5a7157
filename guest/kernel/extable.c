/*
 * extable.c: the expected-fault mechanism.
 *
 * .extable (kernel.ld) holds {insn, fixup} pairs emitted next to each
 * instruction that may fault on purpose (probe.asm; later copyin and
 * copyout).  A kernel-mode exception whose RIP is such an insn does not
 * panic: the fault is recorded in kfault_last and execution resumes at
 * the fixup.  Lookup is linear: the table is small and only faults pay.
 */
#include "defs.h"
#include "trap.h"
#include "x86.h"

struct extable_entry {
	uint64_t insn, fixup;
};

struct kfault kfault_last;

bool extable_fixup(struct trapframe *tf)
{
	const struct extable_entry *e = (const struct extable_entry *)__extable_start;
	const struct extable_entry *end = (const struct extable_entry *)__extable_end;

	for (; e < end; e++) {
		if (e->insn != tf->rip)
			continue;
		kfault_last.vector = tf->vector;
		kfault_last.error = tf->error;
		kfault_last.cr2 = tf->vector == T_PF ? rcr2() : 0;
		kfault_last.rip = tf->rip;
		tf->rip = e->fixup;
		return true;
	}
	return false;
}
