/*
 * What the loader promises, checked after every call by the two ELF
 * targets (fuzz_elf.c: fixed RAM; fuzz_elf_ram.c: any RAM size):
 *
 *   - a refusal is one line, NUL-terminated, and writes nothing to RAM
 *     (RAM is all zero before and is checked where a segment would go);
 *   - an accepted image has 1..ELF_MAX_LOADS segments, each non-empty,
 *     filesz <= memsz, its file bytes inside the file, its memory inside
 *     the load window, no two overlapping; lo/hi are their extent; the
 *     entry lies in the file bytes of an executable one;
 *   - loading puts each segment's file bytes at paddr and zeroes its bss
 *     (unless the caller said RAM is zero already);
 *   - the vmm's own order (main.c): an image accepted against the 3 GiB
 *     window whose `hi` fits a RAM size is also accepted by elf_load into
 *     that RAM, with the same segments.
 */
#ifndef ELF_CHECK_H
#define ELF_CHECK_H

#include <elf.h>
#include <string.h>

#include "elf.h"
#include "fuzz.h"
#include "layout.h"
#include "opts.h"

static void check_err(const char *err, size_t errlen)
{
	FUZZ_CHECK(memchr(err, '\0', errlen) != NULL, "refusal not NUL-terminated");
	FUZZ_CHECK(err[0] != '\0', "refusal without a message");
	FUZZ_CHECK(strchr(err, '\n') == NULL, "refusal of more than one line: %s", err);
}

static void check_image(const struct elf_image *img, size_t size, uint64_t lo_win, uint64_t hi_win)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	bool entry_ok = false;

	FUZZ_CHECK(img->nseg >= 1 && img->nseg <= ELF_MAX_LOADS, "nseg %u", img->nseg);
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_seg *s = &img->seg[i];

		FUZZ_CHECK(s->memsz > 0, "segment %u empty", i);
		FUZZ_CHECK(s->filesz <= s->memsz, "segment %u filesz > memsz", i);
		FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset,
		           "segment %u file bytes outside the file", i);
		FUZZ_CHECK(s->paddr >= lo_win && s->paddr <= hi_win &&
		               s->memsz <= hi_win - s->paddr,
		           "segment %u [0x%llx, +0x%llx) outside [0x%llx, 0x%llx)", i,
		           (unsigned long long)s->paddr, (unsigned long long)s->memsz,
		           (unsigned long long)lo_win, (unsigned long long)hi_win);
		for (unsigned j = 0; j < i; j++) {
			const struct elf_seg *o = &img->seg[j];
			FUZZ_CHECK(s->paddr >= o->paddr + o->memsz ||
			               o->paddr >= s->paddr + s->memsz,
			           "segments %u and %u overlap", j, i);
		}
		if (s->paddr < lo)
			lo = s->paddr;
		if (s->paddr + s->memsz > hi)
			hi = s->paddr + s->memsz;
		if ((s->flags & PF_X) && img->entry >= s->paddr &&
		    img->entry - s->paddr < s->filesz)
			entry_ok = true;
	}
	FUZZ_CHECK(img->lo == lo && img->hi == hi,
	           "lo/hi 0x%llx/0x%llx, segments span 0x%llx/0x%llx", (unsigned long long)img->lo,
	           (unsigned long long)img->hi, (unsigned long long)lo, (unsigned long long)hi);
	FUZZ_CHECK(entry_ok, "entry 0x%x not in an executable segment's file bytes", img->entry);
}

static bool same_image(const struct elf_image *a, const struct elf_image *b)
{
	if (a->nseg != b->nseg || a->entry != b->entry || a->lo != b->lo || a->hi != b->hi)
		return false;
	for (unsigned i = 0; i < a->nseg; i++) {
		if (a->seg[i].paddr != b->seg[i].paddr || a->seg[i].offset != b->seg[i].offset ||
		    a->seg[i].filesz != b->seg[i].filesz || a->seg[i].memsz != b->seg[i].memsz ||
		    a->seg[i].flags != b->seg[i].flags || a->seg[i].phdr != b->seg[i].phdr)
			return false;
	}
	return true;
}

/* Is ram[pa, pa + n) all zero? */
static bool zero(const uint8_t *ram, uint64_t pa, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		if (ram[pa + i])
			return false;
	}
	return true;
}

/*
 * One file against RAM of ram_size bytes (all zero on entry, left all
 * zero again).  With bss_dirty, segment memory is filled with 0xa5 first
 * and elf_load must clear the bss itself.
 */
static void check_load(const uint8_t *file, size_t size, uint8_t *ram, uint64_t ram_size,
                       bool bss_dirty)
{
	struct elf_image wide, img;
	char err[256];
	int wide_r, r;

	memset(err, 0x7f, sizeof(err));
	wide_r = elf_parse(file, size, LAYOUT_RAM_START, OPTS_MEM_MAX, &wide, err, sizeof(err));
	if (wide_r < 0)
		check_err(err, sizeof(err));
	else
		check_image(&wide, size, LAYOUT_RAM_START, OPTS_MEM_MAX);

	/* Where the segments would go, dirty, as RAM with old contents. */
	if (wide_r == 0 && bss_dirty) {
		for (unsigned i = 0; i < wide.nseg; i++) {
			if (wide.seg[i].paddr + wide.seg[i].memsz <= ram_size)
				memset(ram + wide.seg[i].paddr, 0xa5, wide.seg[i].memsz);
		}
	}
	memset(err, 0x7f, sizeof(err));
	r = elf_load(file, size, ram, ram_size, bss_dirty ? 0 : ELF_RAM_ZEROED, &img, err,
	             sizeof(err));
	if (r < 0) {
		check_err(err, sizeof(err));
		FUZZ_CHECK(!(wide_r == 0 && wide.hi <= ram_size),
		           "accepted for 3G with hi 0x%llx, refused for RAM 0x%llx: %s",
		           (unsigned long long)wide.hi, (unsigned long long)ram_size, err);
		/* Nothing written: every place a segment would go is as it was. */
		if (wide_r == 0) {
			for (unsigned i = 0; i < wide.nseg; i++) {
				const struct elf_seg *s = &wide.seg[i];
				if (s->paddr + s->memsz > ram_size)
					continue;
				if (bss_dirty)
					memset(ram + s->paddr, 0, s->memsz);
				else
					FUZZ_CHECK(zero(ram, s->paddr, s->memsz),
					           "refused, but RAM at 0x%llx written",
					           (unsigned long long)s->paddr);
			}
		}
		return;
	}
	check_image(&img, size, LAYOUT_RAM_START, ram_size);
	FUZZ_CHECK(wide_r == 0, "elf_load accepts what the 3G parse refused");
	FUZZ_CHECK(same_image(&img, &wide), "elf_load and elf_parse disagree on the segments");
	for (unsigned i = 0; i < img.nseg; i++) {
		const struct elf_seg *s = &img.seg[i];

		FUZZ_CHECK(memcmp(ram + s->paddr, file + s->offset, s->filesz) == 0,
		           "segment %u: RAM differs from the file", i);
		FUZZ_CHECK(zero(ram, s->paddr + s->filesz, s->memsz - s->filesz),
		           "segment %u: bss not zero", i);
		memset(ram + s->paddr, 0, s->memsz);
	}
}

#endif
