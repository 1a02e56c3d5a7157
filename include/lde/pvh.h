/*
 * The PVH boot protocol (Xen docs/misc/pvh.pandoc): the structures a PVH
 * loader hands the guest.  All little endian, all addresses physical.
 *
 * The guest ELF carries a note of type XEN_ELFNOTE_PHYS32_ENTRY, name
 * "Xen", whose descriptor is the 32-bit physical entry point (8 bytes in
 * an ELF64, upper half zero).  The entry runs in 32-bit protected mode,
 * paging off, with %ebx = physical address of struct hvm_start_info.
 */
#ifndef LDE_PVH_H
#define LDE_PVH_H

#include <stdint.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC_VALUE 0x336ec578u

#define HVM_MEMMAP_TYPE_RAM      1
#define HVM_MEMMAP_TYPE_RESERVED 2
#define HVM_MEMMAP_TYPE_ACPI     3
#define HVM_MEMMAP_TYPE_NVS      4
#define HVM_MEMMAP_TYPE_UNUSABLE 5

struct hvm_start_info {
	uint32_t magic;          /* HVM_START_MAGIC_VALUE */
	uint32_t version;        /* 1: memmap fields valid */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;  /* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;  /* NUL-terminated, 0 = none */
	uint64_t rsdp_paddr;     /* ACPI RSDP, 0 = none */
	uint64_t memmap_paddr;   /* struct hvm_memmap_table_entry[] */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry is 32 bytes");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry is 24 bytes");

#endif
