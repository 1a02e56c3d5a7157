/*
 * bench/bare.c: the bare benchmark guest, a PVH ELF that needs no kernel.
 * It measures what lde's vmm costs per exit, and gives the boot and
 * memory figures a guest that does nothing else, on lde's vmm and on
 * QEMU alike.  Runs in ring 0, long mode, entered from bare-entry.asm.
 *
 * Command line (the first word that is one of these; "quick" anywhere
 * makes every benchmark short):
 *   (none)  print "bare: up", exit 0
 *   hold    print "bare: ready" and halt with interrupts off until killed
 *   nop     exit.nop: 32-bit out to LDE_PORT_NOP, the null hypercall (on
 *           QEMU an unbacked port, the same trip through QEMU's userspace)
 *   cpuid   exit.cpuid.kernel: cpuid minus the same loop with nop, and
 *           cpu.r0insn: one ring-0 register instruction
 *
 * Results are BENCH lines on COM1 (bench/PROTOCOL.md).  Exit: lde's exit
 * call where LDE_PORT_ID answers LDE_MAGIC (status passes through), else
 * isa-debug-exit 0xF4 (QEMU: status (V << 1) | 1).
 */
#include <stddef.h>
#include <stdint.h>

#include "lde/ports.h"
#include "lde/pvh.h"
#include "lde_bench.h"

#define BLOCK    16 /* operations per sample, unrolled */
#define NSAMPLES 256

static uint64_t samples[NSAMPLES], base[NSAMPLES];

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Both lde's vmm and QEMU take every byte written to THR at once. */
static void puts_(const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		outb(LDE_COM1_BASE, (uint8_t)s[i]);
}

static void say(const char *s)
{
	puts_(s, (size_t)-1);
}

static _Noreturn void bare_exit(int on_lde, uint8_t status)
{
	if (on_lde)
		outl(LDE_PORT_EXIT, status);
	else
		outb(LDE_PORT_DEBUG_EXIT, status);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void report(const char *name, uint64_t *v, size_t n, uint64_t iters, uint64_t ovh)
{
	struct lb_stats s;
	char line[160];
	lb_compute(v, n, iters, ovh, &s);
	size_t len = lb_format(line, sizeof line, name, "tsc", &s);
	puts_(line, len < sizeof line ? len : sizeof line - 1);
}

#define STR_(x) #x
#define STR(x)  STR_(x)

/* clang-format off: the asm templates read as the instruction sequences they are */
/* BLOCK null hypercalls between two TSC reads. */
static uint64_t time_nop(void)
{
	uint32_t lo0, hi0, lo1, hi1;
	__asm__ volatile(
	    "lfence; rdtsc; mov %%eax, %0; mov %%edx, %1\n\t"
	    "mov $" STR(LDE_PORT_NOP) ", %%edx\n\t"
	                              ".rept " STR(BLOCK) "\n\toutl %%eax, %%dx\n\t.endr\n\t"
	                                                  "lfence; rdtsc"
	    : "=&r"(lo0), "=&r"(hi0), "=a"(lo1), "=d"(hi1)
	    :
	    : "memory");
	return ((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0);
}

/* BLOCK x (xor eax,eax; OP) between two TSC reads. */
#define TIME_BLOCK(fn, op)                                                                         \
	static uint64_t fn(void)                                                                   \
	{                                                                                          \
		uint32_t lo0, hi0, lo1, hi1;                                                       \
		__asm__ volatile("lfence; rdtsc; mov %%eax, %0; mov %%edx, %1\n\t"                 \
		                 ".rept " STR(BLOCK) "\n\txor %%eax, %%eax\n\t" op "\n\t.endr\n\t" \
		                                     "lfence; rdtsc"                               \
		                 : "=&r"(lo0), "=&r"(hi0), "=a"(lo1), "=d"(hi1)                    \
		                 :                                                                 \
		                 : "rbx", "rcx", "memory");                                        \
		return ((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0);                  \
	}
TIME_BLOCK(time_cpuid, "cpuid")
TIME_BLOCK(time_xornop, "nop")
/* clang-format on */

static void bench_nop(size_t n)
{
	time_nop();
	for (size_t i = 0; i < n; i++)
		samples[i] = time_nop();
	report("exit.nop", samples, n, BLOCK, 0);
}

static void bench_cpuid(size_t n)
{
	time_xornop();
	for (size_t i = 0; i < n; i++)
		base[i] = time_xornop();
	time_cpuid();
	for (size_t i = 0; i < n; i++)
		samples[i] = time_cpuid();
	/* the nop block's median: lb_compute sorts base[] in place */
	struct lb_stats b;
	lb_compute(base, n, 2 * BLOCK, 0, &b);
	report("exit.cpuid.kernel", samples, n, BLOCK, b.med);
	report("cpu.r0insn", base, n, 2 * BLOCK, 0);
}

/* Does the NUL-terminated command line contain `w` as a word? */
static int has_word(const char *s, const char *w)
{
	while (*s) {
		while (*s == ' ')
			s++;
		const char *p = s, *q = w;
		while (*q && *p == *q)
			p++, q++;
		if (!*q && (*p == ' ' || *p == '\0'))
			return 1;
		while (*s && *s != ' ')
			s++;
	}
	return 0;
}

void bare_main(const struct hvm_start_info *si);

void bare_main(const struct hvm_start_info *si)
{
	int on_lde = inl(LDE_PORT_ID) == LDE_MAGIC;
	const char *cmd = "";
	if (si->magic == HVM_START_MAGIC_VALUE && si->cmdline_paddr &&
	    si->cmdline_paddr < (8u << 20))
		cmd = (const char *)(uintptr_t)si->cmdline_paddr;
	size_t n = has_word(cmd, "quick") ? 5 : 200;

	if (has_word(cmd, "hold")) {
		say("bare: ready\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	if (has_word(cmd, "nop"))
		bench_nop(n);
	else if (has_word(cmd, "cpuid"))
		bench_cpuid(n);
	else
		say("bare: up\n");
	bare_exit(on_lde, 0);
}
