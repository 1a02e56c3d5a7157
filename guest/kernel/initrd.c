/*
 * initrd.c: the initial RAM disk -- a cpio "newc" archive, from PVH
 * module 0 when the loader passed one (./vmm --initrd FILE, QEMU -initrd
 * FILE), else the one embedded in guest.elf (initrd.asm) -- indexed at
 * boot and served read-only as files.
 *
 * The archive is hostile input: every header field used is parsed as
 * exactly eight hex digits, every length checked against the archive's
 * end with overflow-safe arithmetic, names must be NUL-terminated where
 * the header says, and entries that are neither regular files nor
 * directories, or whose names hold a ".." component, are skipped.  Names
 * are kept relative ("bin/p1"); "./" and "/" prefixes are dropped.  A
 * directory is listed when the archive names it or when a file lies
 * below it; "" is the root.  The data stays in the archive: a read
 * copies from it straight to user memory.
 *
 * The index is what issue 4's RAM file system seeds itself from.
 */
#include <lde/errno.h>
#include <lde/fs.h>
#include <lde/pvh.h>

#include "defs.h"
#include "memlayout.h"
#include "proc.h"

#define NINITRD 256
#define HDR     110 /* "070701" + 13 fields of 8 hex digits */

static struct initrd_file files[NINITRD];
static int nfiles;
static const uint8_t *archive;
static uint64_t archive_size;
static const char *source;

extern const uint8_t initrd_embedded[], initrd_embedded_end[];

/* The 8 hex digits of field i (0 = c_ino) of the header at h; -1 if not hex. */
static int64_t field(const uint8_t *h, int i)
{
	uint64_t v = 0;

	for (const uint8_t *p = h + 6 + 8 * i, *e = p + 8; p < e; p++) {
		unsigned c = *p, d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return (int64_t)v;
}

enum { F_INO = 0, F_MODE = 1, F_FILESIZE = 6, F_NAMESIZE = 11 };

static struct initrd_file *find(const char *name, size_t len)
{
	for (int i = 0; i < nfiles; i++)
		if (files[i].namelen == len && !memcmp(files[i].name, name, len))
			return &files[i];
	return NULL;
}

static struct initrd_file *add(const char *name, size_t len, uint32_t mode, const uint8_t *data,
                               uint64_t size)
{
	if (nfiles == NINITRD) {
		kprintf("initrd: more than %d entries; the rest are left out\n", NINITRD);
		return NULL;
	}
	struct initrd_file *f = &files[nfiles];
	*f = (struct initrd_file){name, (uint32_t)len, mode, (uint32_t)nfiles + 1, data, size};
	nfiles++;
	return f;
}

/* Does name[0..len) have a ".." component? */
static bool has_dotdot(const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || name[i - 1] == '/') && i + 1 < len && name[i] == '.' &&
		    name[i + 1] == '.' && (i + 2 == len || name[i + 2] == '/'))
			return true;
	return false;
}

/* Every directory above name exists as an entry. */
static void add_parents(const char *name, size_t len)
{
	for (size_t i = len; i-- > 0;)
		if (name[i] == '/' && !find(name, i))
			add(name, i, LDE_S_IFDIR | 0755, NULL, 0);
}

static void parse(void)
{
	uint64_t off = 0;

	add("", 0, LDE_S_IFDIR | 0755, NULL, 0);
	while (archive_size - off >= HDR) {
		const uint8_t *h = archive + off;
		int64_t mode = field(h, F_MODE), fsize = field(h, F_FILESIZE),
		        nsize = field(h, F_NAMESIZE);
		if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6)) {
			kprintf("initrd: no cpio newc header at offset %lu; the rest is ignored\n", off);
			return;
		}
		if (mode < 0 || fsize < 0 || nsize < 1 || field(h, F_INO) < 0 ||
		    (uint64_t)nsize > archive_size - off - HDR) {
			kprintf("initrd: bad header at offset %lu; the rest is ignored\n", off);
			return;
		}
		const char *name = (const char *)h + HDR;
		uint64_t data = (off + HDR + (uint64_t)nsize + 3) & ~3ull;
		if (name[nsize - 1] != 0 || strnlen(name, nsize) != (size_t)nsize - 1 ||
		    data > archive_size || (uint64_t)fsize > archive_size - data) {
			kprintf("initrd: bad entry at offset %lu; the rest is ignored\n", off);
			return;
		}
		if (!strcmp(name, "TRAILER!!!"))
			return;
		off = (data + (uint64_t)fsize + 3) & ~3ull;
		size_t len = (size_t)nsize - 1;
		while (len && (*name == '/' || (name[0] == '.' && name[1] == '/'))) {
			size_t k = *name == '/' ? 1 : 2;
			name += k, len -= k;
		}
		uint32_t type = (uint32_t)mode & LDE_S_IFMT;
		if (len == 0 || (len == 1 && *name == '.') || has_dotdot(name, len) ||
		    (type != LDE_S_IFREG && type != LDE_S_IFDIR) || len > LDE_PATH_MAX)
			continue;
		struct initrd_file *f = find(name, len);
		if (f && (f->mode & LDE_S_IFMT) == LDE_S_IFDIR && type == LDE_S_IFDIR)
			continue; /* a directory already implied by a file below it */
		if (f) {
			kprintf("initrd: %.*s appears twice; the first is kept\n", (int)len, name);
			continue;
		}
		add_parents(name, len);
		add(name, len, (uint32_t)mode & (LDE_S_IFMT | 07777), archive + data, (uint64_t)fsize);
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
		archive = initrd_embedded;
		archive_size = (uint64_t)(initrd_embedded_end - initrd_embedded);
		source = "embedded";
	}
	parse();
	if (!kopts.quiet)
		kprintf("initrd: %lu bytes (%s), %d entries\n", archive_size, source, nfiles - 1);
}

/* ---- lookup --------------------------------------------------------- */

/*
 * path (absolute, or relative to "/": there is no cwd yet) -> its entry.
 * Components "" and "." are skipped and ".." goes up; a component longer
 * than LDE_NAME_MAX is ENAMETOOLONG; a file used as a directory is
 * ENOTDIR (also for a trailing slash).
 */
int initrd_lookup(const char *path, const struct initrd_file **out)
{
	char norm[LDE_PATH_MAX];
	size_t n = 0;
	const struct initrd_file *f;

	if (!*path)
		return -ENOENT;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - c);
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len > LDE_NAME_MAX)
			return -ENAMETOOLONG;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && norm[--n] != '/')
				;
			continue;
		}
		/* What we have so far must be a directory. */
		if (!(f = find(norm, n)))
			return -ENOENT;
		if ((f->mode & LDE_S_IFMT) != LDE_S_IFDIR)
			return -ENOTDIR;
		if (n + (n > 0) + len >= sizeof(norm))
			return -ENAMETOOLONG;
		if (n > 0)
			norm[n++] = '/';
		memcpy(norm + n, c, len);
		n += len;
	}
	if (!(f = find(norm, n)))
		return -ENOENT;
	size_t plen = strlen(path);
	if (path[plen - 1] == '/' && (f->mode & LDE_S_IFMT) != LDE_S_IFDIR)
		return -ENOTDIR;
	*out = f;
	return 0;
}

void initrd_stat(const struct initrd_file *f, struct lde_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = f->ino;
	st->mode = f->mode;
	st->nlink = 1;
	st->size = f->size;
}

/* ---- as files ---------------------------------------------------------- */

static bool is_dir(const struct initrd_file *f)
{
	return (f->mode & LDE_S_IFMT) == LDE_S_IFDIR;
}

static long initrd_read(struct file *fp, uint64_t ubuf, size_t n)
{
	const struct initrd_file *f = fp->obj;

	if (is_dir(f))
		return -EISDIR;
	if (fp->off >= f->size)
		return 0;
	size_t k = f->size - fp->off < n ? f->size - fp->off : n;
	if (copyout(ubuf, f->data + fp->off, k))
		return -EFAULT;
	fp->off += k;
	return (long)k;
}

static long initrd_lseek(struct file *fp, int64_t off, int whence)
{
	const struct initrd_file *f = fp->obj;
	int64_t base = whence == SEEK_SET ? 0
	               : whence == SEEK_CUR ? (int64_t)fp->off
	               : whence == SEEK_END ? (int64_t)f->size
	                                    : -1;

	if (base < 0 || (off > 0 && off > INT64_MAX - base) || base + off < 0)
		return -EINVAL;
	fp->off = (uint64_t)(base + off);
	return (long)fp->off;
}

static int initrd_fstat(struct file *fp, struct lde_stat *st)
{
	initrd_stat(fp->obj, st);
	return 0;
}

const struct fileops initrd_fops = {
    .kind = "initrd",
    .read = initrd_read,
    .lseek = initrd_lseek,
    .stat = initrd_fstat,
};
