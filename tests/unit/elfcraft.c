/*
 * Crafted guest ELFs (see elfcraft.h): the valid image and its variants,
 * one per loader rule.
 */
#include <string.h>

#include "elfcraft.h"

Elf64_Ehdr *craft_ehdr(struct craft *c)
{
	return (Elf64_Ehdr *)c->buf;
}

Elf64_Phdr *craft_phdr(struct craft *c, unsigned i)
{
	return (Elf64_Phdr *)(c->buf + sizeof(Elf64_Ehdr)) + i;
}

Elf64_Nhdr *craft_note(struct craft *c)
{
	return (Elf64_Nhdr *)(c->buf + CRAFT_NOTE_OFF);
}

uint8_t *craft_note_desc(struct craft *c)
{
	return c->buf + CRAFT_NOTE_OFF + sizeof(Elf64_Nhdr) + 4;
}

static void set_load(Elf64_Phdr *p, uint64_t off, uint64_t pa, uint64_t filesz, uint64_t memsz,
                     uint32_t flags)
{
	*p = (Elf64_Phdr){.p_type = PT_LOAD,
	                  .p_flags = flags,
	                  .p_offset = off,
	                  .p_vaddr = pa,
	                  .p_paddr = pa,
	                  .p_filesz = filesz,
	                  .p_memsz = memsz,
	                  .p_align = 0x1000};
}

void craft_valid(struct craft *c)
{
	static const uint8_t code[] = {0xb0, 0x15, /* mov al, 0x15 */
	                               0xe6, 0xf4, /* out 0xf4, al */
	                               0xf4,       /* hlt */
	                               0xeb, 0xfd /* jmp hlt */};
	Elf64_Ehdr *eh = craft_ehdr(c);
	Elf64_Phdr *note = craft_phdr(c, 2);
	Elf64_Nhdr *nh;
	uint64_t entry = CRAFT_ENTRY;

	memset(c, 0, sizeof(*c));
	c->size = 0x2010;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0xffffffff80000000ull; /* the ELF entry: ignored by PVH */
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;

	set_load(craft_phdr(c, 0), 0x1000, CRAFT_TEXT_PA, 0x100, 0x100, PF_R | PF_X);
	memcpy(c->buf + 0x1000 + (CRAFT_ENTRY - CRAFT_TEXT_PA), code, sizeof(code));
	set_load(craft_phdr(c, 1), 0x2000, CRAFT_DATA_PA, 0x10, 0x3000, PF_R | PF_W);
	memset(c->buf + 0x2000, 0x5a, 0x10);

	*note = (Elf64_Phdr){.p_type = PT_NOTE,
	                     .p_flags = PF_R,
	                     .p_offset = CRAFT_NOTE_OFF,
	                     .p_vaddr = CRAFT_TEXT_PA + 0x100,
	                     .p_paddr = CRAFT_TEXT_PA + 0x100,
	                     .p_filesz = sizeof(Elf64_Nhdr) + 4 + 8,
	                     .p_memsz = sizeof(Elf64_Nhdr) + 4 + 8,
	                     .p_align = 4};
	nh = craft_note(c);
	nh->n_namesz = 4;
	nh->n_descsz = 8;
	nh->n_type = 18;
	memcpy(nh + 1, "Xen", 4);
	memcpy(craft_note_desc(c), &entry, 8);
}

/* ---- the variants ---- */

static void m_none(struct craft *c)
{
	(void)c;
}
static void m_empty(struct craft *c)
{
	c->size = 0;
}
static void m_text(struct craft *c)
{
	memcpy(c->buf, "#!/bin/sh\necho not a kernel\n", 28);
	c->size = 28;
}
static void m_magic(struct craft *c)
{
	c->buf[1] = 'F';
}
static void m_class32(struct craft *c)
{
	c->buf[EI_CLASS] = ELFCLASS32;
}
static void m_bigendian(struct craft *c)
{
	c->buf[EI_DATA] = ELFDATA2MSB;
}
static void m_version(struct craft *c)
{
	c->buf[EI_VERSION] = 0;
}
static void m_truncated_ehdr(struct craft *c)
{
	c->size = 40;
}
static void m_machine(struct craft *c)
{
	craft_ehdr(c)->e_machine = EM_386;
}
static void m_dyn(struct craft *c)
{
	craft_ehdr(c)->e_type = ET_DYN;
}
static void m_rel(struct craft *c)
{
	craft_ehdr(c)->e_type = ET_REL;
}
static void m_phnum0(struct craft *c)
{
	craft_ehdr(c)->e_phnum = 0;
}
static void m_pnxnum(struct craft *c)
{
	craft_ehdr(c)->e_phnum = PN_XNUM;
}
static void m_phentsize(struct craft *c)
{
	craft_ehdr(c)->e_phentsize = 32;
}
static void m_phoff_past_end(struct craft *c)
{
	craft_ehdr(c)->e_phoff = c->size - 10;
}
static void m_phoff_overflow(struct craft *c)
{
	craft_ehdr(c)->e_phoff = UINT64_MAX - 8;
}
static void m_truncated_phdrs(struct craft *c)
{
	c->size = 64 + 56 + 20; /* the second program header is cut */
}
static void m_load_past_end(struct craft *c)
{
	craft_phdr(c, 0)->p_offset = c->size - 0x10;
}
static void m_load_offset_overflow(struct craft *c)
{
	craft_phdr(c, 0)->p_offset = UINT64_MAX - 0x10;
}
static void m_truncated_file(struct craft *c)
{
	c->size = 0x1080; /* text's file bytes cut in half */
}
static void m_filesz_gt_memsz(struct craft *c)
{
	craft_phdr(c, 1)->p_memsz = 0x8;
}
static void m_load_low(struct craft *c)
{
	craft_phdr(c, 1)->p_paddr = 0x1000; /* the vmm's boot data */
}
static void m_load_high(struct craft *c)
{
	craft_phdr(c, 1)->p_paddr = 0xbffff000; /* crosses 3 GiB */
}
static void m_load_paddr_overflow(struct craft *c)
{
	craft_phdr(c, 1)->p_paddr = UINT64_MAX - 0xfff;
}
static void m_memsz_huge(struct craft *c)
{
	craft_phdr(c, 1)->p_memsz = UINT64_MAX;
}
static void m_overlap(struct craft *c)
{
	craft_phdr(c, 1)->p_paddr = CRAFT_TEXT_PA + 0x80;
}
static void m_overlap_contained(struct craft *c)
{
	set_load(craft_phdr(c, 1), 0x2000, CRAFT_TEXT_PA + 0x40, 0x10, 0x10, PF_R | PF_W);
}
static void m_no_load(struct craft *c)
{
	craft_phdr(c, 0)->p_type = PT_NULL;
	craft_phdr(c, 1)->p_type = PT_NULL;
}
static void m_too_many_loads(struct craft *c)
{
	Elf64_Ehdr *eh = craft_ehdr(c);

	/* Move the table to 0x3000 and give it 17 small PT_LOADs + the note. */
	eh->e_phoff = 0x3000;
	eh->e_phnum = 18;
	for (unsigned i = 0; i < 17; i++) {
		Elf64_Phdr *p = (Elf64_Phdr *)(c->buf + 0x3000) + i;
		set_load(p, 0x1000, CRAFT_TEXT_PA + 0x1000 * i, 0x100, 0x100, PF_R | PF_X);
	}
	*((Elf64_Phdr *)(c->buf + 0x3000) + 17) = *craft_phdr(c, 2);
	c->size = 0x3000 + 18 * 56;
}
static void m_zero_size_load(struct craft *c)
{
	Elf64_Ehdr *eh = craft_ehdr(c);
	Elf64_Phdr *p = craft_phdr(c, 3);

	eh->e_phnum = 4;
	set_load(p, 0, 0, 0, 0, PF_R); /* occupies nothing: ignored */
}
static void m_no_note(struct craft *c)
{
	craft_phdr(c, 2)->p_type = PT_NULL;
}
static void m_note_name(struct craft *c)
{
	memcpy(craft_note(c) + 1, "Xyz", 4);
}
static void m_note_type(struct craft *c)
{
	craft_note(c)->n_type = 17;
}
static void m_note_past_end(struct craft *c)
{
	craft_phdr(c, 2)->p_offset = c->size - 8;
}
static void m_note_offset_overflow(struct craft *c)
{
	/* file + p_offset would wrap the address space (found by tests/fuzz,
	 * "elf", as undefined behaviour before the range check). */
	craft_phdr(c, 2)->p_offset = UINT64_MAX - 0x100;
}
static void m_note_truncated_header(struct craft *c)
{
	craft_phdr(c, 2)->p_filesz = 8;
}
static void m_note_namesz_huge(struct craft *c)
{
	craft_note(c)->n_namesz = UINT32_MAX;
}
static void m_note_descsz_huge(struct craft *c)
{
	craft_note(c)->n_descsz = UINT32_MAX - 2;
}
static void m_note_descsz_2(struct craft *c)
{
	craft_note(c)->n_descsz = 2;
}
static void m_note_desc4(struct craft *c)
{
	/* A 4-byte descriptor, as some 32-bit-minded loaders write. */
	craft_note(c)->n_descsz = 4;
	craft_phdr(c, 2)->p_filesz = sizeof(Elf64_Nhdr) + 4 + 4;
}
static void m_note_entry_high(struct craft *c)
{
	craft_note_desc(c)[5] = 1; /* entry 0x100_0010_0010 */
}
static void m_note_twice(struct craft *c)
{
	/* A second, identical note right after the first. */
	Elf64_Phdr *p = craft_phdr(c, 2);
	memcpy(c->buf + CRAFT_NOTE_OFF + p->p_filesz, c->buf + CRAFT_NOTE_OFF, p->p_filesz);
	p->p_filesz *= 2;
}
static void m_note_align8(struct craft *c)
{
	/* Two notes in an 8-aligned PT_NOTE: a GNU one first (header 12,
	 * name "GNU\0" to 16, descriptor at 16 padded to 8), then the Xen
	 * note at +0x18 with its descriptor at +0x18 + 16. */
	uint8_t *n = c->buf + CRAFT_NOTE_OFF;
	Elf64_Nhdr gnu = {.n_namesz = 4, .n_descsz = 4, .n_type = 5};
	Elf64_Nhdr xen = {.n_namesz = 4, .n_descsz = 8, .n_type = 18};
	uint64_t entry = CRAFT_ENTRY;

	memset(n, 0, 0x40);
	memcpy(n, &gnu, 12);
	memcpy(n + 12, "GNU", 4);
	memcpy(n + 0x18, &xen, 12);
	memcpy(n + 0x18 + 12, "Xen", 4);
	memcpy(n + 0x18 + 16, &entry, 8);
	craft_phdr(c, 2)->p_align = 8;
	craft_phdr(c, 2)->p_filesz = 0x18 + 24;
}
static void m_other_notes_first(struct craft *c)
{
	/* A foreign note before the Xen one, 4-aligned. */
	uint8_t *n = c->buf + CRAFT_NOTE_OFF;
	Elf64_Nhdr other = {.n_namesz = 6, .n_descsz = 3, .n_type = 1};
	Elf64_Nhdr xen = {.n_namesz = 4, .n_descsz = 8, .n_type = 18};
	uint64_t entry = CRAFT_ENTRY;

	memset(n, 0, 0x40);
	memcpy(n, &other, 12);
	memcpy(n + 12, "Linux", 6); /* name padded to 8, desc to 4 */
	memcpy(n + 24, &xen, 12);
	memcpy(n + 36, "Xen", 4);
	memcpy(n + 40, &entry, 8);
	craft_phdr(c, 2)->p_filesz = 48;
}
static void m_entry_outside(struct craft *c)
{
	uint64_t e = 0x300000;
	memcpy(craft_note_desc(c), &e, 8);
}
static void m_entry_not_exec(struct craft *c)
{
	uint64_t e = CRAFT_DATA_PA;
	memcpy(craft_note_desc(c), &e, 8);
}
static void m_entry_in_bss(struct craft *c)
{
	/* Executable segment, but the entry lies past its file bytes. */
	uint64_t e = CRAFT_TEXT_PA + 0x180;
	craft_phdr(c, 0)->p_memsz = 0x200;
	memcpy(craft_note_desc(c), &e, 8);
}
static void m_big_bss(struct craft *c)
{
	/* Fits below 3 GiB, but needs 16M of RAM and more. */
	craft_phdr(c, 1)->p_memsz = 0xe00000;
}

const struct craft_case craft_cases[] = {
    {"valid PVH ELF64", m_none, NULL},
    {"empty file", m_empty, "not an ELF file"},
    {"a shell script", m_text, "not an ELF file"},
    {"bad magic", m_magic, "not an ELF file"},
    {"ELFCLASS32", m_class32, "not a 64-bit ELF"},
    {"big endian", m_bigendian, "not little endian"},
    {"EI_VERSION 0", m_version, "unknown ELF version"},
    {"truncated ELF header", m_truncated_ehdr, "truncated"},
    {"EM_386", m_machine, "not an x86-64 ELF"},
    {"ET_DYN (PIE)", m_dyn, "e_type ET_DYN, want ET_EXEC"},
    {"ET_REL (object file)", m_rel, "e_type ET_REL, want ET_EXEC"},
    {"no program headers", m_phnum0, "no program headers"},
    {"e_phnum PN_XNUM", m_pnxnum, "extended program header numbering"},
    {"e_phentsize 32", m_phentsize, "e_phentsize 32"},
    {"program headers past the end", m_phoff_past_end, "program headers outside the file"},
    {"e_phoff overflows", m_phoff_overflow, "program headers outside the file"},
    {"program headers truncated", m_truncated_phdrs, "program headers outside the file"},
    {"PT_LOAD file bytes past the end", m_load_past_end, "PT_LOAD 0: file range"},
    {"PT_LOAD p_offset overflows", m_load_offset_overflow, "PT_LOAD 0: file range"},
    {"file truncated inside a segment", m_truncated_file, "PT_LOAD 0: file range"},
    {"p_filesz > p_memsz", m_filesz_gt_memsz, "PT_LOAD 1: p_filesz 0x10 > p_memsz 0x8"},
    {"PT_LOAD below 1 MiB", m_load_low, "PT_LOAD 1: [0x1000, +0x3000) outside guest RAM"},
    {"PT_LOAD crosses the RAM end", m_load_high, "PT_LOAD 1: [0xbffff000"},
    {"PT_LOAD p_paddr + p_memsz overflows", m_load_paddr_overflow, "outside guest RAM"},
    {"PT_LOAD p_memsz huge", m_memsz_huge, "outside guest RAM"},
    {"PT_LOADs overlap", m_overlap, "PT_LOAD 1 [0x100080, 0x103080) overlaps PT_LOAD 0"},
    {"PT_LOAD inside another", m_overlap_contained,
     "PT_LOAD 1 [0x100040, 0x100050) overlaps PT_LOAD 0"},
    {"no PT_LOAD", m_no_load, "no PT_LOAD segment"},
    {"17 PT_LOADs", m_too_many_loads, "more than 16 PT_LOAD segments"},
    {"zero-size PT_LOAD ignored", m_zero_size_load, NULL},
    {"no PT_NOTE", m_no_note, "no PVH entry note"},
    {"note named Xyz", m_note_name, "no PVH entry note"},
    {"Xen note of another type", m_note_type, "no PVH entry note"},
    {"PT_NOTE past the end", m_note_past_end, "PT_NOTE 2: file range"},
    {"PT_NOTE p_offset overflows", m_note_offset_overflow, "PT_NOTE 2: file range"},
    {"note header truncated", m_note_truncated_header, "truncated note header"},
    {"note n_namesz huge", m_note_namesz_huge, "note name at +0x0 overruns"},
    {"note n_descsz huge", m_note_descsz_huge, "note descriptor at +0x0 overruns"},
    {"PVH descriptor of 2 bytes", m_note_descsz_2, "descriptor of 2 bytes, want 4 or 8"},
    {"PVH descriptor of 4 bytes", m_note_desc4, NULL},
    {"PVH entry above 4 GiB", m_note_entry_high, "above 4 GiB"},
    {"two PVH notes", m_note_twice, "more than one PVH entry note"},
    {"8-aligned PT_NOTE", m_note_align8, NULL},
    {"another note before the PVH note", m_other_notes_first, NULL},
    {"entry outside every PT_LOAD", m_entry_outside,
     "PVH entry 0x300000 is not inside an executable PT_LOAD"},
    {"entry in a data segment", m_entry_not_exec, "not inside an executable PT_LOAD"},
    {"entry in an executable bss", m_entry_in_bss, "not inside an executable PT_LOAD"},
    {"bss to 16M", m_big_bss, NULL},
};
const size_t craft_ncases = sizeof(craft_cases) / sizeof(craft_cases[0]);
