/*
 * selftest.c: the kernel's self-checks, run by `selftest` on the command
 * line (`selftest=GROUP` runs one group, `selftest=crash...` faults on
 * purpose).  Output is TAP: the plan, then `ok N - group: what` or
 * `not ok N - ...` per check, diagnostics as `# ...` lines; the VM then
 * powers off with the number of failures (0: all passed, capped at 100).
 * Check names never vary by platform, so the host test can compare the
 * set of lines across vmm, QEMU KVM and TCG; values go in diagnostics.
 *
 * Faults on purpose go through probe.asm (extable.c records them in
 * kfault_last).  Checks leave the machine as they found it: pages freed,
 * IRQs masked, interrupts off.
 */
#include <lde/errno.h>
#include <lde/ports.h>
#include <lde/pvh.h>

#include <lde/proc.h>

#include "defs.h"
#include "lapic.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "trace.h"
#include "trap.h"
#include "x86.h"

enum result { PASS, FAIL, SKIP };
static const char *skip_reason;

static enum result fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static enum result fail(const char *fmt, ...)
{
	va_list ap;

	kprintf("# ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return FAIL;
}

static enum result skip(const char *why)
{
	skip_reason = why;
	return SKIP;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return fail(__VA_ARGS__);                                                  \
	} while (0)

/* A fault expected from a probe: its return, vector, and CR2 if a #PF. */
static enum result expect_fault(int ret, uint64_t vector, uint64_t cr2, const char *what)
{
	CHECK(ret == -EFAULT, "%s: no fault (returned %d)", what, ret);
	CHECK(kfault_last.vector == vector, "%s: vector %lu (%s), want %lu", what,
	      kfault_last.vector, trap_name(kfault_last.vector), vector);
	CHECK(vector != T_PF || kfault_last.cr2 == cr2, "%s: CR2 %p, want %p", what,
	      (void *)kfault_last.cr2, (void *)cr2);
	return PASS;
}

static void kfault_reset(void)
{
	kfault_last = (struct kfault){.vector = ~0ull};
}

/* ---- start info and command line ---------------------------------- */

static enum result t_startinfo(void)
{
	CHECK(boot.version >= 1, "start info version %u", boot.version);
	CHECK(boot.nmemmap > 0, "no memory map");
	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *a = &boot.memmap[i];
		if (a->size == 0)
			continue; /* QEMU's microvm firmware appends one */
		CHECK(a->addr + a->size > a->addr, "entry %u wraps", i);
		for (uint32_t j = i + 1; j < boot.nmemmap; j++) {
			const struct hvm_memmap_table_entry *b = &boot.memmap[j];
			CHECK(b->size == 0 || a->addr + a->size <= b->addr ||
			          b->addr + b->size <= a->addr,
			      "entries %u and %u overlap", i, j);
		}
	}
	CHECK(boot.ram_top >= (8ull << 20), "RAM ends at %p", (void *)boot.ram_top);
	return PASS;
}

/* The loader was given expect_mem of RAM: the memory map's RAM adds up to
 * it, less at most the first MiB (lde's vmm reserves it), and ends at or
 * above it (QEMU moves RAM above the MMIO hole below 4 GiB). */
static enum result t_memsize(void)
{
	uint64_t want = kopts.expect_mem;

	if (!want)
		return skip("no expect_mem= on the command line");
	kprintf("# RAM: %lu bytes in the memory map, ending at %p\n", boot.ram_bytes,
	        (void *)boot.ram_top);
	CHECK(boot.ram_bytes <= want && boot.ram_bytes + (1 << 20) >= want,
	      "%lu bytes of RAM for expect_mem %lu", boot.ram_bytes, want);
	CHECK(boot.ram_top >= want, "RAM ends at %p, below expect_mem %p", (void *)boot.ram_top,
	      (void *)want);
	return PASS;
}

static enum result t_cmdline_given(void)
{
	CHECK(strlen(boot.cmdline) == boot.cmdline_len && !boot.cmdline_truncated,
	      "command line truncated or not NUL-terminated");
	CHECK(kopts.bad == 0, "%d kernel option(s) with a bad value", kopts.bad);
	CHECK(kopts.expect_args < 0 || kopts.argc == kopts.expect_args, "%d words, expect_args %d",
	      kopts.argc, kopts.expect_args);
	return PASS;
}

static enum result t_cmdline_parser(void)
{
	static const struct {
		const char *line;
		int n;
		const char *w[4];
	} cases[] = {
	    {"", 0, {0}},
	    {"  \t ", 0, {0}},
	    {"a b", 2, {"a", "b"}},
	    {" \ta \t b  ", 2, {"a", "b"}},
	    {"\"a b\"", 1, {"a b"}},
	    {"ab\"c d\"e f", 2, {"abc de", "f"}},
	    {"\"\"", 1, {""}},
	    {"a \"\" b", 3, {"a", "", "b"}},
	    {"a\\ b", 1, {"a b"}},
	    {"\"x\\\"y\"", 1, {"x\"y"}},
	    {"\"back\\\\slash\"", 1, {"back\\slash"}},
	    {"'q r'", 2, {"'q", "r'"}},
	    {"\"open quote", 1, {"open quote"}},
	    {"k=v -- x", 3, {"k=v", "--", "x"}},
	};
	char pool[64];
	const char *w[4];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = cmdline_split(cases[i].line, pool, sizeof(pool), w, 4);
		CHECK(n == cases[i].n, "case %zu [%s]: %d words, want %d", i, cases[i].line, n,
		      cases[i].n);
		for (int j = 0; j < n; j++)
			CHECK(!strcmp(w[j], cases[i].w[j]),
			      "case %zu [%s]: word %d is [%s], want [%s]", i, cases[i].line, j,
			      w[j], cases[i].w[j]);
	}
	CHECK(cmdline_split("a b c d e", pool, sizeof(pool), w, 4) == -1,
	      "too many words accepted");
	return PASS;
}

/* ---- kprintf ------------------------------------------------------- */

static int fmt_failures;

static void fmt_is(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fmt_is(const char *want, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want)) {
		fmt_failures++;
		kprintf("# format \"%s\": got [%s], want [%s]\n", fmt, buf, want);
	}
}

static enum result t_kprintf(void)
{
	char small[4];

	fmt_failures = 0;
	fmt_is("42 -42 0", "%d %i %d", 42, -42, 0);
	fmt_is("4294967295", "%u", 0xffffffffu);
	fmt_is("ff FF 0", "%x %X %x", 255, 255, 0);
	fmt_is("ffffffffffffffff", "%lx", ~0ul);
	fmt_is("18446744073709551615", "%lu", ~0ul);
	fmt_is("-9223372036854775808", "%ld", INT64_MIN);
	fmt_is("12345678901 7", "%lu %zu", 12345678901ul, (size_t)7);
	fmt_is("0x00000000deadbeef", "%p", (void *)0xdeadbeef);
	fmt_is("hi x %", "%s %c %%", "hi", 'x');
	fmt_is("   42|42   |00042|-0042", "%5d|%-5d|%05d|%05d", 42, 42, 42, -42);
	fmt_is("  ab|ab  |abc", "%4s|%-4s|%.3s", "ab", "ab", "abcdef");
	fmt_is("000000ff|   7|7", "%08x|%*d|%.*s", 255, 4, 7, 1, "7x");
	fmt_is("-7", "%ld", -7l);
	if (ksnprintf(small, sizeof(small), "%s", "abcdef") != 6 || strcmp(small, "abc"))
		return fail("ksnprintf truncation: [%s]", small);
	return fmt_failures ? FAIL : PASS;
}

/* ---- CPU state ----------------------------------------------------- */

static enum result t_cregs(void)
{
	uint64_t cr0 = rcr0(), cr4 = rcr4(), efer = rdmsr(MSR_EFER);

	kprintf("# CR0 %lx CR4 %lx EFER %lx\n", cr0, cr4, efer);
	CHECK((cr0 & (CR0_PG | CR0_PE | CR0_WP)) == (CR0_PG | CR0_PE | CR0_WP), "CR0.PG/PE/WP");
	CHECK(cr4 & CR4_PAE, "CR4.PAE");
	CHECK(!cpu.pge || (cr4 & CR4_PGE), "CR4.PGE");
	CHECK((efer & (EFER_LME | (1u << 10))) == (EFER_LME | (1u << 10)), "EFER.LME/LMA");
	CHECK(!!(efer & EFER_NXE) == cpu.nx, "EFER.NXE %d but CPU NX %d", !!(efer & EFER_NXE),
	      cpu.nx);
	CHECK(rcr3() == V2P(kpml4), "CR3 is not the kernel's page table");
	CHECK(!(read_rflags() & RFLAGS_IF), "interrupts on in the kernel");
	return PASS;
}

static enum result t_gdt(void)
{
	uint16_t tr, cs, ss;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr, idtr;

	asm volatile("str %0; mov %%cs, %1; mov %%ss, %2; sgdt %3; sidt %4"
	             : "=r"(tr), "=r"(cs), "=r"(ss), "=m"(gdtr), "=m"(idtr));
	/* SS is the null selector after any trap from ring 3 (long mode
	 * loads it so): the boot probe ran ring-3 code already. */
	CHECK(tr == SEG_TSS && cs == SEG_KCODE && (ss == SEG_KDATA || ss == 0), "TR %x CS %x SS %x",
	      tr, cs, ss);
	CHECK(gdtr.limit == NSEGS * 8 - 1, "GDT limit %u", gdtr.limit);
	CHECK(idtr.limit == 256 * 16 - 1, "IDT limit %u", idtr.limit);
	return PASS;
}

/* ---- traps --------------------------------------------------------- */

static enum result t_ud2(void)
{
	kfault_reset();
	enum result r = expect_fault(probe_ud2(), T_UD, 0, "ud2");
	CHECK(r != PASS || kfault_last.rip == (uint64_t)probe_ud2_insn, "RIP %p, want %p",
	      (void *)kfault_last.rip, probe_ud2_insn);
	return r;
}

static enum result t_pf_unmapped(void)
{
	uint64_t v, addr = KSTACKS + 0x1000; /* its PDPT exists, nothing below */

	kfault_reset();
	enum result r = expect_fault(probe_read64((void *)addr, &v), T_PF, addr, "read");
	CHECK(r != PASS || kfault_last.error == 0, "error code %lx, want 0 (read, not present)",
	      kfault_last.error);
	return r;
}

static enum result t_null(void)
{
	uint64_t v;

	kfault_reset();
	return expect_fault(probe_read64(NULL, &v), T_PF, 0, "NULL read");
}

static enum result t_gp(void)
{
	uint64_t v;

	kfault_reset();
	enum result r = expect_fault(probe_read64((void *)0x8000000000000000ull, &v), T_GP, 0,
	                             "non-canonical read");
	CHECK(r != PASS || kfault_last.error == 0, "error code %lx, want 0", kfault_last.error);
	return r;
}

static enum result t_probe_clean(void)
{
	static volatile uint64_t word = 0x1de1de;
	uint64_t v = 0;
	char src[40], dst[40];

	CHECK(probe_read64((const void *)&word, &v) == 0 && v == 0x1de1de, "read: %lx", v);
	CHECK(probe_write8((void *)&word, 0x77) == 0 && word == 0x1de177, "write: %lx", word);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)i;
	CHECK(copy_guarded(dst, src, 37) == 0 && !memcmp(dst, src, 37), "copy_guarded");
	kfault_reset();
	enum result r = expect_fault(copy_guarded(dst, (void *)(KSTACKS + 8), 16), T_PF,
	                             KSTACKS + 8, "copy_guarded from an unmapped page");
	return r;
}

static enum result t_nmi(void)
{
	uint64_t before = nmi_count, end = rdtsc() + tsc_khz * 10;

	lapic_self_nmi();
	while (nmi_count == before && rdtsc() < end)
		pause();
	CHECK(nmi_count == before + 1, "%lu NMIs arrived, want 1", nmi_count - before);
	CHECK(nmi_rsp >= (uint64_t)ist_nmi_stack && nmi_rsp < (uint64_t)ist_nmi_stack + IST_STACK,
	      "NMI frame at %p, not on the NMI IST stack", (void *)nmi_rsp);
	return PASS;
}

/* ---- page tables --------------------------------------------------- */

static const uint8_t ro_byte = 0x5a;

static enum result t_text_ro(void)
{
	uint8_t *p = (uint8_t *)t_text_ro;

	kfault_reset();
	enum result r = expect_fault(probe_write8(p, *p), T_PF, (uint64_t)p, "write to text");
	CHECK(r != PASS || (kfault_last.error & (PF_P | PF_W)) == (PF_P | PF_W),
	      "error code %lx, want protection+write", kfault_last.error);
	return r;
}

static enum result t_rodata_ro(void)
{
	uint8_t *p = (uint8_t *)&ro_byte;

	kfault_reset();
	CHECK(p >= (uint8_t *)_rodata && p < (uint8_t *)_erodata, "ro_byte is not in .rodata");
	return expect_fault(probe_write8(p, *(volatile uint8_t *)p), T_PF, (uint64_t)p,
	                    "write to rodata");
}

static enum result t_nx(void)
{
	if (!pte_nx)
		return skip("the CPU has no NX");
	kfault_reset();
	enum result r =
	    expect_fault(probe_exec_data(), T_PF, (uint64_t)nx_probe_target, "call into .data");
	CHECK(r != PASS || (kfault_last.error & PF_I), "error code %lx lacks the fetch bit",
	      kfault_last.error);
	return r;
}

static enum result t_physmap(void)
{
	static uint64_t word = 0x600dcafe;
	uint64_t pa = V2P(&word);

	CHECK(*(volatile uint64_t *)P2V(pa) == word, "PHYSMAP alias reads differently");
	CHECK(vm_translate(kpml4, (uint64_t)&word) == pa, "translate(&word) %lx, want %lx",
	      vm_translate(kpml4, (uint64_t)&word), pa);
	CHECK(vm_translate(kpml4, (uint64_t)P2V(boot.ram_top - 1)) == boot.ram_top - 1,
	      "the top of RAM is not in PHYSMAP");
	CHECK(vm_translate(kpml4, 0) == (uint64_t)-1, "page 0 is mapped");
	pte_t *e = vm_walk(kpml4, (uint64_t)P2V(LAPIC_PA), false);
	CHECK(e && (*e & PTE_PCD) && (*e & pte_nx) == pte_nx, "LAPIC page not uncached/NX");
	return PASS;
}

static enum result t_vm_space(void)
{
	uint64_t free0 = kalloc_free_pages(), va = USER_BASE, v = 0;
	pte_t *pml4 = vm_new();
	uint64_t pa = kalloc();

	CHECK(pml4 && pa, "out of memory");
	CHECK(vm_map(pml4, va, pa, PGSIZE, PTE_W | pte_nx) == 0, "vm_map failed");
	CHECK(vm_translate(pml4, va) == pa, "translate %lx", vm_translate(pml4, va));
	vm_activate(pml4);
	*(volatile uint64_t *)va = 0xfeedface;
	int r1 = probe_read64((void *)&_text[0], &v); /* the kernel half is shared */
	vm_activate(kpml4);
	CHECK(r1 == 0, "kernel text unreadable in the new address space");
	CHECK(*(volatile uint64_t *)P2V(pa) == 0xfeedface, "write through the new mapping lost");
	kfault_reset();
	enum result r = expect_fault(probe_read64((void *)va, &v), T_PF, va, "kernel space read");
	if (r != PASS)
		return r;
	vm_activate(pml4);
	CHECK(vm_unmap(pml4, va, PGSIZE, true) == 1, "vm_unmap found no page");
	kfault_reset();
	int r2 = probe_read64((void *)va, &v);
	vm_activate(kpml4);
	CHECK(r2 == -EFAULT, "page still mapped after vm_unmap (stale TLB?)");
	vm_free(pml4);
	CHECK(kalloc_free_pages() == free0, "%ld pages leaked", free0 - kalloc_free_pages());
	return PASS;
}

/* ---- user address spaces (uvm.c) ------------------------------------ */

/* The boot probe found a working way for both system-call instructions,
 * and turned on exactly the workarounds it saw work. */
static enum result t_trappaths(void)
{
	uint32_t sc = trapquirk_path(false), i80 = trapquirk_path(true);

	kprintf("# %s\n", trapquirk_describe());
	CHECK(sc != LDE_PATH_BROKEN, "syscall does not work here");
	CHECK(i80 != LDE_PATH_BROKEN, "int 0x80 does not work here");
	CHECK(sc == LDE_PATH_NATIVE || sc == LDE_PATH_PF_LSTAR, "syscall path %u", sc);
	CHECK(i80 == LDE_PATH_NATIVE || i80 == LDE_PATH_UD_INT80, "int 0x80 path %u", i80);
	CHECK(trapquirk_pf_lstar == (sc == LDE_PATH_PF_LSTAR), "#PF@LSTAR workaround flag");
	CHECK(trapquirk_ud_int80 == (i80 == LDE_PATH_UD_INT80), "#UD workaround flag");
	return PASS;
}

/* One RW user page at USER_BASE in a scratch space, made active. */
static enum result scratch_space(struct vmspace *vs, uint64_t *pa)
{
	CHECK(uvm_init(vs) == 0, "uvm_init: out of memory");
	CHECK(uvm_add_area(vs, USER_BASE, USER_BASE + PGSIZE, PTE_W | pte_nx, false) == 0 &&
	          uvm_map_new(vs, USER_BASE, true, pa) == 0,
	      "mapping a user page");
	uvm_activate(vs);
	return PASS;
}

static enum result t_copy(void)
{
	static const struct {
		uint64_t addr, n;
		int want;
	} cases[] = {
	    {USER_BASE, 16, 0},
	    {USER_BASE + PGSIZE - 8, 8, 0},
	    {USER_BASE, 0, 0},
	    {0, 0, 0},                           /* nothing to copy: no access */
	    {USER_BASE + PGSIZE - 8, 16, -EFAULT}, /* runs into an unmapped page */
	    {USER_BASE - 8, 16, -EFAULT},
	    {0, 8, -EFAULT},
	    {USER_TOP - 8, 16, -EFAULT},         /* past the end of user space */
	    {USER_TOP, 1, -EFAULT},
	    {KERNBASE, 8, -EFAULT},
	    {PHYSMAP, 8, -EFAULT},
	    {0x0000800000000000ull, 8, -EFAULT}, /* non-canonical */
	    {USER_BASE, ~0ull - 4, -EFAULT},     /* wraps around */
	    {~0ull - 3, 8, -EFAULT},
	};
	uint64_t free0 = kalloc_avail_pages(), pa;
	struct vmspace vs;
	char buf[32] = "0123456789abcdefghijklmnopqrstu";
	enum result r = scratch_space(&vs, &pa);
	int bad = 0;

	if (r != PASS)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int in = copyin(buf, cases[i].addr, cases[i].n);
		int out = copyout(cases[i].addr, buf, cases[i].n);
		if (in != cases[i].want || out != cases[i].want) {
			kprintf("# case %zu: copy %p+%lu: in %d out %d, want %d\n", i,
			        (void *)cases[i].addr, cases[i].n, in, out, cases[i].want);
			bad++;
		}
	}
	/* Strings: terminated, unterminated up to a hole, too long. */
	char *page = P2V(pa), s[8];
	memset(page, 'x', PGSIZE);
	page[100] = 0;
	long n1 = ustrnlen(USER_BASE, 256), n2 = ustrnlen(USER_BASE + 200, 8192);
	long n3 = copyinstr(s, USER_BASE + 90, sizeof(s)), n4 = copyinstr(s, USER_BASE + 95, sizeof(s));
	long n5 = ustrnlen(USER_TOP - 1, 10), n6 = ustrnlen(KERNBASE, 10);
	vm_activate(kpml4);
	uvm_free(&vs);
	CHECK(!bad, "%d copy case(s) wrong", bad);
	CHECK(n1 == 100, "ustrnlen of a 100-byte string: %ld", n1);
	CHECK(n2 == -EFAULT, "ustrnlen running into a hole: %ld", n2);
	CHECK(n3 == -ENAMETOOLONG && n4 == 5 && !strcmp(s, "xxxxx"), "copyinstr: %ld, %ld [%s]", n3,
	      n4, s);
	CHECK(n5 == -EFAULT && n6 == -EFAULT, "ustrnlen at the top/kernel: %ld %ld", n5, n6);
	CHECK(kalloc_avail_pages() == free0, "%ld pages leaked", free0 - kalloc_avail_pages());
	return PASS;
}

/* fork shares the frame; a write fault copies it for the space that
 * writes while shared, and just re-enables writing for the last one. */
static enum result t_cow(void)
{
	uint64_t free0 = kalloc_avail_pages(), pa, va = USER_BASE;
	struct vmspace a, b;
	enum result r = scratch_space(&a, &pa);

	if (r != PASS)
		return r;
	*(volatile uint64_t *)va = 0xc0ffee;
	int forked = uvm_fork(&b, &a);
	pte_t *ea = vm_walk(a.pml4, va, false), *eb = forked ? NULL : vm_walk(b.pml4, va, false);
	bool shared = !forked && ea && eb && PTE_ADDR(*ea) == pa && PTE_ADDR(*eb) == pa &&
	              kref_get(pa) == 2 && !(*ea & PTE_W) && !(*eb & PTE_W) && (*ea & PTE_COW) &&
	              (*eb & PTE_COW);
	int fb = -1, fa = -1;
	uint64_t pb = 0;
	if (shared) {
		uvm_activate(&b);
		fb = uvm_fault(&b, va, PF_P | PF_W | PF_U); /* copies */
		*(volatile uint64_t *)va = 0xbeef;
		pb = PTE_ADDR(*eb);
		uvm_activate(&a);
		fa = uvm_fault(&a, va, PF_P | PF_W | PF_U); /* last reference: no copy */
	}
	uint64_t va_val = *(volatile uint64_t *)va, refs = kref_get(pa);
	bool a_writable = (*ea & PTE_W) && !(*ea & PTE_COW) && PTE_ADDR(*ea) == pa;
	vm_activate(kpml4);
	uint64_t pb_val = pb ? *(volatile uint64_t *)P2V(pb) : 0;
	if (!forked)
		uvm_free(&b);
	uvm_free(&a);
	CHECK(forked == 0, "uvm_fork: %d", forked);
	CHECK(shared, "after fork the frame is not shared read-only COW with 2 references");
	CHECK(fb == 0 && pb && pb != pa && pb_val == 0xbeef, "the child's write fault did not copy");
	CHECK(fa == 0 && a_writable && refs == 1 && va_val == 0xc0ffee,
	      "the parent's write fault: %d, writable %d, refs %lu, value %lx", fa, a_writable,
	      refs, va_val);
	CHECK(kalloc_avail_pages() == free0, "%ld pages leaked", free0 - kalloc_avail_pages());
	return PASS;
}

/* ---- page allocator ------------------------------------------------ */

#define BITS_PER_PAGE  (PGSIZE * 8)
#define WORDS_PER_PAGE (PGSIZE / 8)
#define MAXDIR         512

/* Allocate every page (a bitmap by frame number catches duplicates and
 * remembers them), then free them all, highest first, so most go back by
 * moving the bump pointer down.  Page contents are never touched except
 * the bitmap's own pages.  The loops are lean: each ring-0 instruction
 * costs ~0.65 us under this machine's KVM and this runs once per page. */
static enum result t_kalloc_all(void)
{
	static uint64_t *dir[MAXDIR];
	/* kalloc hands out the zeroed pool's pages last; freed, they join the
	 * free pages. */
	uint64_t n0 = kalloc_avail_pages(), span = boot.ram_top / PGSIZE;
	uint64_t ndir = (span + BITS_PER_PAGE - 1) / BITS_PER_PAGE, got = 0, dups = 0, bad = 0;
	uint64_t img_lo = (uint64_t)_boot_start, img_len = V2P(_end) - img_lo;

	if (ndir > MAXDIR)
		return skip("more RAM than the check's bitmap covers");
	for (uint64_t i = 0; i < ndir; i++) {
		uint64_t pa = kalloc_zeroed();
		CHECK(pa, "out of memory for the bitmap");
		dir[i] = P2V(pa);
		got++;
	}
	for (uint64_t pa; (pa = kalloc()) != 0; got++) {
		uint64_t pfn = pa >> PGSHIFT;
		/* unaligned, below 1 MiB, inside the kernel or above RAM */
		if ((pa & (PGSIZE - 1)) || pa < 0x100000 || pa - img_lo < img_len || pfn >= span) {
			if (bad++ < 4)
				kprintf("# bad page %p\n", (void *)pa);
			continue;
		}
		uint64_t *w = &dir[pfn / BITS_PER_PAGE][(pfn / 64) % WORDS_PER_PAGE];
		uint64_t bit = 1ull << (pfn % 64), old = *w;
		dups += (old & bit) != 0;
		*w = old | bit;
	}
	uint64_t left = kalloc_free_pages();
	for (uint64_t wi = ndir * WORDS_PER_PAGE; wi-- > 0;) {
		uint64_t bits = dir[wi / WORDS_PER_PAGE][wi % WORDS_PER_PAGE];
		while (bits) {
			int b = 63 - __builtin_clzll(bits); /* bsr */
			bits &= ~(1ull << b);
			kfree((wi * 64 + b) << PGSHIFT);
		}
	}
	for (uint64_t i = ndir; i-- > 0;)
		kfree(V2P(dir[i]));
	kprintf("# %lu pages handed out and taken back\n", got);
	CHECK(got == n0, "handed out %lu pages, %lu were free", got, n0);
	CHECK(left == 0, "%lu pages still free when kalloc returned 0", left);
	CHECK(!dups && !bad, "%lu duplicate and %lu bad pages", dups, bad);
	CHECK(kalloc_free_pages() == n0, "free pages %lu after, %lu before", kalloc_free_pages(),
	      n0);
	return PASS;
}

/* The allocator's ranges avoid the first MiB, the kernel image, every
 * non-RAM memory-map entry and everything the loader handed over (start
 * info, memory map, command line, modules such as the initrd). */
static enum result t_kalloc_ranges(void)
{
	CHECK(!kalloc_overlaps(0, 0x100000), "the first MiB is managed");
	CHECK(!kalloc_overlaps((uint64_t)_boot_start, V2P(_end)), "the kernel image is managed");
	for (uint32_t i = 0; i < boot.nmemmap; i++) {
		const struct hvm_memmap_table_entry *e = &boot.memmap[i];
		CHECK(e->type == HVM_MEMMAP_TYPE_RAM ||
		          !kalloc_overlaps(e->addr, e->addr + e->size),
		      "memory-map entry %u (%s) is managed", i, memmap_type_name(e->type));
	}
	for (int i = 0; i < boot.nused; i++)
		CHECK(!kalloc_overlaps(boot.used[i][0], boot.used[i][1]),
		      "loader data [%p, %p) is managed", (void *)boot.used[i][0],
		      (void *)boot.used[i][1]);
	if (boot.nmods)
		kprintf("# %u module(s), the first at %p, %lu bytes\n", boot.nmods,
		        (void *)boot.mods[0].pa, boot.mods[0].size);
	return PASS;
}

/* Out-of-order frees go to the stack and come back last-in first-out. */
static enum result t_kalloc_reuse(void)
{
	uint64_t n0 = kalloc_free_pages(), a[8], b[8];

	for (int i = 0; i < 8; i++)
		CHECK((a[i] = kalloc()) != 0, "out of memory");
	for (int i = 0; i < 8; i++)
		kfree(a[i]);
	CHECK(kalloc_free_pages() == n0, "free count %lu, want %lu", kalloc_free_pages(), n0);
	for (int i = 0; i < 8; i++)
		b[i] = kalloc();
	for (int i = 0; i < 8; i++) {
		bool found = false;
		for (int j = 0; j < 8; j++)
			found |= a[i] == b[j];
		CHECK(found, "page %p not handed out again", (void *)a[i]);
	}
	for (int i = 8; i-- > 0;)
		kfree(b[i]);
	CHECK(kalloc_free_pages() == n0, "free count %lu, want %lu", kalloc_free_pages(), n0);
	return PASS;
}

/* ---- timer and interrupts ------------------------------------------ */

static enum result t_tsc(void)
{
	kprintf("# TSC %lu kHz from %s, LAPIC timer %lu kHz, period %u\n", tsc_khz, tsc_source,
	        lapic_timer_khz, lapic_timer_count);
	CHECK(tsc_khz >= 100000 && tsc_khz <= 10000000, "TSC rate %lu kHz", tsc_khz);
	CHECK(!on_lde || !strcmp(tsc_source, "lde vmm"), "on lde but the rate came from %s",
	      tsc_source);
	return PASS;
}

/* Count ticks between two tick edges at least 200 ms of TSC apart, and
 * compare with what HZ predicts for the TSC time between the edges.  The
 * first edge is the second tick seen: a tick left pending while an
 * earlier check ran with interrupts off arrives at once, not on time. */
static uint64_t wait_tick(void)
{
	uint64_t k = ticks;

	while (ticks == k)
		sti_hlt();
	cli();
	return rdtsc();
}

static enum result t_timer(void)
{
	const uint64_t window = tsc_khz * 200; /* 200 ms in TSC cycles */
	uint64_t t0, k0, t1;

	wait_tick();
	t0 = wait_tick();
	k0 = ticks;
	do
		t1 = wait_tick();
	while (t1 - t0 < window);
	uint64_t got = ticks - k0, us = tsc_to_us(t1 - t0);
	uint64_t want = (us * kopts.hz + 500000) / 1000000, tol = want / 10 ? want / 10 : 1;
	kprintf("# %lu ticks in %lu us of TSC time, want %lu +- %lu\n", got, us, want, tol);
	CHECK(got + tol >= want && got <= want + tol, "%lu ticks, want %lu +- %lu", got, want, tol);
	return PASS;
}

static volatile int uart_irqs;

static void uart_irq(void)
{
	uart_irqs++;
	uart_thre_irq(false);
}

static enum result t_uart_irq(void)
{
	uint64_t end = rdtsc() + tsc_khz * 100;

	uart_irqs = 0;
	irq_register(LDE_COM1_IRQ, uart_irq);
	ioapic_route(LDE_COM1_IRQ, T_IRQ0 + LDE_COM1_IRQ, false);
	uart_thre_irq(true);
	while (!uart_irqs && rdtsc() < end)
		sti_hlt();
	cli();
	ioapic_route(LDE_COM1_IRQ, T_IRQ0 + LDE_COM1_IRQ, true);
	uart_thre_irq(false);
	irq_register(LDE_COM1_IRQ, NULL);
	CHECK(uart_irqs >= 1, "no IRQ %u within 100 ms of enabling the THRE interrupt",
	      LDE_COM1_IRQ);
	return PASS;
}

/* ---- trace ring ---------------------------------------------------- */

/* Twice the ring and more, as kernel marks (LDE_EV_USER, pid 0, a0 =
 * 0x7e57, a1 = i): the watermark drains must keep up, none dropped.  The
 * host test (tests/51-trace-p2.t) finds every mark, in order. */
static enum result t_trace(void)
{
	struct trace_info a, b;
	uint32_t n;

	if (!trace_info(&a))
		return skip("the vmm is not tracing (./vmm --trace FILE)");
	if (!(trace_mask & LDE_TRACE_SYSCALL))
		return skip("marks are not traced (--trace-events without syscall)");
	n = 2 * a.nrec + 3;
	for (uint32_t i = 0; i < n; i++)
		trace_event(LDE_EV_USER, 0, 0x7e57, i);
	trace_info(&b);
	CHECK(b.head - a.head == n, "head moved by %lu, want %u", b.head - a.head, n);
	CHECK(b.dropped == a.dropped, "%lu marks dropped", b.dropped - a.dropped);
	CHECK(b.head - b.tail < b.watermark, "not drained: head %lu, tail %lu, watermark %u",
	      b.head, b.tail, b.watermark);
	kprintf("# %u marks through a ring of %u records\n", n, a.nrec);
	return PASS;
}

/* ---- the table ----------------------------------------------------- */

static const struct check {
	const char *group, *name;
	enum result (*fn)(void);
} checks[] = {
    {"boot", "start info has a sane memory map", t_startinfo},
    {"boot", "RAM in the memory map matches expect_mem", t_memsize},
    {"cmdline", "command line received whole, options valid, expect_args words", t_cmdline_given},
    {"cmdline", "word splitting and quoting rules", t_cmdline_parser},
    {"kprintf", "conversions, widths, padding, truncation", t_kprintf},
    {"cpu", "CR0/CR4/EFER/CR3 as the kernel set them, interrupts off", t_cregs},
    {"cpu", "GDT, TSS and IDT loaded", t_gdt},
    {"trap", "ud2 raises #UD, caught, execution continues", t_ud2},
    {"trap", "read of an unmapped address raises #PF with CR2", t_pf_unmapped},
    {"trap", "NULL dereference raises #PF", t_null},
    {"trap", "non-canonical access raises #GP", t_gp},
    {"trap", "guarded accesses work and copy_guarded stops at a hole", t_probe_clean},
    {"trap", "self-NMI runs on the NMI IST stack", t_nmi},
    {"vm", "write to kernel text faults (CR0.WP)", t_text_ro},
    {"vm", "write to kernel rodata faults", t_rodata_ro},
    {"vm", "executing kernel data faults (NX)", t_nx},
    {"vm", "PHYSMAP maps RAM and the uncached LAPIC", t_physmap},
    {"vm", "new address space: map, use, unmap, free", t_vm_space},
    {"uvm", "the trap-path probe found both system-call paths", t_trappaths},
    {"uvm", "copyin/copyout/ustrnlen: ranges, holes, overflow, kernel addresses", t_copy},
    {"uvm", "copy-on-write: fork shares, write faults copy or reuse", t_cow},
    {"kalloc", "free memory avoids the kernel, the loader's data and modules", t_kalloc_ranges},
    {"kalloc", "every page handed out once and taken back", t_kalloc_all},
    {"kalloc", "freed pages are handed out again", t_kalloc_reuse},
    {"timer", "TSC rate known", t_tsc},
    {"timer", "ticks arrive at HZ (+-10% over 200 ms of TSC)", t_timer},
    {"irq", "IOAPIC delivers COM1 IRQ 4", t_uart_irq},
    {"trace", "ring writer: marks in order, drained at the watermark, none dropped", t_trace},
};

/* ---- crashes on purpose -------------------------------------------- */

static void crash_pf(void)
{
	*(volatile uint64_t *)0xdead000 = 0x1de;
}

static void crash_gp(void)
{
	(void)*(volatile uint64_t *)0x8000000000000000ull;
}

static void crash_ud(void)
{
	BUG();
}

static void crash_de(void)
{
	/* An explicit div: C's 1 / x compiles to a compare. */
	asm volatile("xorl %%edx, %%edx; movl $1, %%eax; divl %0" : : "r"(0) : "eax", "edx");
}

static void crash_df(void)
{
	/* An unmapped stack: the #PF cannot be delivered, so #DF on IST 1. */
	asm volatile("mov %0, %%rsp; push %%rax" : : "r"(KSTACKS + 0x8000) : "memory");
}

static void crash_panic(void)
{
	panic("selftest=crash-panic: panic on purpose");
}

static void crash_assert(void)
{
	assert(kopts.hz == 0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} crashes[] = {
    {"crash", crash_pf},          {"crash-pf", crash_pf},         {"crash-gp", crash_gp},
    {"crash-ud", crash_ud},       {"crash-de", crash_de},         {"crash-df", crash_df},
    {"crash-panic", crash_panic}, {"crash-assert", crash_assert},
};

static noreturn void crash(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++) {
		if (strcmp(name, crashes[i].name))
			continue;
		kprintf("selftest: %s: faulting in kernel mode on purpose\n", name);
		crashes[i].fn();
		panic("selftest: %s did not crash", name);
	}
	kprintf("selftest: no crash named %s\n", name);
	poweroff(1);
}

noreturn void selftest_run(const char *name)
{
	int n = 0, failed = 0, skipped = 0;
	uint64_t t0 = rdtsc();

	if (name && !strncmp(name, "crash", 5))
		crash(name);
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		n += !name || !strcmp(name, checks[i].group);
	if (n == 0) {
		kprintf("selftest: no check group named %s\n", name);
		poweroff(1);
	}
	kprintf("1..%d\n", n);
	n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		const struct check *c = &checks[i];
		if (name && strcmp(name, c->group))
			continue;
		skip_reason = NULL;
		uint64_t t = rdtsc();
		enum result r = c->fn();
		t = tsc_to_us(rdtsc() - t);
		if (t >= 10000)
			kprintf("# %lu ms\n", t / 1000);
		failed += r == FAIL;
		skipped += r == SKIP;
		kprintf("%s %d - %s: %s%s%s\n", r == FAIL ? "not ok" : "ok", ++n, c->group, c->name,
		        r == SKIP ? " # SKIP " : "", r == SKIP ? skip_reason : "");
	}
	kprintf("# selftest: %d passed, %d failed, %d skipped in %lu ms\n", n - failed - skipped,
	        failed, skipped, tsc_to_us(rdtsc() - t0) / 1000);
	poweroff(failed > 100 ? 100 : failed);
}
