/*
 * Guest address translation for register dumps: a pure walk of the
 * guest's page tables in a RAM buffer, every table read bounds-checked.
 */
#ifndef VMM_DUMP_H
#define VMM_DUMP_H

#include <stdint.h>

#include <linux/kvm.h>

/*
 * Translates the linear address va through the paging mode sregs
 * describe (none, 32-bit, PAE, 4- or 5-level).  Returns 0 with *pa set,
 * or -1 when a table lies outside RAM or an entry is not present.
 */
int dump_translate(const uint8_t *ram, uint64_t ram_size, const struct kvm_sregs *s, uint64_t va,
                   uint64_t *pa);

/* The register dump's lines (on stderr, unless msg_quiet) for this vCPU
 * state over guest RAM: registers, CR0-4, EFER, CS, SS and the 16 bytes
 * at RIP as far as they translate into RAM.  Pure but for the output:
 * dump_vcpu() reads the state from KVM and calls it. */
void dump_state(const uint8_t *ram, uint64_t ram_size, const struct kvm_regs *r,
                const struct kvm_sregs *s);

/* The linear address of RIP: CS base + RIP outside long mode (32 bits). */
uint64_t dump_rip_linear(const struct kvm_regs *r, const struct kvm_sregs *s);

#endif
