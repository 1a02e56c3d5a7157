/*
 * The guest-physical memory map lde's vmm lays out (design.md).  Private
 * to the vmm: the guest learns all of it from struct hvm_start_info.
 *
 *   [0, 0x100000)        declared reserved; the vmm's boot data:
 *     0x1000             struct hvm_start_info
 *     0x1038             the memory map, right after it
 *     0x1800             the module list
 *     0x2000             the command line (4095 bytes + NUL at most)
 *   [0x100000, mem)      RAM: the guest's PT_LOADs, free memory, and the
 *                        initrd page-aligned at the top
 *   0xfffbd000           KVM's TSS (3 pages), in the MMIO hole
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LAYOUT_START_INFO   0x1000u
#define LAYOUT_MEMMAP       (LAYOUT_START_INFO + 56u) /* sizeof(struct hvm_start_info) */
#define LAYOUT_MEMMAP_MAX   8u                        /* entries room up to the module list */
#define LAYOUT_MODLIST      0x1800u
#define LAYOUT_CMDLINE      0x2000u
#define LAYOUT_CMDLINE_SIZE 4096u     /* including the NUL */
#define LAYOUT_RAM_START    0x100000u /* first byte the guest image may use */

/* Free RAM the guest needs beyond its image and initrd (design.md). */
#define LAYOUT_SLACK (4ull << 20)

#define LAYOUT_KVM_TSS 0xfffbd000u
#define LAYOUT_PAGE    4096u

#endif
