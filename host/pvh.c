/*
 * PVH boot information and entry state (Xen docs/misc/pvh.pandoc), laid
 * out as layout.h says.
 */
#include <string.h>

#include <lde/pvh.h>

#include "layout.h"
#include "pvh.h"

_Static_assert(LAYOUT_MEMMAP == LAYOUT_START_INFO + sizeof(struct hvm_start_info),
               "the memory map follows the start info");
_Static_assert(LAYOUT_MEMMAP + LAYOUT_MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry) <=
                   LAYOUT_MODLIST,
               "the memory map fits below the module list");
_Static_assert(LAYOUT_MODLIST + sizeof(struct hvm_modlist_entry) <= LAYOUT_CMDLINE,
               "the module list fits below the command line");
_Static_assert(LAYOUT_CMDLINE + LAYOUT_CMDLINE_SIZE <= LAYOUT_RAM_START,
               "boot data stays in the reserved first MiB");

uint32_t pvh_write_boot_info(uint8_t *ram, uint64_t ram_size, const char *cmdline,
                             const struct pvh_module *mod)
{
	const struct hvm_memmap_table_entry map[] = {
	    {.addr = 0, .size = LAYOUT_RAM_START, .type = HVM_MEMMAP_TYPE_RESERVED},
	    {.addr = LAYOUT_RAM_START,
	     .size = ram_size - LAYOUT_RAM_START,
	     .type = HVM_MEMMAP_TYPE_RAM},
	};
	struct hvm_start_info si = {
	    .magic = HVM_START_MAGIC_VALUE,
	    .version = 1,
	    .cmdline_paddr = LAYOUT_CMDLINE,
	    .memmap_paddr = LAYOUT_MEMMAP,
	    .memmap_entries = sizeof(map) / sizeof(map[0]),
	};
	size_t len = strlen(cmdline);

	if (ram_size <= LAYOUT_RAM_START || len >= LAYOUT_CMDLINE_SIZE)
		return 0;
	if (mod) {
		struct hvm_modlist_entry m = {.paddr = mod->paddr, .size = mod->size};

		si.nr_modules = 1;
		si.modlist_paddr = LAYOUT_MODLIST;
		memcpy(ram + LAYOUT_MODLIST, &m, sizeof(m));
	}
	memcpy(ram + LAYOUT_START_INFO, &si, sizeof(si));
	memcpy(ram + LAYOUT_MEMMAP, map, sizeof(map));
	memcpy(ram + LAYOUT_CMDLINE, cmdline, len + 1);
	return LAYOUT_START_INFO;
}

uint64_t pvh_initrd_addr(uint64_t ram_size, uint64_t size)
{
	return (ram_size - size) & ~(uint64_t)(LAYOUT_PAGE - 1);
}

static void flat(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = sel,
	    .type = type,
	    .present = 1,
	    .dpl = 0,
	    .db = 1, /* 32-bit */
	    .s = 1,  /* code or data */
	    .l = 0,
	    .g = 1, /* limit in pages: 4 GiB */
	};
}

#define X86_CR0_PE 0x1u
#define X86_CR0_ET 0x10u

void pvh_vcpu_state(struct kvm_regs *regs, struct kvm_sregs *sregs, uint32_t entry,
                    uint32_t start_info)
{
	/* Selectors as the usual PVH loaders' GDT {null, code, data, TSS};
	 * the guest loads its own GDT before it reloads any of them. */
	flat(&sregs->cs, 0x08, 0xb); /* execute/read, accessed */
	flat(&sregs->ds, 0x10, 0x3); /* read/write, accessed */
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->tr = (struct kvm_segment){
	    .base = 0,
	    .limit = 0x67,
	    .selector = 0x18,
	    .type = 0xb, /* 32-bit TSS, busy */
	    .present = 1,
	};
	sregs->ldt = (struct kvm_segment){.type = 0x2, .present = 1, .limit = 0xffff};
	sregs->gdt.base = 0;
	sregs->gdt.limit = 0;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cr0 = X86_CR0_PE | X86_CR0_ET;
	sregs->cr2 = 0;
	sregs->cr3 = 0;
	sregs->cr4 = 0;
	sregs->cr8 = 0;
	sregs->efer = 0;

	memset(regs, 0, sizeof(*regs));
	regs->rflags = 0x2;
	regs->rip = entry;
	regs->rbx = start_info;
}
