/*
 * The loader: every rule, one crafted ELF each (elfcraft.c), then what
 * loading writes to guest RAM.
 */
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "elfcraft.h"
#include "layout.h"
#include "opts.h"
#include "unit.h"

#define RAM_SIZE (4u << 20)

static void rule(void **state)
{
	const struct craft_case *k = *state;
	struct craft c;
	struct elf_image img;
	char err[256] = "";
	int r;

	craft_valid(&c);
	k->mutate(&c);
	r = elf_parse(c.buf, c.size, LAYOUT_RAM_START, OPTS_MEM_MAX, &img, err, sizeof(err));
	if (k->error == NULL) {
		if (r != 0)
			fail_msg("rejected: %s", err);
		assert_int_equal(img.entry, CRAFT_ENTRY);
	} else {
		assert_int_equal(r, -1);
		if (!strstr(err, k->error))
			fail_msg("message '%s' lacks '%s'", err, k->error);
		assert_null(strchr(err, '\n')); /* one line */
	}
}

static void image_extent(void **state)
{
	struct craft c;
	struct elf_image img;
	char err[256];

	(void)state;
	craft_valid(&c);
	assert_int_equal(
	    elf_parse(c.buf, c.size, LAYOUT_RAM_START, OPTS_MEM_MAX, &img, err, sizeof(err)), 0);
	assert_int_equal(img.nseg, 2);
	assert_int_equal(img.lo, CRAFT_TEXT_PA);
	assert_int_equal(img.hi, CRAFT_DATA_PA + 0x3000);
}

static uint8_t *ram_filled(uint8_t v)
{
	uint8_t *ram = malloc(RAM_SIZE);

	assert_non_null(ram);
	memset(ram, v, RAM_SIZE);
	return ram;
}

static void load_copies_and_zeroes_bss(void **state)
{
	struct craft c;
	struct elf_image img;
	char err[256];
	uint8_t *ram = ram_filled(0xaa);

	(void)state;
	craft_valid(&c);
	assert_int_equal(elf_load(c.buf, c.size, ram, RAM_SIZE, 0, &img, err, sizeof(err)), 0);
	assert_memory_equal(ram + CRAFT_TEXT_PA, c.buf + 0x1000, 0x100);
	assert_memory_equal(ram + CRAFT_DATA_PA, c.buf + 0x2000, 0x10);
	for (uint32_t i = 0x10; i < 0x3000; i++)
		assert_int_equal(ram[CRAFT_DATA_PA + i], 0);
	/* Nothing around the segments is touched. */
	assert_int_equal(ram[CRAFT_TEXT_PA - 1], 0xaa);
	assert_int_equal(ram[CRAFT_TEXT_PA + 0x100], 0xaa);
	assert_int_equal(ram[CRAFT_DATA_PA + 0x3000], 0xaa);
	assert_int_equal(ram[LAYOUT_START_INFO], 0xaa);
	free(ram);
}

static void load_zeroed_ram_skips_bss(void **state)
{
	struct craft c;
	struct elf_image img;
	char err[256];
	uint8_t *ram = ram_filled(0xaa);

	(void)state;
	craft_valid(&c);
	assert_int_equal(
	    elf_load(c.buf, c.size, ram, RAM_SIZE, ELF_RAM_ZEROED, &img, err, sizeof(err)), 0);
	/* The caller promised zeroed RAM: the bss is not written (not faulted in). */
	assert_int_equal(ram[CRAFT_DATA_PA + 0x10], 0xaa);
	free(ram);
}

static void load_bad_writes_nothing(void **state)
{
	struct craft c;
	struct elf_image img;
	char err[256];
	uint8_t *ram = ram_filled(0xaa);

	(void)state;
	craft_valid(&c);
	craft_phdr(&c, 1)->p_paddr = CRAFT_TEXT_PA + 0x80; /* overlap, found after PT_LOAD 0 */
	assert_int_equal(elf_load(c.buf, c.size, ram, RAM_SIZE, 0, &img, err, sizeof(err)), -1);
	for (uint32_t i = 0; i < 0x100; i++)
		assert_int_equal(ram[CRAFT_TEXT_PA + i], 0xaa);
	free(ram);
}

static void load_checks_ram_size(void **state)
{
	struct craft c;
	struct elf_image img;
	char err[256];
	uint8_t *ram = ram_filled(0);

	(void)state;
	craft_valid(&c);
	/* RAM ends inside the bss of PT_LOAD 1. */
	assert_int_equal(
	    elf_load(c.buf, c.size, ram, CRAFT_DATA_PA + 0x1000, 0, &img, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PT_LOAD 1: [0x200000, +0x3000) outside guest RAM [0x100000, "
	                            "0x201000)"));
	free(ram);
}

static void fixed(struct unit_list *l, const char *name, CMUnitTestFunction fn)
{
	unit_add(l, "elf", name, fn, NULL);
}

void elf_tests(struct unit_list *l)
{
	for (size_t i = 0; i < craft_ncases; i++)
		unit_add(l, "elf rule", craft_cases[i].name, rule, &craft_cases[i]);
	fixed(l, "image extent from the PT_LOADs", image_extent);
	fixed(l, "load copies segments, zeroes bss, touches nothing else",
	      load_copies_and_zeroes_bss);
	fixed(l, "load into zeroed RAM leaves the bss untouched", load_zeroed_ram_skips_bss);
	fixed(l, "a rejected ELF writes nothing to RAM", load_bad_writes_nothing);
	fixed(l, "load checks segments against the RAM size", load_checks_ram_size);
}
