/*
 * exec.c: replace a process's program with an ELF64 from the file system
 * (fs.c; the initrd's programs are read straight from the archive, and a
 * program written at run time runs as well).
 *
 * The new image is built whole in a new address space while the old one
 * is still the process's -- segments copied from the initrd, the stack
 * with argv and envp copied from the old space -- and only then swapped
 * in, so a failed exec returns its error to an intact caller.
 *
 * The ELF is hostile input: the header is checked field by field
 * (ELF64, little endian, ET_EXEC, x86-64, 56-byte program headers, at
 * most 16), every PT_LOAD must lie inside the file and inside user
 * space below the stack's guard page with overflow-safe arithmetic, no
 * two segments may share a page, none may be both writable and
 * executable (the user-space contract), and the entry point must lie in
 * an executable segment.  PT_INTERP and PT_DYNAMIC are refused.
 *
 * The stack (notes/design.md, user-space contract): argv and envp strings
 * at the top of user space, then, 16-byte aligned at the new %rsp, argc,
 * argv[], NULL, envp[], NULL.  %rdi/%rsi/%rdx = argc/argv/envp, every
 * other register 0, RFLAGS 0x202, the FPU as after fninit with MXCSR
 * 0x1f80.  The stack grows on demand below (uvm.c) down to the guard.
 */
#include <lde/errno.h>
#include <lde/fs.h>

#include "defs.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "trace.h"

#define ARG_MAX   (128 * 1024) /* argv + envp: strings and pointers */
#define MAX_PHNUM 16

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

#define ET_EXEC    2
#define EM_X86_64  62
#define PT_LOAD    1
#define PT_DYNAMIC 2
#define PT_INTERP  3
#define PHF_X      1 /* p_flags (PF_* in ELF; mmu.h has the #PF bits) */
#define PHF_W      2

/* Where the argument strings come from: the caller's user space, or
 * kernel arrays (the first process). */
struct args {
	bool user;
	uint64_t uvec[2];              /* argv, envp (user addresses) */
	const char *const *kvec[2];    /* argv, envp (kernel) */
	uint64_t count[2], strbytes;   /* measured */
};

/* Element i of vector v: the string's address, 0 at the end. */
static int arg_at(const struct args *a, int v, uint64_t i, uint64_t *s)
{
	if (!a->user) {
		*s = (uint64_t)a->kvec[v][i];
		return 0;
	}
	if (i > ARG_MAX / 8 || copyin(s, a->uvec[v] + i * 8, 8))
		return -EFAULT;
	return 0;
}

static long arg_len(const struct args *a, uint64_t s, size_t max)
{
	return a->user ? ustrnlen(s, max) : (long)strnlen((const char *)s, max);
}

/* Pass 1: count the strings and their bytes; E2BIG past ARG_MAX. */
static int measure(struct args *a)
{
	uint64_t total = 0;

	for (int v = 0; v < 2; v++) {
		for (uint64_t i = 0;; i++) {
			uint64_t s;
			if (arg_at(a, v, i, &s))
				return -EFAULT;
			if (!s)
				break;
			long len = arg_len(a, s, ARG_MAX);
			if (len < 0)
				return -EFAULT;
			total += (uint64_t)len + 1 + 8;
			if (total > ARG_MAX)
				return -E2BIG;
			a->strbytes += (uint64_t)len + 1;
			a->count[v]++;
		}
	}
	return 0;
}

/* ---- the new stack ------------------------------------------------- */

struct stack {
	uint64_t lo; /* lowest page mapped for the arguments */
	uint64_t pa[ARG_MAX / PGSIZE + 4];
};

/* Copy n bytes to va (inside the argument pages) from a kernel or user
 * address. */
static int put(struct stack *st, uint64_t va, const void *src, size_t n, bool user)
{
	while (n > 0) {
		uint64_t off = va & (PGSIZE - 1);
		size_t k = PGSIZE - off < n ? PGSIZE - off : n;
		void *dst = (char *)P2V(st->pa[(va - st->lo) / PGSIZE]) + off;
		if (user) {
			if (copy_guarded(dst, src, k))
				return -EFAULT;
		} else {
			memcpy(dst, src, k);
		}
		va += k, n -= k, src = (const char *)src + k;
	}
	return 0;
}

/* Pass 2: strings at the top, the vectors below; *sp = the new %rsp. */
static int build_stack(struct vmspace *vs, struct args *a, uint64_t *sp, uint64_t *argv_va)
{
	struct stack st;
	uint64_t nptr = 1 + a->count[0] + 1 + a->count[1] + 1;
	uint64_t str = USER_TOP - a->strbytes, left = a->strbytes;
	uint64_t base = (str - nptr * 8) & ~15ull;
	int r;

	st.lo = PGROUNDDOWN(base);
	for (uint64_t va = st.lo; va < USER_TOP; va += PGSIZE)
		if ((r = uvm_map_new(vs, va, false, &st.pa[(va - st.lo) / PGSIZE])))
			return r;
	uint64_t ptr = base;
	if ((r = put(&st, ptr, &a->count[0], 8, false)))
		return r;
	ptr += 8;
	*argv_va = ptr;
	for (int v = 0; v < 2; v++) {
		for (uint64_t i = 0; i < a->count[v]; i++) {
			uint64_t s;
			if (arg_at(a, v, i, &s) || !s)
				return -EFAULT;
			long len = arg_len(a, s, left);
			if (len < 0)
				return -EFAULT;
			if ((uint64_t)len >= left)
				return -E2BIG; /* changed since pass 1 */
			if ((r = put(&st, str, (const void *)s, (size_t)len, a->user)) ||
			    (r = put(&st, str + (uint64_t)len, "", 1, false)) ||
			    (r = put(&st, ptr, &str, 8, false)))
				return r;
			str += (uint64_t)len + 1;
			left -= (uint64_t)len + 1;
			ptr += 8;
		}
		uint64_t zero = 0;
		if ((r = put(&st, ptr, &zero, 8, false)))
			return r;
		ptr += 8;
	}
	/* Between the vectors and the strings: under 16 bytes of padding. */
	static const char zeros[16];
	if ((r = put(&st, ptr, zeros, USER_TOP - a->strbytes - ptr, false)))
		return r;
	/* And the rest of the lowest page, below the vectors. */
	memset(P2V(st.pa[0]), 0, base - st.lo);
	*sp = base;
	return 0;
}

/* ---- the ELF image --------------------------------------------------- */

/* Fill the page at va from the segment's file bytes [fva, fva + fsz),
 * which start at file offset foff; zero the rest of the page. */
static void fill_page(uint64_t pa, uint64_t va, uint64_t fva, uint64_t fsz, struct inode *ip,
                      uint64_t foff)
{
	uint8_t *dst = P2V(pa);
	uint64_t lo = va > fva ? va : fva, hi = va + PGSIZE < fva + fsz ? va + PGSIZE : fva + fsz;

	if (lo >= hi) {
		memset(dst, 0, PGSIZE);
		return;
	}
	memset(dst, 0, lo - va);
	fs_pread(ip, foff + (lo - fva), dst + (lo - va), hi - lo); /* in the file: checked */
	memset(dst + (hi - va), 0, va + PGSIZE - hi);
}

static int load_segment(struct vmspace *vs, struct inode *f, const struct elf64_phdr *ph)
{
	uint64_t lo = PGROUNDDOWN(ph->vaddr), end = ph->vaddr + ph->memsz;
	uint64_t fend = PGROUNDUP(ph->vaddr + ph->filesz), hi = PGROUNDUP(end);
	uint64_t perm = (ph->flags & PHF_W ? PTE_W : 0) | (ph->flags & PHF_X ? 0 : pte_nx);
	int r;

	for (int i = 0; i < vs->narea; i++)
		if (lo < vs->area[i].hi && hi > vs->area[i].lo)
			return -ENOEXEC; /* shares a page with another segment */
	if (fend > lo && (r = uvm_add_area(vs, lo, fend, perm, false)))
		return r;
	if (hi > fend && (r = uvm_add_area(vs, fend, hi, perm, true)))
		return r;
	for (uint64_t va = lo; va < fend; va += PGSIZE) {
		uint64_t pa;
		if ((r = uvm_map_new(vs, va, false, &pa)))
			return r;
		fill_page(pa, va, ph->vaddr, ph->filesz, f, ph->offset);
	}
	return 0;
}

/* Check the ELF and load its segments into vs: the entry point and the
 * end of the highest segment (the initial program break). */
static int load_elf(struct vmspace *vs, struct inode *f, uint64_t *entry, uint64_t *brk)
{
	struct elf64_ehdr eh;
	const uint64_t size = fs_size(f);
	bool entry_ok = false;
	int r;

	if (fs_pread(f, 0, &eh, sizeof(eh)) != sizeof(eh))
		return -ENOEXEC;
	if (memcmp(eh.ident, "\x7f" "ELF\x02\x01\x01", 7) || eh.type != ET_EXEC ||
	    eh.machine != EM_X86_64 || eh.version != 1 || eh.phentsize != sizeof(struct elf64_phdr) ||
	    eh.phnum == 0 || eh.phnum > MAX_PHNUM || eh.phoff > size ||
	    (uint64_t)eh.phnum * sizeof(struct elf64_phdr) > size - eh.phoff)
		return -ENOEXEC;
	*brk = 0;
	for (int i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;
		fs_pread(f, eh.phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph)); /* in the file */
		if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
			return -ENOEXEC;
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (ph.filesz > ph.memsz || ph.offset > size || ph.filesz > size - ph.offset ||
		    ph.vaddr < USER_BASE || ph.vaddr >= USER_GUARD ||
		    ph.memsz > USER_GUARD - ph.vaddr || ((ph.flags & PHF_W) && (ph.flags & PHF_X)))
			return -ENOEXEC;
		if ((r = load_segment(vs, f, &ph)))
			return r;
		if ((ph.flags & PHF_X) && eh.entry >= ph.vaddr && eh.entry - ph.vaddr < ph.memsz)
			entry_ok = true;
		if (ph.vaddr + ph.memsz > *brk)
			*brk = ph.vaddr + ph.memsz;
	}
	if (!entry_ok)
		return -ENOEXEC;
	*entry = eh.entry;
	return 0;
}

/* ---- exec ------------------------------------------------------------ */

static int exec(struct proc *p, const char *path, struct args *a)
{
	struct inode *f;
	struct vmspace nv, old;
	uint64_t entry, brk, sp, argv_va;
	int r;

	if ((r = fs_lookup(path, &f)))
		return r;
	if (!fs_is_regular(f))
		return -EACCES;
	if ((r = measure(a)))
		return r;
	if ((r = uvm_init(&nv)))
		return r;
	if ((r = load_elf(&nv, f, &entry, &brk)) ||
	    (r = uvm_add_area(&nv, PGROUNDUP(brk), PGROUNDUP(brk), PTE_W | pte_nx, false)) ||
	    (r = uvm_add_area(&nv, USER_STACK_LO, USER_TOP, PTE_W | pte_nx, true)) ||
	    (r = build_stack(&nv, a, &sp, &argv_va))) {
		uvm_free(&nv);
		return r;
	}
	nv.heap = nv.narea - 2;
	nv.brk = nv.brk_lo = brk;

	/* The point of no return: the new image replaces the old. */
	old = p->vm;
	p->vm = nv;
	if (p == curproc) {
		uvm_activate(&p->vm);
		uvm_free(&old);
	}
	proc_setname(p, path);
	if (trace_on(LDE_TRACE_PROC)) {
		uint64_t w[2] = {0, 0};
		memcpy(w, p->name, strnlen(p->name, sizeof(w)));
		trace_write(LDE_EV_EXEC, p->pid, w[0], w[1]);
	}
	fpu_reset(p);
	sig_exec(p);
	struct trapframe *tf = p->tf;
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->cs = SEG_UCODE | 3;
	tf->rflags = RFLAGS_USER_SET;
	tf->rsp = sp;
	tf->ss = SEG_UDATA | 3;
	tf->rdi = a->count[0];
	tf->rsi = argv_va;
	tf->rdx = argv_va + (a->count[0] + 1) * 8;
	tf_changed(tf);
	return 0;
}

/* execve(path, argv, envp) from user space: 0 (the new program's %rax) or
 * an error for the intact caller. */
long exec_user(struct trapframe *tf, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	char path[LDE_PATH_MAX];
	struct args a = {.user = true, .uvec = {uargv, uenvp}};
	long r = copyinstr(path, upath, sizeof(path));

	(void)tf;
	if (r < 0)
		return r;
	return exec(curproc, path, &a);
}

/* The first process's program, with arguments from the kernel. */
int exec_kernel(struct proc *p, const char *path, const char *const *argv,
                const char *const *envp)
{
	struct args a = {.user = false, .kvec = {argv, envp}};

	return exec(p, path, &a);
}
