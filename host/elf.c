/*
 * The strict ELF loader (issue 2): an ELF64 x86-64 ET_EXEC carrying the
 * PVH entry note, whose PT_LOADs are loaded at p_paddr.  Every field read
 * from the file is untrusted: each offset + size is checked without
 * overflow before anything is touched, and nothing reaches guest RAM
 * unless every rule holds.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <lde/pvh.h>

#include "elf.h"
#include "layout.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* [off, off + len) inside [0, size), without overflow. */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1); /* v < 2^33 here: no overflow */
}

static const char *elf_type_name(unsigned t)
{
	static const char *const names[] = {"ET_NONE", "ET_REL", "ET_EXEC", "ET_DYN", "ET_CORE"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown type";
}

/* The header rules: identity, class, byte order, machine, type, and the
 * program header table inside the file. */
static int check_ehdr(const uint8_t *file, size_t size, Elf64_Ehdr *eh, char *err, size_t errlen)
{
	if (size < EI_NIDENT || memcmp(file, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, "not an ELF file (no \\177ELF magic)");
	if (file[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not a 64-bit ELF (EI_CLASS %u); the vmm loads ELF64",
		            file[EI_CLASS]);
	if (file[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not little endian (EI_DATA %u)", file[EI_DATA]);
	if (file[EI_VERSION] != EV_CURRENT)
		return fail(err, errlen, "unknown ELF version %u", file[EI_VERSION]);
	if (size < sizeof(*eh))
		return fail(err, errlen, "truncated: %zu bytes, shorter than the ELF64 header",
		            size);
	memcpy(eh, file, sizeof(*eh));
	if (eh->e_machine != EM_X86_64)
		return fail(err, errlen, "not an x86-64 ELF (e_machine %u)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, "not an executable: e_type %s, want ET_EXEC",
		            elf_type_name(eh->e_type));
	if (eh->e_phnum == 0)
		return fail(err, errlen, "no program headers");
	if (eh->e_phnum == PN_XNUM)
		return fail(err, errlen, "extended program header numbering is not supported");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(err, errlen, "e_phentsize %u, want %zu", eh->e_phentsize,
		            sizeof(Elf64_Phdr));
	if (!inside(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return fail(err, errlen,
		            "program headers outside the file (offset 0x%llx, %u entries, file "
		            "%zu bytes)",
		            (unsigned long long)eh->e_phoff, eh->e_phnum, size);
	return 0;
}

static void get_phdr(const uint8_t *file, const Elf64_Ehdr *eh, unsigned i, Elf64_Phdr *ph)
{
	memcpy(ph, file + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

/* One PT_LOAD: inside the file, filesz <= memsz, inside the load window,
 * clear of every earlier one. */
static int add_load(struct elf_image *img, const Elf64_Phdr *ph, unsigned i, size_t size,
                    uint64_t load_min, uint64_t load_max, char *err, size_t errlen)
{
	struct elf_seg *s;

	if (!inside(ph->p_offset, ph->p_filesz, size))
		return fail(err, errlen,
		            "PT_LOAD %u: file range [0x%llx, +0x%llx) outside the file (%zu bytes)",
		            i, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
		            size);
	if (ph->p_filesz > ph->p_memsz)
		return fail(err, errlen, "PT_LOAD %u: p_filesz 0x%llx > p_memsz 0x%llx", i,
		            (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (ph->p_memsz == 0)
		return 0; /* occupies nothing */
	if (ph->p_paddr < load_min || !inside(ph->p_paddr, ph->p_memsz, load_max))
		return fail(err, errlen,
		            "PT_LOAD %u: [0x%llx, +0x%llx) outside guest RAM [0x%llx, 0x%llx)", i,
		            (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
		            (unsigned long long)load_min, (unsigned long long)load_max);
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct elf_seg *o = &img->seg[j];
		if (ph->p_paddr < o->paddr + o->memsz && o->paddr < ph->p_paddr + ph->p_memsz)
			return fail(err, errlen,
			            "PT_LOAD %u [0x%llx, 0x%llx) overlaps PT_LOAD %u [0x%llx, "
			            "0x%llx)",
			            i, (unsigned long long)ph->p_paddr,
			            (unsigned long long)(ph->p_paddr + ph->p_memsz), o->phdr,
			            (unsigned long long)o->paddr,
			            (unsigned long long)(o->paddr + o->memsz));
	}
	if (img->nseg == ELF_MAX_LOADS)
		return fail(err, errlen, "more than %d PT_LOAD segments", ELF_MAX_LOADS);
	s = &img->seg[img->nseg++];
	s->paddr = ph->p_paddr;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->memsz = ph->p_memsz;
	s->flags = ph->p_flags;
	s->phdr = i;
	if (img->nseg == 1 || s->paddr < img->lo)
		img->lo = s->paddr;
	if (s->paddr + s->memsz > img->hi)
		img->hi = s->paddr + s->memsz;
	return 0;
}

/* Walks the notes of one PT_NOTE; every note must be well formed.  Sets
 * *found and *entry on the PVH entry note. */
static int scan_notes(const uint8_t *file, size_t size, const Elf64_Phdr *ph, unsigned i,
                      bool *found, uint64_t *entry, char *err, size_t errlen)
{
	const uint64_t a = ph->p_align == 8 ? 8 : 4;
	const uint64_t len = ph->p_filesz;
	const uint8_t *seg;
	uint64_t pos = 0;

	if (!inside(ph->p_offset, ph->p_filesz, size))
		return fail(err, errlen,
		            "PT_NOTE %u: file range [0x%llx, +0x%llx) outside the file (%zu bytes)",
		            i, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
		            size);
	seg = file + ph->p_offset; /* only now: a pointer past the file is undefined */
	while (pos < len) {
		Elf64_Nhdr nh;
		uint64_t name, desc;

		if (len - pos < sizeof(nh))
			return fail(err, errlen, "PT_NOTE %u: truncated note header at +0x%llx", i,
			            (unsigned long long)pos);
		memcpy(&nh, seg + pos, sizeof(nh));
		/* The name follows the header; the descriptor starts at the
		 * next aligned offset after the name (as readelf reads it). */
		name = pos + sizeof(nh);
		if (!inside(name, nh.n_namesz, len))
			return fail(err, errlen, "PT_NOTE %u: note name at +0x%llx overruns it", i,
			            (unsigned long long)pos);
		desc = pos + align_up(sizeof(nh) + nh.n_namesz, a);
		if (!inside(desc, nh.n_descsz, len))
			return fail(err, errlen,
			            "PT_NOTE %u: note descriptor at +0x%llx overruns it", i,
			            (unsigned long long)pos);

		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    memcmp(seg + name, "Xen", 4) == 0) {
			uint32_t lo, hi = 0;

			if (*found)
				return fail(err, errlen, "more than one PVH entry note");
			if (nh.n_descsz != 4 && nh.n_descsz != 8)
				return fail(err, errlen,
				            "PVH entry note: descriptor of %u bytes, want 4 or 8",
				            nh.n_descsz);
			memcpy(&lo, seg + desc, 4);
			if (nh.n_descsz == 8)
				memcpy(&hi, seg + desc + 4, 4);
			if (hi != 0)
				return fail(err, errlen,
				            "PVH entry note: entry 0x%x%08x above 4 GiB", hi, lo);
			*found = true;
			*entry = lo;
		}
		/* The last note's descriptor padding may be cut off. */
		pos = desc + align_up(nh.n_descsz, a);
		if (pos > len)
			pos = len;
	}
	return 0;
}

int elf_parse(const uint8_t *file, size_t size, uint64_t load_min, uint64_t load_max,
              struct elf_image *img, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	bool found = false;
	uint64_t entry = 0;

	memset(img, 0, sizeof(*img));
	if (check_ehdr(file, size, &eh, err, errlen) < 0)
		return -1;

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		get_phdr(file, &eh, i, &ph);
		if (ph.p_type == PT_LOAD) {
			if (add_load(img, &ph, i, size, load_min, load_max, err, errlen) < 0)
				return -1;
		} else if (ph.p_type == PT_NOTE) {
			if (scan_notes(file, size, &ph, i, &found, &entry, err, errlen) < 0)
				return -1;
		}
	}
	if (img->nseg == 0)
		return fail(err, errlen, "no PT_LOAD segment");
	if (!found)
		return fail(err, errlen,
		            "no PVH entry note (Xen note type 18, XEN_ELFNOTE_PHYS32_ENTRY): not a "
		            "PVH kernel");
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct elf_seg *s = &img->seg[j];
		if ((s->flags & PF_X) && entry >= s->paddr && entry - s->paddr < s->filesz) {
			img->entry = (uint32_t)entry;
			return 0;
		}
	}
	return fail(err, errlen, "PVH entry 0x%llx is not inside an executable PT_LOAD",
	            (unsigned long long)entry);
}

int elf_load(const uint8_t *file, size_t size, uint8_t *ram, size_t ram_size, unsigned flags,
             struct elf_image *img, char *err, size_t errlen)
{
	if (elf_parse(file, size, LAYOUT_RAM_START, ram_size, img, err, errlen) < 0)
		return -1;
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct elf_seg *s = &img->seg[j];

		memcpy(ram + s->paddr, file + s->offset, s->filesz);
		if (!(flags & ELF_RAM_ZEROED))
			memset(ram + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}
