/*
 * PVH boot: what the vmm writes into guest memory for the guest (start
 * info, memory map, module list, command line) and the vCPU state at the
 * PVH entry.  Pure: guest memory is a buffer, the vCPU state two structs.
 */
#ifndef VMM_PVH_H
#define VMM_PVH_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

struct pvh_module {
	uint64_t paddr, size;
};

/*
 * Writes struct hvm_start_info (version 1), the memory map (the first MiB
 * reserved, then RAM up to ram_size), the module list (mod may be NULL)
 * and the command line (at most LAYOUT_CMDLINE_SIZE - 1 bytes) into ram.
 * Returns the start info's guest-physical address, or 0 when the command
 * line is too long or ram_size too small for the layout.
 */
uint32_t pvh_write_boot_info(uint8_t *ram, uint64_t ram_size, const char *cmdline,
                             const struct pvh_module *mod);

/* Where an initrd of `size` bytes goes: page aligned at the top of RAM. */
uint64_t pvh_initrd_addr(uint64_t ram_size, uint64_t size);

/*
 * The vCPU at the PVH entry: 32-bit protected mode, paging off, CR0 = PE
 * (with ET, hardwired on every CPU), CR4 = 0, EFER = 0, flat 32-bit code
 * and data segments, TR a busy 32-bit TSS (base 0, limit 0x67), EFLAGS
 * 0x2, %ebx = start info, %eip = entry, every other register 0.  sregs
 * should come from KVM_GET_SREGS (the interrupt bitmap and APIC base are
 * kept).
 */
void pvh_vcpu_state(struct kvm_regs *regs, struct kvm_sregs *sregs, uint32_t entry,
                    uint32_t start_info);

#endif
