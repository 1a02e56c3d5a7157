/*
 * Register dumps for the fatal exits: the cause line comes first (from
 * the caller), then indented lines of registers, segments and the bytes
 * at RIP when they are readable.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "dump.h"
#include "vmm.h"

#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define PTE_P    1ull
#define PTE_PS   (1ull << 7)
#define ADDR_52  0x000ffffffffff000ull

static int read_pte(const uint8_t *ram, uint64_t ram_size, uint64_t pa, unsigned width, uint64_t *e)
{
	if (ram_size < width || pa > ram_size - width)
		return -1;
	*e = 0;
	memcpy(e, ram + pa, width);
	return (*e & PTE_P) ? 0 : -1;
}

int dump_translate(const uint8_t *ram, uint64_t ram_size, const struct kvm_sregs *s, uint64_t va,
                   uint64_t *pa)
{
	uint64_t e, table;

	if (!(s->cr0 & CR0_PG)) {
		*pa = va & 0xffffffffull;
		return 0;
	}
	if (s->efer & EFER_LMA) {
		/* 4- or 5-level: 9 bits per level; PS at levels 2 and 3. */
		int levels = (s->cr4 & CR4_LA57) ? 5 : 4;

		table = s->cr3 & ADDR_52;
		for (int l = levels; l >= 1; l--) {
			unsigned shift = 12 + 9 * (unsigned)(l - 1);

			if (read_pte(ram, ram_size, table + ((va >> shift) & 511) * 8, 8, &e) < 0)
				return -1;
			if (l == 1 || ((l == 2 || l == 3) && (e & PTE_PS))) {
				uint64_t mask = (1ull << shift) - 1;
				*pa = ((e & ADDR_52) & ~mask) | (va & mask);
				return 0;
			}
			table = e & ADDR_52;
		}
		return -1;
	}
	va &= 0xffffffffull;
	if (s->cr4 & CR4_PAE) {
		/* PDPT (4 entries, 32-byte aligned), PD (2 MiB pages), PT. */
		if (read_pte(ram, ram_size, (s->cr3 & 0xffffffe0ull) + (va >> 30) * 8, 8, &e) < 0)
			return -1;
		if (read_pte(ram, ram_size, (e & ADDR_52) + ((va >> 21) & 511) * 8, 8, &e) < 0)
			return -1;
		if (e & PTE_PS) {
			*pa = (e & ADDR_52 & ~0x1fffffull) | (va & 0x1fffff);
			return 0;
		}
		if (read_pte(ram, ram_size, (e & ADDR_52) + ((va >> 12) & 511) * 8, 8, &e) < 0)
			return -1;
		*pa = (e & ADDR_52) | (va & 0xfff);
		return 0;
	}
	/* 32-bit: PD and PT of 1024 4-byte entries; 4 MiB pages with PSE
	 * (PSE-36: bits 13-20 are physical bits 32-39). */
	if (read_pte(ram, ram_size, (s->cr3 & 0xfffff000ull) + (va >> 22) * 4, 4, &e) < 0)
		return -1;
	if ((e & PTE_PS) && (s->cr4 & CR4_PSE)) {
		*pa = (e & 0xffc00000ull) | (((e >> 13) & 0xff) << 32) | (va & 0x3fffff);
		return 0;
	}
	if (read_pte(ram, ram_size, (e & 0xfffff000ull) + ((va >> 12) & 1023) * 4, 4, &e) < 0)
		return -1;
	*pa = (e & 0xfffff000ull) | (va & 0xfff);
	return 0;
}

uint64_t dump_rip_linear(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	if ((s->efer & EFER_LMA) && s->cs.l)
		return r->rip;
	return (s->cs.base + r->rip) & 0xffffffffull;
}

static void seg_line(char *buf, size_t len, const char *name, const struct kvm_segment *g)
{
	snprintf(buf, len, "%s %04x base %llx limit %x type %x dpl %u %s%s", name, g->selector,
	         (unsigned long long)g->base, g->limit, g->type, g->dpl,
	         g->l    ? "64-bit"
	         : g->db ? "32-bit"
	                 : "16-bit",
	         g->present ? "" : " not-present");
}

static void put(const char *line)
{
	char buf[300];
	int n = snprintf(buf, sizeof(buf), "  %s\n", line);

	if (!msg_quiet && n > 0)
		fputs(buf, stderr);
}

void dump_state(const uint8_t *ram, uint64_t ram_size, const struct kvm_regs *rp,
                const struct kvm_sregs *sp)
{
	const struct kvm_regs r = *rp;
	const struct kvm_sregs s = *sp;
	char line[256], a[120], b[120];
	uint64_t lin, pa;
	int n;

	snprintf(line, sizeof(line), "rip %016llx rsp %016llx rflags %08llx",
	         (unsigned long long)r.rip, (unsigned long long)r.rsp,
	         (unsigned long long)r.rflags);
	put(line);
	snprintf(line, sizeof(line), "rax %016llx rbx %016llx rcx %016llx rdx %016llx",
	         (unsigned long long)r.rax, (unsigned long long)r.rbx, (unsigned long long)r.rcx,
	         (unsigned long long)r.rdx);
	put(line);
	snprintf(line, sizeof(line), "rsi %016llx rdi %016llx rbp %016llx",
	         (unsigned long long)r.rsi, (unsigned long long)r.rdi, (unsigned long long)r.rbp);
	put(line);
	snprintf(line, sizeof(line), "cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx",
	         (unsigned long long)s.cr0, (unsigned long long)s.cr2, (unsigned long long)s.cr3,
	         (unsigned long long)s.cr4, (unsigned long long)s.efer);
	put(line);
	seg_line(a, sizeof(a), "cs", &s.cs);
	seg_line(b, sizeof(b), "ss", &s.ss);
	snprintf(line, sizeof(line), "%s; %s", a, b);
	put(line);

	lin = dump_rip_linear(&r, &s);
	n = snprintf(line, sizeof(line), "code at rip:");
	for (int i = 0; i < 16; i++) {
		if (dump_translate(ram, ram_size, &s, lin + (uint64_t)i, &pa) < 0 || pa >= ram_size)
			break;
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %02x", ram[pa]);
	}
	if (n == (int)strlen("code at rip:"))
		snprintf(line + n, sizeof(line) - (size_t)n, " not readable (linear %llx)",
		         (unsigned long long)lin);
	put(line);
}

void dump_vcpu(const struct vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (vm->vcpu_fd < 0 || ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		put("(registers unavailable)");
		return;
	}
	dump_state(vm->ram, vm->ram_size, &r, &s);
}
