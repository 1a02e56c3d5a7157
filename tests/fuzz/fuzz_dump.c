/*
 * Fuzz target "dump": the register dump's walk of the guest's own page
 * tables (dump.c), which runs on the guest's state after it crashed: any
 * paging mode, any CR3, any table contents, any RIP.
 *
 * Input: u64 CR0, CR3, CR4, EFER, CS base, RIP, another linear address;
 * u8 CS flags (bit 0 L, bit 1 D/B); the rest is guest RAM (its length is
 * the RAM size, in a buffer of exactly that size).
 *
 * Checks: no read outside RAM; with paging off the address is the low 32
 * bits; a translation keeps the page offset (4 KiB at least) and stays
 * below 2^52 (long mode, PAE) or 2^40 (32-bit, PSE-36); dump_state formats
 * the whole dump without overrunning its lines.
 */
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "fuzz.h"
#include "vmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CR0_PG   (1ull << 31)
#define EFER_LMA (1ull << 10)
#define CR4_PAE  (1ull << 5)

static void walk(const uint8_t *ram, uint64_t ram_size, const struct kvm_sregs *s, uint64_t va)
{
	uint64_t pa = 0xdeadbeef;

	if (dump_translate(ram, ram_size, s, va, &pa) < 0)
		return;
	if (!(s->cr0 & CR0_PG)) {
		FUZZ_CHECK(pa == (va & 0xffffffffull), "paging off: 0x%llx -> 0x%llx",
		           (unsigned long long)va, (unsigned long long)pa);
		return;
	}
	FUZZ_CHECK((pa & 0xfff) == (va & 0xfff), "page offset lost: 0x%llx -> 0x%llx",
	           (unsigned long long)va, (unsigned long long)pa);
	if ((s->efer & EFER_LMA) || (s->cr4 & CR4_PAE))
		FUZZ_CHECK(pa < (1ull << 52), "0x%llx -> 0x%llx beyond 52 bits",
		           (unsigned long long)va, (unsigned long long)pa);
	else
		FUZZ_CHECK(pa < (1ull << 40), "32-bit paging: 0x%llx -> 0x%llx beyond 40 bits",
		           (unsigned long long)va, (unsigned long long)pa);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = {data, size};
	struct kvm_regs r;
	struct kvm_sregs s;
	uint64_t va;
	uint8_t cs, *ram;
	const uint8_t *img;
	size_t n;

	msg_quiet = true;
	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	s.cr0 = fin_u64(&f);
	s.cr3 = fin_u64(&f);
	s.cr4 = fin_u64(&f);
	s.efer = fin_u64(&f);
	s.cs.base = fin_u64(&f);
	r.rip = fin_u64(&f);
	va = fin_u64(&f);
	cs = fin_u8(&f);
	s.cs.l = cs & 1;
	s.cs.db = (cs >> 1) & 1;
	s.cs.present = 1;
	img = fin_take(&f, f.n, &n);
	ram = malloc(n ? n : 1);
	memcpy(ram, img, n);

	walk(ram, n, &s, va);
	walk(ram, n, &s, dump_rip_linear(&r, &s));
	dump_state(ram, n, &r, &s);
	free(ram);
	return 0;
}
