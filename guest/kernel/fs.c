/*
 * fs.c: the RAM file system -- inodes, directories as lists, file data
 * in pages, path lookup from the root or the working directory, and the
 * open-file operations of files and directories.
 *
 * It is seeded from the initrd at boot without copying a byte: each
 * archive entry becomes an inode whose name points into the archive and
 * whose data is the archive's bytes (idata) until first written.  A write
 * gives the page it touches its own frame, filled from idata; other pages
 * keep reading the archive.  So boot costs one inode per entry, and a
 * program that is only ever executed is read straight from the archive.
 * (Every ring-0 byte copied costs ~150 cycles here.)
 *
 * Inodes.  A tree: every inode but the root lies in exactly one directory
 * (there are no hard links), which holds its children in a list in order
 * of creation; each child's `dpos` is its place in that order, so a
 * getdents offset survives entries removed meanwhile.  Positions 0 and 1
 * are "." and "..".  Lookups go through one hash table of (directory,
 * name) over every linked inode; the key mixes the directory's number
 * with the name's length and four of its bytes (no loop over the name),
 * and only a key that matches costs a memcmp.
 * An inode lives while it is linked (nlink) or referenced (open files,
 * working directories); unlink and rmdir take it out of its directory at
 * once, the last reference frees it.  The kernel is uniprocessor and no
 * lookup sleeps, so lookups take no references.  A removed directory
 * loses its parent: lookups through it, and getcwd in it, fail ENOENT.
 *
 * File data: xv6's block map -- NDIRECT pages, an indirect page of 512
 * and a double-indirect one -- of physical pages, allocated on first
 * write; pages never written read as the archive's bytes (below isize) or
 * zeros.  Memory running out is ENOSPC -- files leave FS_RESERVE pages to
 * the processes, so a full file system does not starve their page faults
 * -- and the inode table filling up too.
 *
 * Limits: names up to LDE_NAME_MAX bytes (ENAMETOOLONG), paths up to
 * LDE_PATH_MAX with the NUL (ENAMETOOLONG), NINODE inodes, files up to
 * the block map's 1 GiB (EFBIG).  Modes are kept and shown, never
 * enforced: lde has one user.
 */
#include <lde/errno.h>
#include <lde/fs.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"

#define NINODE  1024
/* Pages files may not take: what processes need to go on (page faults,
 * fork, exec) when the file system has eaten the rest. */
#define FS_RESERVE 512
#define NHASH   512 /* a power of two */
#define NDIRECT 12
#define NPTR    (PGSIZE / 8)
#define MAXPAGE (NDIRECT + NPTR + NPTR * NPTR)

struct inode {
	uint32_t ino;
	uint32_t mode;         /* LDE_S_IF* | permission bits */
	int ref;               /* open files and working directories */
	uint32_t nlink;        /* 1 while in a directory (the root: always) */
	uint64_t size;
	struct inode *parent;  /* the directory it lies in (root: itself; removed: NULL) */
	struct inode *next;    /* the next entry of that directory; the free list */
	struct inode *hnext;   /* the next in its hash chain */
	uint64_t dpos;         /* its place in the directory's listing */
	const char *name;      /* not NUL-terminated: namelen bytes */
	uint32_t namelen, key;
	/* directories */
	struct inode *first, *last;
	uint64_t next_dpos;
	uint32_t nent, nsubdir;
	/* regular files */
	const uint8_t *idata;  /* the archive's bytes for [0, isize) not yet written */
	uint64_t isize;
	uint64_t blk[NDIRECT], ind, dind; /* physical pages (0: none) */
	char nbuf[LDE_NAME_MAX + 1];      /* the name of an inode made at run time */
};

static struct inode inodes[NINODE]; /* inodes[nbump..] never used; freed ones on freelist */
static int nbump;
static struct inode *freelist, *root;
static struct inode *htab[NHASH];
static uint32_t next_ino = 1;
static uint8_t zero_page[PGSIZE] __attribute__((aligned(PGSIZE)));

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & LDE_S_IFMT) == LDE_S_IFDIR;
}

/* The lookup key of name in directory d: its number, the length and four
 * bytes, no loop (each ring-0 instruction costs ~1,700 cycles here; a
 * collision costs a memcmp). */
static uint32_t name_key(const struct inode *d, const char *s, size_t n)
{
	uint32_t k = (uint32_t)n ^ (uint32_t)(uint8_t)s[0] << 8 ^ (uint32_t)(uint8_t)s[n / 2] << 16 ^
	             (uint32_t)(uint8_t)s[n - 1] << 24 ^ (uint32_t)(uint8_t)s[n > 2 ? n - 3 : 0] << 4;
	return (k ^ d->ino * 0x9e3779b1u) * 0x85ebca6bu;
}

static struct inode **bucket(uint32_t key)
{
	return &htab[key >> (32 - 9)];
}
_Static_assert(NHASH == 1 << 9, "bucket() takes the key's top 9 bits");

static struct inode *ialloc(uint32_t mode)
{
	struct inode *ip;

	if (freelist) {
		ip = freelist;
		freelist = ip->next;
		memset(ip, 0, offsetof(struct inode, nbuf));
	} else if (nbump < NINODE) {
		ip = &inodes[nbump++]; /* never used: still as the loader zeroed it */
	} else {
		return NULL;
	}
	ip->ino = next_ino++;
	ip->mode = mode;
	ip->next_dpos = 2;
	return ip;
}

/* ---- file data -------------------------------------------------------- */

/* The page holding page number pg of ip (0: none); with alloc, a new
 * page (contents undefined) is made if there is none, *fresh says so, and
 * 0 means memory ran out. */
static uint64_t bmap(struct inode *ip, uint64_t pg, bool alloc, bool *fresh)
{
	uint64_t *slot;

	if (pg < NDIRECT) {
		slot = &ip->blk[pg];
	} else {
		uint64_t *top = pg < NDIRECT + NPTR ? &ip->ind : &ip->dind;
		uint64_t i = pg - NDIRECT;
		if (!*top) {
			if (!alloc || !(*top = kalloc_zeroed()))
				return 0;
		}
		uint64_t *tab = P2V(*top);
		if (top == &ip->dind) {
			i -= NPTR;
			uint64_t *mid = &tab[i / NPTR];
			if (!*mid && (!alloc || !(*mid = kalloc_zeroed())))
				return 0;
			tab = P2V(*mid);
			i %= NPTR;
		}
		slot = &tab[i];
	}
	if (!*slot && alloc) {
		if (kalloc_free_pages() < FS_RESERVE)
			return 0;
		*slot = kalloc();
		*fresh = true;
	}
	return *slot;
}

static void free_table(uint64_t pa, int depth)
{
	uint64_t *tab = P2V(pa);

	for (int i = 0; i < (int)NPTR; i++)
		if (tab[i]) {
			if (depth > 1)
				free_table(tab[i], depth - 1);
			else
				kfree(tab[i]);
		}
	kfree(pa);
}

/* Size 0, every page given back, the archive's bytes forgotten. */
static void itrunc(struct inode *ip)
{
	for (int i = 0; i < NDIRECT; i++)
		if (ip->blk[i]) {
			kfree(ip->blk[i]);
			ip->blk[i] = 0;
		}
	if (ip->ind)
		free_table(ip->ind, 1);
	if (ip->dind)
		free_table(ip->dind, 2);
	ip->ind = ip->dind = 0;
	ip->idata = NULL;
	ip->isize = ip->size = 0;
}

static void ifree(struct inode *ip)
{
	if (!is_dir(ip))
		itrunc(ip);
	ip->mode = 0;
	ip->next = freelist;
	freelist = ip;
}

/* Drop a reference; the last one of an unlinked inode frees it. */
void iput(struct inode *ip)
{
	assert(ip->ref > 0);
	if (--ip->ref == 0 && ip->nlink == 0)
		ifree(ip);
}

struct inode *idup(struct inode *ip)
{
	ip->ref++;
	return ip;
}

/* The bytes of ip at off (< size) contiguous in memory: where, how many. */
static size_t chunk(struct inode *ip, uint64_t off, const uint8_t **src)
{
	uint64_t in = off % PGSIZE, pa;
	size_t n = PGSIZE - in;

	if (n > ip->size - off)
		n = ip->size - off;
	if ((pa = bmap(ip, off / PGSIZE, false, NULL))) {
		*src = (const uint8_t *)P2V(pa) + in;
	} else if (off < ip->isize) {
		*src = ip->idata + off;
		if (n > ip->isize - off)
			n = ip->isize - off;
	} else {
		*src = zero_page + in;
	}
	return n;
}

/* Read up to n bytes at off into the kernel (exec): the count. */
size_t fs_pread(struct inode *ip, uint64_t off, void *dst, size_t n)
{
	size_t done = 0;

	while (done < n && off < ip->size) {
		const uint8_t *src;
		size_t k = chunk(ip, off, &src);
		if (k > n - done)
			k = n - done;
		memcpy((char *)dst + done, src, k);
		done += k;
		off += k;
	}
	return done;
}

static long iread_user(struct inode *ip, uint64_t off, uint64_t ubuf, size_t n)
{
	size_t done = 0;

	while (done < n && off < ip->size) {
		const uint8_t *src;
		size_t k = chunk(ip, off, &src);
		if (k > n - done)
			k = n - done;
		if (copyout(ubuf + done, src, k))
			return done ? (long)done : -EFAULT;
		done += k;
		off += k;
	}
	return (long)done;
}

/* A page about to be written in part: what it held before -- the
 * archive's bytes where they reach, zeros elsewhere. */
static void fill_fresh(struct inode *ip, uint64_t pa, uint64_t pgoff)
{
	uint8_t *d = P2V(pa);
	uint64_t k = 0;

	if (pgoff < ip->isize) {
		k = ip->isize - pgoff < PGSIZE ? ip->isize - pgoff : PGSIZE;
		memcpy(d, ip->idata + pgoff, k);
	}
	memset(d + k, 0, PGSIZE - k);
}

static long iwrite_user(struct inode *ip, uint64_t off, uint64_t ubuf, size_t n)
{
	size_t done = 0;

	if (off >= (uint64_t)MAXPAGE * PGSIZE || n > (uint64_t)MAXPAGE * PGSIZE - off)
		n = off >= (uint64_t)MAXPAGE * PGSIZE ? 0 : (uint64_t)MAXPAGE * PGSIZE - off;
	if (n == 0)
		return off >= (uint64_t)MAXPAGE * PGSIZE ? -EFBIG : 0;
	while (done < n) {
		uint64_t in = off % PGSIZE, pgoff = off - in;
		size_t k = PGSIZE - in < n - done ? PGSIZE - in : n - done;
		bool fresh = false;
		uint64_t pa = bmap(ip, off / PGSIZE, true, &fresh);
		if (!pa)
			return done ? (long)done : -ENOSPC;
		if (fresh && k < PGSIZE)
			fill_fresh(ip, pa, pgoff);
		if (copyin((uint8_t *)P2V(pa) + in, ubuf + done, k)) {
			if (fresh && k == PGSIZE)
				fill_fresh(ip, pa, pgoff); /* never leave a page undefined */
			return done ? (long)done : -EFAULT;
		}
		done += k;
		off += k;
		if (off > ip->size)
			ip->size = off;
	}
	return (long)done;
}

/* ---- directories -------------------------------------------------------- */

/* The entry name[0..len) of d, whose name_key() is key; or NULL. */
static struct inode *dir_find_key(struct inode *d, const char *name, size_t len, uint32_t key)
{
	for (struct inode *c = *bucket(key); c; c = c->hnext)
		if (c->key == key && c->parent == d && c->namelen == len &&
		    !memcmp(c->name, name, len))
			return c;
	return NULL;
}

static struct inode *dir_find(struct inode *d, const char *name, size_t len)
{
	return dir_find_key(d, name, len, name_key(d, name, len));
}

/* Link c (its name set) into d; key is name_key(d, c's name). */
static void dir_link_key(struct inode *d, struct inode *c, uint32_t key)
{
	struct inode **b;

	c->parent = d;
	c->next = NULL;
	c->dpos = d->next_dpos++;
	c->key = key;
	c->nlink = 1;
	b = bucket(c->key);
	c->hnext = *b;
	*b = c;
	if (d->last)
		d->last->next = c;
	else
		d->first = c;
	d->last = c;
	d->nent++;
	if (is_dir(c))
		d->nsubdir++;
}

static void dir_link(struct inode *d, struct inode *c)
{
	dir_link_key(d, c, name_key(d, c->name, c->namelen));
}

static void dir_unlink(struct inode *d, struct inode *c)
{
	struct inode **pp = &d->first, *prev = NULL;

	while (*pp != c) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	*pp = c->next;
	if (d->last == c)
		d->last = prev;
	for (pp = bucket(c->key); *pp != c; pp = &(*pp)->hnext)
		;
	*pp = c->hnext;
	d->nent--;
	if (is_dir(c))
		d->nsubdir--;
	c->parent = NULL;
	c->nlink = 0;
	if (c->ref == 0)
		ifree(c);
}

/* ---- paths -------------------------------------------------------------- */

/* One component of *pp (slashes skipped): its start and length; 0 at the
 * end.  String instructions, not byte loops: a byte costs ~10,000 cycles
 * in a loop in ring 0 here, ~1,200 in repne scasb. */
static size_t next_name(const char **pp, const char **name)
{
	const char *p = *pp, *slash;
	size_t n;

	while (*p == '/')
		p++;
	*name = p;
	n = strlen(p);
	if ((slash = memchr(p, '/', n)) != NULL)
		n = (size_t)(slash - p);
	*pp = p + n;
	return n;
}

static bool is_dot(const char *s, size_t n)
{
	return n == 1 && s[0] == '.';
}

static bool is_dotdot(const char *s, size_t n)
{
	return n == 2 && s[0] == '.' && s[1] == '.';
}

/* One step from directory d: the child, ".", ".." or an error. */
static int step(struct inode *d, const char *name, size_t len, struct inode **out)
{
	if (!is_dir(d))
		return -ENOTDIR;
	if (len > LDE_NAME_MAX)
		return -ENAMETOOLONG;
	if (!d->parent)
		return -ENOENT; /* d was removed */
	if (is_dot(name, len))
		*out = d;
	else if (is_dotdot(name, len))
		*out = d->parent;
	else if (!(*out = dir_find(d, name, len)))
		return -ENOENT;
	return 0;
}

static struct inode *start(const char *path)
{
	return path[0] == '/' || !curproc || !curproc->cwd ? root : curproc->cwd;
}

/* path -> its inode.  A trailing slash wants a directory. */
int fs_lookup(const char *path, struct inode **out)
{
	struct inode *ip = start(path);
	const char *name, *p = path;
	size_t len;
	int r;

	if (!*path)
		return -ENOENT;
	while ((len = next_name(&p, &name)) != 0)
		if ((r = step(ip, name, len, &ip)))
			return r;
	if (path[strlen(path) - 1] == '/' && !is_dir(ip))
		return -ENOTDIR;
	*out = ip;
	return 0;
}

/* path -> the directory its last component lies in, and that component
 * (never "", "." or ".."; "/" and "a/." are EEXIST, "a/.." too: they
 * exist).  *slash: a slash followed the last component. */
static int lookup_parent(const char *path, struct inode **dir, const char **last, size_t *lastlen,
                         bool *slash)
{
	struct inode *ip = start(path);
	const char *name, *p = path;
	size_t len;
	int r;

	if (!*path)
		return -ENOENT;
	len = next_name(&p, &name);
	if (len == 0)
		return -EEXIST; /* "/" */
	for (;;) {
		const char *nname, *np = p;
		size_t nlen = next_name(&np, &nname);
		if (nlen == 0)
			break;
		if ((r = step(ip, name, len, &ip)))
			return r;
		name = nname, len = nlen, p = np;
	}
	if (!is_dir(ip))
		return -ENOTDIR;
	if (len > LDE_NAME_MAX)
		return -ENAMETOOLONG;
	if (!ip->parent)
		return -ENOENT;
	if (is_dot(name, len) || is_dotdot(name, len))
		return -EEXIST;
	*dir = ip;
	*last = name;
	*lastlen = len;
	*slash = *p == '/';
	return 0;
}

static struct inode *icreate(struct inode *d, const char *name, size_t len, uint32_t mode)
{
	struct inode *ip = ialloc(mode);

	if (!ip)
		return NULL;
	memcpy(ip->nbuf, name, len);
	ip->nbuf[len] = 0;
	ip->name = ip->nbuf;
	ip->namelen = (uint32_t)len;
	dir_link(d, ip);
	return ip;
}

/* ---- the system calls' file-system half ---------------------------------- */

extern const struct fileops fs_fops;

long fs_open(const char *path, int flags, uint32_t mode)
{
	int acc = flags & O_ACCMODE;
	struct inode *ip;
	int r;

	if (acc == O_ACCMODE)
		return -EINVAL;
	r = fs_lookup(path, &ip);
	if (r == -ENOENT && (flags & O_CREAT)) {
		struct inode *d;
		const char *name;
		size_t len;
		bool slash;
		if ((r = lookup_parent(path, &d, &name, &len, &slash)))
			return r;
		if (slash)
			return -EISDIR; /* a new directory is mkdir's */
		if (!(ip = icreate(d, name, len, LDE_S_IFREG | (mode & 07777))))
			return -ENOSPC;
	} else if (r) {
		return r;
	} else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		return -EEXIST;
	} else if (is_dir(ip) && (acc != O_RDONLY || (flags & (O_TRUNC | O_CREAT)))) {
		return -EISDIR;
	} else if (!is_dir(ip) && (flags & O_DIRECTORY)) {
		return -ENOTDIR;
	}
	struct file *f = file_alloc(&fs_fops, ip, flags & (O_ACCMODE | O_APPEND));
	if (!f) {
		if (ip->ref == 0 && ip->size == 0 && (flags & O_CREAT) && r == -ENOENT)
			dir_unlink(ip->parent, ip); /* just made: undone */
		return -ENFILE;
	}
	idup(ip);
	if ((flags & O_TRUNC) && acc != O_RDONLY && !is_dir(ip))
		itrunc(ip);
	return fd_install(f);
}

long fs_mkdir(const char *path, uint32_t mode)
{
	struct inode *d, *ip;
	const char *name;
	size_t len;
	bool slash;
	int r = lookup_parent(path, &d, &name, &len, &slash);

	if (r)
		return r;
	if (dir_find(d, name, len))
		return -EEXIST;
	if (!(ip = icreate(d, name, len, LDE_S_IFDIR | (mode & 07777))))
		return -ENOSPC;
	return 0;
}

long fs_unlink(const char *path)
{
	struct inode *ip;
	int r = fs_lookup(path, &ip);

	if (r)
		return r;
	if (is_dir(ip))
		return -EISDIR;
	dir_unlink(ip->parent, ip);
	return 0;
}

long fs_rmdir(const char *path)
{
	struct inode *d, *ip;
	const char *name;
	size_t len;
	bool slash;
	int r = fs_lookup(path, &ip);

	if (r)
		return r;
	if (!is_dir(ip))
		return -ENOTDIR;
	if (ip == root)
		return -EBUSY;
	/* "x/." is EINVAL, "x/.." ENOTEMPTY (as Linux): judge the last word. */
	if ((r = lookup_parent(path, &d, &name, &len, &slash)) == -EEXIST) {
		const char *e = path + strlen(path);
		while (e > path && e[-1] == '/')
			e--;
		return e - path >= 1 && e[-1] == '.' && (e - path == 1 || e[-2] == '/') ? -EINVAL
		                                                                       : -ENOTEMPTY;
	}
	if (ip->nent)
		return -ENOTEMPTY;
	dir_unlink(ip->parent, ip);
	return 0;
}

long fs_chdir(const char *path)
{
	struct inode *ip;
	int r = fs_lookup(path, &ip);

	if (r)
		return r;
	if (!is_dir(ip))
		return -ENOTDIR;
	idup(ip);
	if (curproc->cwd)
		iput(curproc->cwd);
	curproc->cwd = ip;
	return 0;
}

/* The working directory's path into buf[size]: 0, ERANGE, ENOENT (removed). */
long fs_getcwd(char *buf, size_t size)
{
	struct inode *ip = curproc->cwd ? curproc->cwd : root;
	size_t pos = size;

	if (size == 0)
		return -ERANGE;
	buf[--pos] = 0;
	if (ip == root) {
		if (pos == 0)
			return -ERANGE;
		buf[--pos] = '/';
	}
	for (; ip != root; ip = ip->parent) {
		if (!ip->parent)
			return -ENOENT;
		if (pos < ip->namelen + 1)
			return -ERANGE;
		pos -= ip->namelen;
		memcpy(buf + pos, ip->name, ip->namelen);
		buf[--pos] = '/';
	}
	memmove(buf, buf + pos, size - pos);
	return 0;
}

void fs_stat(struct inode *ip, struct lde_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ip->ino;
	st->mode = ip->mode;
	if (is_dir(ip)) {
		st->nlink = 2 + ip->nsubdir;
		st->size = (uint64_t)(ip->nent + 2) * sizeof(struct lde_dirent);
	} else {
		st->nlink = ip->nlink;
		st->size = ip->size;
	}
}

bool fs_is_regular(const struct inode *ip)
{
	return (ip->mode & LDE_S_IFMT) == LDE_S_IFREG;
}

uint64_t fs_size(const struct inode *ip)
{
	return ip->size;
}

/* A process's working directory at fork and exit. */
void fs_proc_fork(struct proc *c, struct proc *p)
{
	c->cwd = p->cwd ? idup(p->cwd) : NULL;
}

void fs_proc_exit(struct proc *p)
{
	if (p->cwd) {
		iput(p->cwd);
		p->cwd = NULL;
	}
}

/* ---- open files ------------------------------------------------------------ */

static long fs_read(struct file *f, uint64_t ubuf, size_t n)
{
	struct inode *ip = f->obj;
	long r;

	if (is_dir(ip))
		return -EISDIR;
	if ((r = iread_user(ip, f->off, ubuf, n)) > 0)
		f->off += (uint64_t)r;
	return r;
}

static long fs_write(struct file *f, uint64_t ubuf, size_t n)
{
	struct inode *ip = f->obj;
	long r;

	if (f->flags & O_APPEND)
		f->off = ip->size;
	if ((r = iwrite_user(ip, f->off, ubuf, n)) > 0)
		f->off += (uint64_t)r;
	return r;
}

static long fs_lseek(struct file *f, int64_t off, int whence)
{
	struct inode *ip = f->obj;
	int64_t base = whence == SEEK_SET ? 0
	               : whence == SEEK_CUR ? (int64_t)f->off
	               : whence == SEEK_END ? (int64_t)ip->size
	                                    : -1;

	if (base < 0 || (off > 0 && off > INT64_MAX - base) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}

static int fs_fstat(struct file *f, struct lde_stat *st)
{
	fs_stat(f->obj, st);
	return 0;
}

static void dirent_of(struct lde_dirent *de, const struct inode *ip, const char *name,
                      size_t len)
{
	de->ino = ip->ino;
	de->type = ip->mode & LDE_S_IFMT;
	memcpy(de->name, name, len);
	memset(de->name + len, 0, sizeof(de->name) - len);
}

/* Whole records from position f->off on: the bytes filled, 0 at the end. */
static long fs_getdents(struct file *f, uint64_t ubuf, size_t n)
{
	struct inode *d = f->obj, *c = d->first;
	struct lde_dirent de;
	size_t done = 0;

	if (!is_dir(d))
		return -ENOTDIR;
	if (n < sizeof(de))
		return -EINVAL;
	if (!d->parent)
		return 0; /* removed: empty */
	while (done + sizeof(de) <= n) {
		if (f->off == 0) {
			dirent_of(&de, d, ".", 1);
		} else if (f->off == 1) {
			dirent_of(&de, d->parent, "..", 2);
		} else {
			while (c && c->dpos < f->off)
				c = c->next;
			if (!c)
				break;
			dirent_of(&de, c, c->name, c->namelen);
		}
		if (copyout(ubuf + done, &de, sizeof(de)))
			return done ? (long)done : -EFAULT;
		done += sizeof(de);
		f->off = f->off < 2 ? f->off + 1 : c->dpos + 1;
	}
	return (long)done;
}

static void fs_close(struct file *f)
{
	iput(f->obj);
}

const struct fileops fs_fops = {
    .kind = "file",
    .read = fs_read,
    .write = fs_write,
    .lseek = fs_lseek,
    .stat = fs_fstat,
    .getdents = fs_getdents,
    .close = fs_close,
};

/* ---- seeding from the initrd ------------------------------------------------ */

void fs_init(void)
{
	root = ialloc(LDE_S_IFDIR | 0755);
	root->parent = root;
	root->name = "";
	root->nlink = 1;
}

/* The directory name[0..len) (relative, no "", "." or ".." parts:
 * initrd.c checked), made with its parents if missing; or an error: a
 * file in the way, a name too long, the table full.  The last one found
 * is remembered: an archive lists a directory's entries together. */
static int seed_dir(const char *name, size_t len, struct inode **out)
{
	static const char *last_name;
	static size_t last_len;
	static struct inode *last_dir;
	struct inode *d = root;
	const char *p = name, *e = name + len;

	if (len == 0) {
		*out = root;
		return 0;
	}
	if (last_dir && last_len == len && !memcmp(last_name, name, len)) {
		*out = last_dir;
		return 0;
	}
	while (p < e) {
		const char *slash = memchr(p, '/', (size_t)(e - p));
		size_t n = (size_t)((slash ? slash : e) - p);
		struct inode *ip;
		if (n > LDE_NAME_MAX)
			return -ENAMETOOLONG;
		if (!(ip = dir_find(d, p, n))) {
			if (!(ip = ialloc(LDE_S_IFDIR | 0755)))
				return -ENOSPC;
			ip->name = p;
			ip->namelen = (uint32_t)n;
			dir_link(d, ip);
		} else if (!is_dir(ip)) {
			return -ENOTDIR;
		}
		d = ip;
		p += n + 1;
	}
	last_name = name, last_len = len, last_dir = d;
	*out = d;
	return 0;
}

/* An archive entry: the path (relative, checked by initrd.c) and, for a
 * file, its bytes, which stay in the archive.  0, or -EEXIST / -ENOTDIR
 * / -ENAMETOOLONG / -ENOSPC for an entry left out. */
int fs_seed(const char *path, size_t len, uint32_t mode, const uint8_t *data, uint64_t size)
{
	const char *slash = memrchr(path, '/', len);
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0, nl = len - dl;
	struct inode *d, *ip;
	int r;

	if (nl > LDE_NAME_MAX)
		return -ENAMETOOLONG;
	if ((r = seed_dir(path, dl ? dl - 1 : 0, &d)))
		return r;
	uint32_t key = name_key(d, path + dl, nl); /* once: boot cost (initrd.c) */
	if ((ip = dir_find_key(d, path + dl, nl, key)))
		return is_dir(ip) && (mode & LDE_S_IFMT) == LDE_S_IFDIR ? 0 : -EEXIST;
	if (!(ip = ialloc(mode)))
		return -ENOSPC;
	ip->name = path + dl;
	ip->namelen = (uint32_t)nl;
	if ((mode & LDE_S_IFMT) == LDE_S_IFREG) {
		ip->idata = data;
		ip->isize = ip->size = size;
	}
	dir_link_key(d, ip, key);
	return 0;
}

/* Inodes in use (the root included), for the boot line. */
int fs_count(void)
{
	int n = nbump;

	for (struct inode *ip = freelist; ip; ip = ip->next)
		n--;
	return n;
}
