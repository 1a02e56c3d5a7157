/*
 * PVH boot info as the guest finds it in memory, and the vCPU entry state.
 */
#include <stdlib.h>
#include <string.h>

#include <lde/pvh.h>

#include "layout.h"
#include "pvh.h"
#include "unit.h"

#define RAM_SIZE (16u << 20)

static uint8_t *ram_new(void)
{
	uint8_t *ram = calloc(1, RAM_SIZE);

	assert_non_null(ram);
	return ram;
}

static struct hvm_start_info start_info(const uint8_t *ram)
{
	struct hvm_start_info si;

	memcpy(&si, ram + LAYOUT_START_INFO, sizeof(si));
	return si;
}

static void start_info_fields(void **state)
{
	uint8_t *ram = ram_new();
	struct hvm_start_info si;

	(void)state;
	assert_int_equal(pvh_write_boot_info(ram, RAM_SIZE, "selftest quiet", NULL),
	                 LAYOUT_START_INFO);
	si = start_info(ram);
	assert_int_equal(si.magic, HVM_START_MAGIC_VALUE);
	assert_int_equal(si.version, 1);
	assert_int_equal(si.flags, 0);
	assert_int_equal(si.nr_modules, 0);
	assert_int_equal(si.modlist_paddr, 0);
	assert_int_equal(si.rsdp_paddr, 0);
	assert_int_equal(si.cmdline_paddr, 0x2000);
	assert_int_equal(si.memmap_paddr, LAYOUT_START_INFO + sizeof(si));
	assert_int_equal(si.memmap_entries, 2);
	assert_int_equal(si.reserved, 0);
	free(ram);
}

static void memmap_layout(void **state)
{
	uint8_t *ram = ram_new();
	struct hvm_memmap_table_entry e[2];

	(void)state;
	pvh_write_boot_info(ram, RAM_SIZE, "", NULL);
	memcpy(e, ram + start_info(ram).memmap_paddr, sizeof(e));
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].size, 0x100000);
	assert_int_equal(e[0].type, HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(e[1].addr, 0x100000);
	assert_int_equal(e[1].size, RAM_SIZE - 0x100000);
	assert_int_equal(e[1].type, HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(e[0].reserved | e[1].reserved, 0);
	free(ram);
}

static void boot_data_in_reserved_mib(void **state)
{
	uint8_t *ram = ram_new();
	struct hvm_start_info si;

	(void)state;
	pvh_write_boot_info(ram, RAM_SIZE, "x", &(struct pvh_module){0x800000, 100});
	si = start_info(ram);
	/* Every structure the guest is handed lies below 1 MiB, none overlaps. */
	assert_true(si.memmap_paddr + si.memmap_entries * 24 <= si.modlist_paddr);
	assert_true(si.modlist_paddr + 32 <= si.cmdline_paddr);
	assert_true(si.cmdline_paddr + 4096 <= 0x100000);
	free(ram);
}

static void cmdline_copied(void **state)
{
	uint8_t *ram = ram_new();
	const char *line = "selftest \"a b\" c\\\"d";

	(void)state;
	pvh_write_boot_info(ram, RAM_SIZE, line, NULL);
	assert_string_equal((char *)ram + start_info(ram).cmdline_paddr, line);
	free(ram);
}

static void cmdline_empty(void **state)
{
	uint8_t *ram = ram_new();

	(void)state;
	memset(ram + 0x2000, 'z', 16);
	pvh_write_boot_info(ram, RAM_SIZE, "", NULL);
	assert_int_equal(start_info(ram).cmdline_paddr, 0x2000);
	assert_int_equal(ram[0x2000], 0);
	free(ram);
}

static void cmdline_limits(void **state)
{
	uint8_t *ram = ram_new();
	char *line = malloc(4097);

	(void)state;
	memset(line, 'a', 4096);
	line[4095] = 0; /* 4095 bytes: fits with its NUL */
	assert_int_equal(pvh_write_boot_info(ram, RAM_SIZE, line, NULL), LAYOUT_START_INFO);
	assert_int_equal(strlen((char *)ram + 0x2000), 4095);
	assert_int_equal(ram[0x2000 + 4095], 0);
	line[4095] = 'a';
	line[4096] = 0; /* 4096 bytes: refused */
	assert_int_equal(pvh_write_boot_info(ram, RAM_SIZE, line, NULL), 0);
	free(line);
	free(ram);
}

static void module_list(void **state)
{
	uint8_t *ram = ram_new();
	struct hvm_modlist_entry m;
	struct hvm_start_info si;

	(void)state;
	pvh_write_boot_info(ram, RAM_SIZE, "", &(struct pvh_module){0xf00000, 12345});
	si = start_info(ram);
	assert_int_equal(si.nr_modules, 1);
	assert_int_equal(si.modlist_paddr, 0x1800);
	memcpy(&m, ram + si.modlist_paddr, sizeof(m));
	assert_int_equal(m.paddr, 0xf00000);
	assert_int_equal(m.size, 12345);
	assert_int_equal(m.cmdline_paddr, 0);
	assert_int_equal(m.reserved, 0);
	free(ram);
}

static void initrd_at_top(void **state)
{
	(void)state;
	assert_int_equal(pvh_initrd_addr(128u << 20, 5000), (128u << 20) - 8192);
	assert_int_equal(pvh_initrd_addr(128u << 20, 8192), (128u << 20) - 8192);
	assert_int_equal(pvh_initrd_addr(128u << 20, 0), 128u << 20);
	assert_int_equal(pvh_initrd_addr(128u << 20, 1) % 4096, 0);
}

static void check_flat(const struct kvm_segment *s, uint8_t type)
{
	assert_int_equal(s->base, 0);
	assert_int_equal(s->limit, 0xffffffff);
	assert_int_equal(s->type, type);
	assert_int_equal(s->present, 1);
	assert_int_equal(s->dpl, 0);
	assert_int_equal(s->db, 1);
	assert_int_equal(s->s, 1);
	assert_int_equal(s->l, 0);
	assert_int_equal(s->g, 1);
	assert_int_equal(s->unusable, 0);
}

static void vcpu_entry_state(void **state)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	(void)state;
	memset(&r, 0x55, sizeof(r));
	memset(&s, 0, sizeof(s));
	s.cr0 = 0x60000010; /* reset: CD | NW | ET */
	s.apic_base = 0xfee00900;
	pvh_vcpu_state(&r, &s, 0x100123, 0x1000);
	assert_int_equal(s.cr0, 0x11); /* PE | ET: no paging, caches on */
	assert_int_equal(s.cr3, 0);
	assert_int_equal(s.cr4, 0);
	assert_int_equal(s.efer, 0);
	assert_int_equal(s.apic_base, 0xfee00900); /* kept */
	check_flat(&s.cs, 0xb);
	check_flat(&s.ds, 0x3);
	check_flat(&s.es, 0x3);
	check_flat(&s.ss, 0x3);
	check_flat(&s.fs, 0x3);
	check_flat(&s.gs, 0x3);
	assert_int_equal(s.tr.base, 0);
	assert_int_equal(s.tr.limit, 0x67);
	assert_int_equal(s.tr.type, 0xb); /* 32-bit TSS, busy */
	assert_int_equal(s.tr.present, 1);
	assert_int_equal(s.tr.s, 0);
	assert_int_equal(r.rflags, 0x2); /* IF, TF, VM clear */
	assert_int_equal(r.rip, 0x100123);
	assert_int_equal(r.rbx, 0x1000);
	assert_int_equal(r.rax | r.rcx | r.rdx | r.rsi | r.rdi | r.rsp | r.rbp, 0);
	assert_int_equal(r.r8 | r.r9 | r.r10 | r.r11 | r.r12 | r.r13 | r.r14 | r.r15, 0);
}

void pvh_tests(struct unit_list *l)
{
	static const struct {
		const char *name;
		CMUnitTestFunction fn;
	} t[] = {
	    {"start info v1 fields", start_info_fields},
	    {"memory map: first MiB reserved, then RAM", memmap_layout},
	    {"boot data inside the reserved MiB, no overlaps", boot_data_in_reserved_mib},
	    {"command line copied with its NUL", cmdline_copied},
	    {"empty command line is an empty string", cmdline_empty},
	    {"command line of 4095 bytes fits, 4096 refused", cmdline_limits},
	    {"initrd as module 0", module_list},
	    {"initrd page-aligned at the top of RAM", initrd_at_top},
	    {"vCPU in 32-bit protected mode per PVH", vcpu_entry_state},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		unit_add(l, "pvh", t[i].name, t[i].fn, NULL);
}
