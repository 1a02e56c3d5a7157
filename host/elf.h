/*
 * The strict ELF loader for PVH guest kernels.  Pure functions over a
 * file image in memory: no I/O, no KVM, so the unit tests and the fuzzer
 * drive them with crafted buffers.
 */
#ifndef VMM_ELF_H
#define VMM_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_LOADS 16 /* PT_LOAD segments accepted */

struct elf_seg {
	uint64_t paddr, offset, filesz, memsz;
	uint32_t flags; /* PF_X | PF_W | PF_R */
	unsigned phdr;  /* index in the program header table */
};

struct elf_image {
	uint32_t entry; /* the PVH entry: 32-bit physical */
	uint64_t lo;    /* lowest byte loaded */
	uint64_t hi;    /* end of the highest PT_LOAD (memsz included) */
	unsigned nseg;
	struct elf_seg seg[ELF_MAX_LOADS];
};

/*
 * Checks every loader rule against a file of `size` bytes whose PT_LOADs
 * must lie in [load_min, load_max).  Fills *img and returns 0, or returns
 * -1 with the rule broken in err (one line, no file name).
 */
int elf_parse(const uint8_t *file, size_t size, uint64_t load_min, uint64_t load_max,
              struct elf_image *img, char *err, size_t errlen);

/* ram is all zero already: elf_load need not clear the bss. */
#define ELF_RAM_ZEROED 1u

/*
 * elf_parse with the window [LAYOUT_RAM_START, ram_size), then copies each
 * PT_LOAD to ram + p_paddr and zeroes its bss.  Nothing is written to ram
 * unless every rule holds.
 */
int elf_load(const uint8_t *file, size_t size, uint8_t *ram, size_t ram_size, unsigned flags,
             struct elf_image *img, char *err, size_t errlen);

#endif
