/*
 * initrd.c: the initial RAM disk -- a cpio "newc" archive, from PVH
 * module 0 when the loader passed one (./vmm --initrd FILE, QEMU -initrd
 * FILE), else the one embedded in guest.elf (initrd.asm) -- read once at
 * boot into the RAM file system (fs.c), which keeps pointing at the
 * archive's names and bytes: nothing is copied.
 *
 * The archive is hostile input: every header field used is parsed as
 * exactly eight hex digits, every length checked against the archive's
 * end with overflow-safe arithmetic, names must be NUL-terminated where
 * the header says, and entries that are neither regular files nor
 * directories, whose names hold a ".." component or a component longer
 * than LDE_NAME_MAX, are skipped.  Names are taken relative ("bin/p1");
 * "./" and "/" prefixes are dropped.  A directory exists when the archive
 * names it or a file lies below it.
 *
 * Boot cost matters (each ring-0 instruction costs ~1,700 cycles under
 * this machine's KVM): the eight hex digits of a field are converted as
 * one 64-bit word, names are scanned with string instructions, and the
 * file system's lookups are hashed, so an entry costs a few hundred
 * instructions, not a few thousand.
 */
#include <lde/errno.h>
#include <lde/fs.h>
#include <lde/pvh.h>

#include "defs.h"
#include "memlayout.h"
#include "proc.h"

#define HDR 110 /* "070701" + 13 fields of 8 hex digits */

static const uint8_t *archive;
static uint64_t archive_size;
static const char *source;

extern const uint8_t initrd_embedded[], initrd_embedded_end[];

#define B8(x) (0x0101010101010101ull * (x))

/* The 8 hex digits of field i (0 = c_ino) of the header at h, first digit
 * most significant; -1 if one is not a hex digit.  One 64-bit word: each
 * byte is classified and converted in parallel (SWAR). */
static int64_t field(const uint8_t *h, int i)
{
	uint64_t v, lower, digit, letter, n;

	__builtin_memcpy(&v, h + 6 + 8 * i, 8); /* one load; byte 0 = the first digit */
	if (v & B8(0x80))
		return -1;
	lower = v | B8(0x20);
	/* Bytes are < 0x80, so adding per byte never carries into the next. */
	digit = (v + B8(0x80 - 0x30)) & ~(v + B8(0x80 - 0x3a)) & B8(0x80); /* '0'..'9' */
	letter = (lower + B8(0x80 - 0x61)) & ~(lower + B8(0x80 - 0x67)) & B8(0x80); /* a..f, A..F */
	if ((digit | letter) != B8(0x80))
		return -1;
	n = (v & B8(0x0f)) + (letter >> 7) * 9; /* each byte its digit's value */
	/* Pack: byte 0 is the most significant nibble. */
	n = ((n << 4) & 0x00f000f000f000f0ull) | ((n >> 8) & 0x000f000f000f000full);
	n = ((n << 8) & 0x0000ff000000ff00ull) | ((n >> 16) & 0x000000ff000000ffull);
	n = ((n << 16) & 0x00000000ffff0000ull) | ((n >> 32) & 0x000000000000ffffull);
	return (int64_t)n;
}

/* The fields used (the rest, unused, go unchecked: a bad one harms nothing). */
enum { F_MODE = 1, F_FILESIZE = 6, F_NAMESIZE = 11 };

/* Does name[0..len) have a ".." component? */
static bool has_dotdot(const char *name, size_t len)
{
	const char *p = name, *e = name + len;

	while ((p = memchr(p, '.', (size_t)(e - p))) != NULL) {
		if (p + 1 < e && p[1] == '.' && (p == name || p[-1] == '/') &&
		    (p + 2 == e || p[2] == '/'))
			return true;
		p++;
	}
	return false;
}

static const char *const seed_error[] = {
    [EEXIST] = "appears twice; the first is kept",
    [ENOTDIR] = "lies below a file; left out",
    [ENAMETOOLONG] = "has a name component longer than 55 bytes; left out",
    [ENOSPC] = "does not fit: the file system's inode table is full",
};

static void parse(void)
{
	uint64_t off = 0;

	while (archive_size - off >= HDR) {
		const uint8_t *h = archive + off;
		int64_t mode = field(h, F_MODE), fsize = field(h, F_FILESIZE),
		        nsize = field(h, F_NAMESIZE);
		uint32_t magic4;
		uint16_t magic2;
		__builtin_memcpy(&magic4, h, 4);
		__builtin_memcpy(&magic2, h + 4, 2);
		if (magic4 != 0x37303730u /* "0707" */ || (magic2 != 0x3130u && magic2 != 0x3230u)) {
			kprintf("initrd: no cpio newc header at offset %lu; the rest is ignored\n", off);
			return;
		}
		if (mode < 0 || fsize < 0 || nsize < 1 ||
		    (uint64_t)nsize > archive_size - off - HDR) {
			kprintf("initrd: bad header at offset %lu; the rest is ignored\n", off);
			return;
		}
		const char *name = (const char *)h + HDR;
		uint64_t data = (off + HDR + (uint64_t)nsize + 3) & ~3ull;
		if (name[nsize - 1] != 0 || memchr(name, 0, (size_t)nsize - 1) ||
		    data > archive_size || (uint64_t)fsize > archive_size - data) {
			kprintf("initrd: bad entry at offset %lu; the rest is ignored\n", off);
			return;
		}
		if (nsize == 11 && !memcmp(name, "TRAILER!!!", 10))
			return;
		off = (data + (uint64_t)fsize + 3) & ~3ull;
		size_t len = (size_t)nsize - 1;
		while (len && (*name == '/' || (name[0] == '.' && name[1] == '/'))) {
			size_t k = *name == '/' ? 1 : 2;
			name += k, len -= k;
		}
		while (len && name[len - 1] == '/')
			len--;
		uint32_t type = (uint32_t)mode & LDE_S_IFMT;
		if (len == 0 || (len == 1 && *name == '.') || has_dotdot(name, len) ||
		    (type != LDE_S_IFREG && type != LDE_S_IFDIR) || len >= LDE_PATH_MAX)
			continue;
		int r = fs_seed(name, len, (uint32_t)mode & (LDE_S_IFMT | 07777), archive + data,
		                (uint64_t)fsize);
		if (r)
			kprintf("initrd: %.*s %s\n", (int)len, name, seed_error[-r]);
	}
}

/* Is [pa, pa + size) wholly inside one RAM entry of the memory map (so
 * PHYSMAP covers it)? */
static bool in_ram(uint64_t pa, uint64_t size)
{
	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *e = &boot.memmap[i];
		if (e->type == HVM_MEMMAP_TYPE_RAM && pa >= e->addr && pa - e->addr <= e->size &&
		    size <= e->size - (pa - e->addr))
			return true;
	}
	return false;
}

void initrd_init(void)
{
	if (boot.nmods > 0 && boot.mods[0].size > 0 && in_ram(boot.mods[0].pa, boot.mods[0].size)) {
		archive = P2V(boot.mods[0].pa);
		archive_size = boot.mods[0].size;
		source = "PVH module 0";
	} else {
		if (boot.nmods > 0 && boot.mods[0].size > 0)
			kprintf("initrd: module 0 at %p+%lu is not in RAM; using the embedded one\n",
			        (void *)boot.mods[0].pa, boot.mods[0].size);
		archive = P2V(V2P(initrd_embedded)); /* PHYSMAP: vm.c leaves .initrd out */
		archive_size = (uint64_t)(initrd_embedded_end - initrd_embedded);
		source = "embedded";
	}
	fs_init();
	parse();
	if (!kopts.quiet)
		kprintf("initrd: %lu bytes (%s), %d entries\n", archive_size, source, fs_count() - 1);
}
