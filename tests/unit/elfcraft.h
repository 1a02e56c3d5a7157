/*
 * Crafted guest ELFs for the loader's tests: a valid PVH ELF64 in a
 * buffer that each test case then breaks in one way.
 *
 * The valid image:
 *   ELF header, 3 program headers at 64
 *   PT_LOAD 0 (R X)  file 0x1000, 0x100 bytes -> 0x100000, memsz 0x100:
 *                    code at the entry (0x100010) writes 0x15 to port 0xf4
 *                    (status 43) and halts
 *   PT_LOAD 1 (RW)   file 0x2000, 0x10 bytes -> 0x200000, memsz 0x3000 (bss)
 *   PT_NOTE 2        file 0x1100, one Xen note type 18, 8-byte descriptor
 */
#ifndef ELFCRAFT_H
#define ELFCRAFT_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#define CRAFT_MAX      0x4000
#define CRAFT_ENTRY    0x100010u
#define CRAFT_TEXT_PA  0x100000u
#define CRAFT_DATA_PA  0x200000u
#define CRAFT_NOTE_OFF 0x1100u
#define CRAFT_STATUS   43 /* what the valid image exits with */

struct craft {
	_Alignas(8) uint8_t buf[CRAFT_MAX];
	size_t size;
};

void craft_valid(struct craft *c);
Elf64_Ehdr *craft_ehdr(struct craft *c);
Elf64_Phdr *craft_phdr(struct craft *c, unsigned i);
/* The note's header, name and descriptor (in PT_NOTE 2). */
Elf64_Nhdr *craft_note(struct craft *c);
uint8_t *craft_note_desc(struct craft *c);

/* One malformed or unusual variant per loader rule: a name, what it does
 * to the valid image, and what the loader must say (NULL: accept). */
struct craft_case {
	const char *name;
	void (*mutate)(struct craft *c);
	const char *error; /* a substring of the loader's message */
};
extern const struct craft_case craft_cases[];
extern const size_t craft_ncases;

#endif
