/*
 * Fuzz target "pvh": the guest command line the vmm builds and the PVH
 * boot information it writes.
 *
 * Input:
 *   u32  RAM size claimed (any; the vmm's are 8M..3G)
 *   u8   bit 0: an initrd module; bit 1: the command line is raw bytes
 *        (else words, joined as the vmm joins the words after `--`)
 *   u64  module paddr, u64 module size
 *   u16  the join buffer's size (words mode), 0..4096
 *   rest the command line: raw bytes up to a NUL, or words separated by
 *        NULs
 *
 * Checks: opts_join_cmdline refuses exactly when the joined line needs
 * more than size - 1 bytes, and what it builds splits back into the same
 * words under the kernel's rules (guest/kernel/cmdline.c: blanks are
 * space, tab, CR and LF; `"` toggles a quoted run; a backslash takes the
 * next character).  pvh_write_boot_info refuses a line of 4096 bytes or
 * more and RAM of 1 MiB or less, writing nothing; otherwise it writes
 * exactly the start info, the two-entry memory map, the module list and
 * the line at their places in the first MiB, and nothing else; the initrd
 * goes page-aligned into RAM's last page or so; the vCPU's entry state is
 * what the PVH protocol says whatever state it started from.  RAM is
 * only as large as the boot data (12 KiB, guard pages around it): a write
 * anywhere else faults.
 */
#include <stdlib.h>
#include <string.h>

#include <lde/pvh.h>

#include "fuzz.h"
#include "layout.h"
#include "opts.h"
#include "pvh.h"

#define BOOT_END (LAYOUT_CMDLINE + LAYOUT_CMDLINE_SIZE) /* 0x3000 */
#define MAXWORDS 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The kernel's splitting (a host copy of guest/kernel/cmdline.c's rules);
 * words point into pool.  Returns the number of words. */
static int split(const char *line, char *pool, char **words, int max)
{
	size_t out = 0;
	int n = 0;
	const char *p = line;

	for (;;) {
		bool quoted = false;

		while (is_blank(*p))
			p++;
		if (!*p || n == max)
			return n;
		words[n++] = pool + out;
		for (; *p && (quoted || !is_blank(*p)); p++) {
			char c = *p;

			if (c == '"') {
				quoted = !quoted;
				continue;
			}
			if (c == '\\' && p[1])
				c = *++p;
			pool[out++] = c;
		}
		pool[out++] = '\0';
	}
}

/* What the join must produce: its length. */
static size_t joined_len(char *const *w, int n)
{
	size_t len = n > 1 ? (size_t)n - 1 : 0;

	for (int i = 0; i < n; i++) {
		size_t l = strlen(w[i]);
		bool q = l == 0 || strpbrk(w[i], " \t\r\n\"'\\") != NULL;

		len += l;
		if (q) {
			len += 2;
			for (const char *c = w[i]; *c; c++)
				len += *c == '"' || *c == '\\';
		}
	}
	return len;
}

static void check_join(const uint8_t *p, size_t n, size_t bufsize, char *line)
{
	static char text[1 << 16], pool[1 << 17];
	char *words[MAXWORDS], *back[MAXWORDS + 1];
	int nw = 0, nb, r;
	size_t want;

	/* The words: NUL-separated (a last one unterminated). */
	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	memcpy(text, p, n);
	text[n] = '\0';
	for (size_t i = 0; i < n && nw < MAXWORDS; i++) {
		words[nw++] = text + i;
		i += strlen(text + i);
	}
	want = joined_len(words, nw);
	r = opts_join_cmdline(words, nw, line, bufsize);
	if (bufsize == 0 || want > bufsize - 1) {
		FUZZ_CHECK(r == -1, "join of %zu bytes into %zu: returned %d", want, bufsize, r);
		line[0] = '\0';
		return;
	}
	FUZZ_CHECK(r >= 0 && (size_t)r == want && strlen(line) == want,
	           "join returned %d, want %zu", r, want);
	nb = split(line, pool, back, MAXWORDS + 1);
	FUZZ_CHECK(nb == nw, "%d words joined, %d come back from \"%s\"", nw, nb, line);
	for (int i = 0; i < nw; i++)
		FUZZ_CHECK(strcmp(words[i], back[i]) == 0, "word %d \"%s\" comes back as \"%s\"", i,
		           words[i], back[i]);
}

static uint64_t get64(const uint8_t *ram, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, ram + pa, 8);
	return v;
}

static void check_boot(uint8_t *ram, uint64_t ram_size, const char *line, bool with_mod,
                       const struct pvh_module *mod)
{
	struct hvm_start_info si;
	struct hvm_memmap_table_entry map[2];
	struct hvm_modlist_entry m;
	const size_t len = strlen(line);
	uint32_t r = pvh_write_boot_info(ram, ram_size, line, with_mod ? mod : NULL);

	if (ram_size <= LAYOUT_RAM_START || len >= LAYOUT_CMDLINE_SIZE) {
		FUZZ_CHECK(r == 0, "RAM 0x%llx, line of %zu: accepted",
		           (unsigned long long)ram_size, len);
		for (uint64_t i = 0; i < BOOT_END; i++)
			FUZZ_CHECK(ram[i] == 0, "refused, but wrote at 0x%llx",
			           (unsigned long long)i);
		return;
	}
	FUZZ_CHECK(r == LAYOUT_START_INFO, "start info at 0x%x", r);
	memcpy(&si, ram + LAYOUT_START_INFO, sizeof(si));
	FUZZ_CHECK(si.magic == HVM_START_MAGIC_VALUE && si.version == 1 && si.flags == 0 &&
	               si.rsdp_paddr == 0 && si.reserved == 0,
	           "start info header");
	FUZZ_CHECK(si.cmdline_paddr == LAYOUT_CMDLINE &&
	               strcmp((char *)ram + LAYOUT_CMDLINE, line) == 0,
	           "command line");
	FUZZ_CHECK(si.memmap_paddr == LAYOUT_MEMMAP && si.memmap_entries == 2, "memory map place");
	memcpy(map, ram + LAYOUT_MEMMAP, sizeof(map));
	FUZZ_CHECK(map[0].addr == 0 && map[0].size == LAYOUT_RAM_START &&
	               map[0].type == HVM_MEMMAP_TYPE_RESERVED && map[1].addr == LAYOUT_RAM_START &&
	               map[1].size == ram_size - LAYOUT_RAM_START &&
	               map[1].type == HVM_MEMMAP_TYPE_RAM && map[0].reserved == 0 &&
	               map[1].reserved == 0,
	           "memory map entries");
	if (with_mod) {
		memcpy(&m, ram + LAYOUT_MODLIST, sizeof(m));
		FUZZ_CHECK(si.nr_modules == 1 && si.modlist_paddr == LAYOUT_MODLIST &&
		               m.paddr == mod->paddr && m.size == mod->size &&
		               m.cmdline_paddr == 0 && m.reserved == 0,
		           "module list");
	} else {
		FUZZ_CHECK(si.nr_modules == 0 && si.modlist_paddr == 0 &&
		               get64(ram, LAYOUT_MODLIST) == 0,
		           "no module");
	}
	/* Nothing else written. */
	for (uint64_t i = 0; i < BOOT_END; i++) {
		const bool ours =
		    (i >= LAYOUT_START_INFO && i < LAYOUT_MEMMAP + sizeof(map)) ||
		    (with_mod && i >= LAYOUT_MODLIST && i < LAYOUT_MODLIST + sizeof(m)) ||
		    (i >= LAYOUT_CMDLINE && i <= LAYOUT_CMDLINE + len);
		if (!ours)
			FUZZ_CHECK(ram[i] == 0, "stray write at 0x%llx", (unsigned long long)i);
	}
}

/* The initrd at the top of RAM: page aligned, inside RAM, less than a page
 * below its end (for any size main.c lets through: size <= RAM). */
static void check_initrd(uint64_t ram_size, uint64_t size)
{
	uint64_t at;

	if (size > ram_size)
		return;
	at = pvh_initrd_addr(ram_size, size);
	FUZZ_CHECK(at % LAYOUT_PAGE == 0 && at <= ram_size - size &&
	               ram_size - size - at < LAYOUT_PAGE,
	           "initrd of 0x%llx in RAM 0x%llx at 0x%llx", (unsigned long long)size,
	           (unsigned long long)ram_size, (unsigned long long)at);
}

/* The vCPU at the PVH entry, from whatever KVM_GET_SREGS held. */
static void check_entry(uint32_t entry, uint32_t start_info)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	memset(&r, 0xa5, sizeof(r));
	memset(&s, 0xa5, sizeof(s));
	pvh_vcpu_state(&r, &s, entry, start_info);
	FUZZ_CHECK(r.rip == entry && r.rbx == start_info && r.rflags == 0x2 && r.rax == 0 &&
	               r.rsp == 0,
	           "entry registers");
	FUZZ_CHECK(s.cr0 == 0x11 && s.cr4 == 0 && s.efer == 0 && s.cs.db && !s.cs.l &&
	               s.cs.base == 0 && s.cs.limit == 0xffffffff && s.ds.base == 0 &&
	               s.ss.selector == 0x10 && s.tr.type == 0xb && s.tr.limit == 0x67,
	           "entry state");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static char line[LAYOUT_CMDLINE_SIZE + 1024];
	struct fin f = {data, size};
	const uint64_t ram_size = fin_u32(&f);
	const uint8_t flags = fin_u8(&f);
	struct pvh_module mod;
	size_t bufsize, n;
	const uint8_t *p;

	mod.paddr = fin_u64(&f);
	mod.size = fin_u64(&f);
	bufsize = fin_u16(&f) % (OPTS_CMDLINE_MAX + 2);
	p = fin_take(&f, f.n, &n);
	if (!ram)
		ram = fuzz_ram(BOOT_END);
	memset(ram, 0, BOOT_END);
	if (flags & 2) {
		/* Raw bytes: lines longer than the layout's 4095 included. */
		n = strnlen((const char *)p, n < sizeof(line) - 1 ? n : sizeof(line) - 1);
		memcpy(line, p, n);
		line[n] = '\0';
	} else {
		check_join(p, n, bufsize, line);
	}
	check_boot(ram, ram_size, line, flags & 1, &mod);
	check_initrd(ram_size, mod.size);
	check_entry((uint32_t)mod.paddr, (uint32_t)(mod.paddr >> 32));
	return 0;
}
