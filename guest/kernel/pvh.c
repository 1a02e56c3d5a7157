/*
 * pvh.c: the PVH start info (include/lde/pvh.h), checked and copied into
 * kernel memory at boot.
 *
 * Runs before the kernel page tables exist, under entry.asm's boot map,
 * where PHYSMAP covers only the first GiB: every structure the loader
 * handed over must lie there (all known loaders put them below 1 MiB).
 * The memory map and command line are copied, so nothing needs the
 * loader's pages afterwards except the modules (the initrd, issue 3),
 * which stay where they are; `used` lists every range the loader's data
 * occupies so kalloc keeps off them all.
 */
#include <lde/pvh.h>

#include "defs.h"
#include "memlayout.h"

#define BOOT_MAPPED (1ull << 30) /* entry.asm maps the first GiB */

struct bootinfo boot;
static struct hvm_memmap_table_entry memmap_copy[BOOT_MAXMEMMAP];

/* A physical range the boot map covers, or panic naming the structure. */
static const void *boot_ptr(uint64_t pa, uint64_t len, const char *what)
{
	if (pa == 0 || pa >= BOOT_MAPPED || len > BOOT_MAPPED - pa)
		panic("pvh: %s at %p+%lu is outside the first GiB", what, (void *)pa, len);
	return P2V(pa);
}

static void note_used(uint64_t pa, uint64_t len)
{
	if (len == 0 || boot.nused == (int)ARRAY_SIZE(boot.used))
		return;
	boot.used[boot.nused][0] = pa;
	boot.used[boot.nused][1] = pa + len;
	boot.nused++;
}

static void copy_memmap(const struct hvm_start_info *si)
{
	uint32_t n = si->memmap_entries;

	if (si->version < 1 || si->memmap_paddr == 0 || n == 0)
		panic("pvh: start info version %u has no memory map", si->version);
	const struct hvm_memmap_table_entry *mm =
	    boot_ptr(si->memmap_paddr, (uint64_t)n * sizeof(*mm), "memory map");
	note_used(si->memmap_paddr, (uint64_t)n * sizeof(*mm));
	if (n > BOOT_MAXMEMMAP) {
		kprintf("pvh: memory map has %u entries, using the first %u\n", n, BOOT_MAXMEMMAP);
		n = BOOT_MAXMEMMAP;
	}
	memcpy(memmap_copy, mm, n * sizeof(*mm));
	boot.memmap = memmap_copy;
	boot.nmemmap = n;
	for (uint32_t i = 0; i < n; i++) {
		const struct hvm_memmap_table_entry *e = &memmap_copy[i];
		if (e->type != HVM_MEMMAP_TYPE_RAM || e->size == 0 || e->addr + e->size < e->addr)
			continue;
		boot.ram_bytes += e->size;
		if (e->addr + e->size > boot.ram_top)
			boot.ram_top = e->addr + e->size;
	}
	if (boot.ram_bytes == 0)
		panic("pvh: the memory map has no RAM");
}

static void copy_cmdline(uint64_t pa)
{
	if (pa == 0)
		return;
	/* Read up to the NUL, at most BOOT_CMDLINE - 1 bytes. */
	const char *s = boot_ptr(pa, 1, "command line");
	size_t max = BOOT_MAPPED - pa < BOOT_CMDLINE ? BOOT_MAPPED - pa : BOOT_CMDLINE;
	size_t n = strnlen(s, max);
	if (n == BOOT_CMDLINE) {
		boot.cmdline_truncated = true;
		n = BOOT_CMDLINE - 1;
	}
	memcpy(boot.cmdline, s, n);
	boot.cmdline[n] = 0;
	boot.cmdline_len = n;
	note_used(pa, n + 1);
}

static void copy_modules(const struct hvm_start_info *si)
{
	uint32_t n = si->nr_modules;

	if (n == 0 || si->modlist_paddr == 0)
		return;
	const struct hvm_modlist_entry *ml =
	    boot_ptr(si->modlist_paddr, (uint64_t)n * sizeof(*ml), "module list");
	note_used(si->modlist_paddr, (uint64_t)n * sizeof(*ml));
	if (n > BOOT_MAXMODS) {
		kprintf("pvh: %u modules, using the first %u\n", n, BOOT_MAXMODS);
		n = BOOT_MAXMODS;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (ml[i].paddr + ml[i].size < ml[i].paddr)
			panic("pvh: module %u wraps around", i);
		boot.mods[i] = (struct bootmod){ml[i].paddr, ml[i].size};
		note_used(ml[i].paddr, ml[i].size);
	}
	boot.nmods = n;
}

void pvh_init(uint64_t start_pa)
{
	const struct hvm_start_info *si = boot_ptr(start_pa, sizeof(*si), "start info");

	if (si->magic != HVM_START_MAGIC_VALUE)
		panic("pvh: start info magic is 0x%x, not 0x%x: not booted by a PVH loader",
		      si->magic, HVM_START_MAGIC_VALUE);
	boot.start_pa = start_pa;
	boot.version = si->version;
	boot.flags = si->flags;
	note_used(start_pa, sizeof(*si));
	copy_memmap(si);
	copy_cmdline(si->cmdline_paddr);
	copy_modules(si);
}

const char *memmap_type_name(uint32_t type)
{
	static const char *const names[] = {
	    [HVM_MEMMAP_TYPE_RAM] = "RAM",           [HVM_MEMMAP_TYPE_RESERVED] = "reserved",
	    [HVM_MEMMAP_TYPE_ACPI] = "ACPI",         [HVM_MEMMAP_TYPE_NVS] = "ACPI NVS",
	    [HVM_MEMMAP_TYPE_UNUSABLE] = "unusable",
	};
	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "other";
}

void pvh_print_memmap(void)
{
	kprintf("memory map (%u entries):\n", boot.nmemmap);
	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *e = &boot.memmap[i];
		if (e->size == 0)
			continue;
		kprintf("  [0x%012lx-0x%012lx] %s\n", e->addr, e->addr + e->size - 1,
		        memmap_type_name(e->type));
	}
}
