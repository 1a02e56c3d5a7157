/*
 * defs.h: the kernel's functions, by the file that owns them (xv6 style).
 */
#ifndef DEFS_H
#define DEFS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* -std=c11 reserves only __asm__; the kernel spells it asm. */
#ifndef asm
#define asm __asm__
#endif

struct trapframe;
struct hvm_memmap_table_entry;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define noreturn      _Noreturn

/* console.c */
void console_write(const char *s, size_t n);
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern volatile int panicking;
#define assert(c)                                                                                  \
	do {                                                                                       \
		if (!(c))                                                                          \
			panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__);             \
	} while (0)
#define BUG() asm volatile("ud2")

/* kprintf.c */
typedef void (*putfn)(void *arg, const char *s, size_t n);
void kvformat(putfn put, void *arg, const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* uart.c */
void uart_init(void);
void uart_write(const char *s, size_t n);
int uart_getc(void);
void uart_thre_irq(bool on);
void uart_rx_irq(bool on);
int uart_carrier(void);
bool uart_rx_ready(void);

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);
void *memrchr(const void *s, int c, size_t n);

/* cpu.c */
struct cpu_features {
	bool nx, pge, pdpe1gb, x2apic, tsc_deadline, invariant_tsc, hypervisor;
	char vendor[13];
	uint32_t max_leaf, max_ext_leaf;
};
extern struct cpu_features cpu;
void cpu_init(void);

/* gdt.c */
void gdt_init(void);
void tss_set_rsp0(uint64_t rsp0);
#define IST_STACK 8192
extern char ist_nmi_stack[IST_STACK];

/* trap.c */
void trap_init(void);
void syscall_init(void);
void trap(struct trapframe *tf);
void irq_register(int irq, void (*fn)(void));
extern volatile uint64_t ticks;
extern volatile uint64_t nmi_count;
extern volatile uint64_t nmi_rsp;
void trap_dump(const struct trapframe *tf);
const char *trap_name(uint64_t vector);

/* extable.c: the expected-fault mechanism */
struct kfault {
	uint64_t vector, error, cr2, rip;
};
extern struct kfault kfault_last;
bool extable_fixup(struct trapframe *tf);

/* probe.asm: accesses that may fault, each covered by an extable entry;
 * 0 on success, -EFAULT when a fault was caught (kfault_last says which) */
int probe_read64(const void *addr, uint64_t *val);
int probe_write8(void *addr, uint8_t val);
int probe_ud2(void);
int probe_exec_data(void);
int copy_guarded(void *dst, const void *src, size_t n);
extern char probe_ud2_insn[], probe_read64_insn[], probe_write8_insn[];
extern char nx_probe_target[];

/* pvh.c: the start info, checked and copied at boot */
#define BOOT_MAXMEMMAP 64
#define BOOT_MAXMODS   8
#define BOOT_CMDLINE   4096
struct bootmod {
	uint64_t pa, size;
};
struct bootinfo {
	uint64_t start_pa;
	uint32_t version, flags;
	uint32_t nmemmap, nmods;
	struct hvm_memmap_table_entry *memmap; /* -> memmap_copy */
	struct bootmod mods[BOOT_MAXMODS];
	char cmdline[BOOT_CMDLINE];
	size_t cmdline_len;
	bool cmdline_truncated;
	uint64_t ram_top;   /* highest end of a RAM entry */
	uint64_t ram_bytes; /* sum of RAM entries */
	/* physical ranges the loader's data occupied: kalloc keeps off them */
	uint64_t used[4 + 2 * BOOT_MAXMODS][2];
	int nused;
};
extern struct bootinfo boot;
void pvh_init(uint64_t start_pa);
void pvh_print_memmap(void);
const char *memmap_type_name(uint32_t type);

/* platform.c: which VMM we run on, and how to leave it */
extern bool on_lde;
void platform_init(void);
noreturn void poweroff(int status);

/* cmdline.c */
#define CMD_MAXARGS 64
struct kopts {
	bool selftest;
	const char *selftest_name; /* selftest=NAME, or NULL */
	bool quiet;
	uint32_t hz, slice_ms;
	uint64_t expect_mem; /* selftest: RAM the loader was told, 0 = not given */
	int expect_args;     /* selftest: user words expected, -1 = not given */
	int nopts;           /* words consumed as kernel options */
	const char *opt[CMD_MAXARGS];
	int argc; /* the first user program and its arguments */
	const char *argv[CMD_MAXARGS + 1];
	int bad; /* malformed kernel options, reported at boot */
};
extern struct kopts kopts;
int cmdline_split(const char *line, char *pool, size_t poolsize, const char **words, int max);
void cmdline_init(const char *line);
void cmdline_print(void);
int parse_size(const char *s, uint64_t *out);
void print_quoted(const char *prefix, const char *s); /* prefix"s"\n */

/* kalloc.c */
void kalloc_init(void);
uint64_t kalloc(void); /* a physical page, contents undefined; 0 if none */
void kfree(uint64_t pa);
uint64_t kalloc_zeroed(void);
uint64_t kalloc_free_pages(void);
uint64_t kalloc_total_pages(void);
uint64_t kalloc_ptpage(void);
void kfree_ptpage(uint64_t pa);
uint64_t kalloc_avail_pages(void);
void kref_init(uint64_t pa);
void kref_inc(uint64_t pa);
unsigned kref_get(uint64_t pa);
unsigned kref_dec(uint64_t pa);
void kalloc_print(void);
bool kalloc_overlaps(uint64_t lo, uint64_t hi);

/* vm.c */
typedef uint64_t pte_t;
extern pte_t *kpml4;
extern uint64_t pte_nx;
void vm_init(void);
pte_t *vm_walk(pte_t *pml4, uint64_t va, bool alloc);
int vm_map(pte_t *pml4, uint64_t va, uint64_t pa, uint64_t len, uint64_t perm);
int vm_unmap(pte_t *pml4, uint64_t va, uint64_t len, bool free_pages);
uint64_t vm_translate(pte_t *pml4, uint64_t va);
pte_t *vm_new(void);
void vm_free(pte_t *pml4);
void vm_activate(pte_t *pml4);

/* lapic.c (lapic.h: registers, lapic_eoi) */
void lapic_init(void);
void lapic_calibrate_begin(void);
void lapic_timer_start(uint32_t hz);
uint32_t lapic_id(void);
void lapic_self_nmi(void);
extern uint64_t lapic_timer_khz;
extern uint32_t lapic_timer_count;
extern uint32_t timerlat_n;
extern bool timerlat_armed;
int timerlat_set(const char *val);
void timerlat_record(void);
long timerlat_read(uint64_t ubuf, uint64_t n);

/* ioapic.c */
void ioapic_init(void);
void ioapic_route(int irq, int vector, bool masked);

/* pic.c */
void pic_disable(void);

/* pit.c (QEMU and other PC-like VMMs only: never under lde's vmm) */
uint64_t pit_measure_tsc_khz(void);

/* tsc.c */
extern uint64_t tsc_khz;
extern const char *tsc_source;
void tsc_init(void);
uint64_t tsc_to_us(uint64_t cycles);

/* selftest.c */
noreturn void selftest_run(const char *name);

/* main.c */
extern uint64_t boot_tsc_entry;
void phase_done(const char *name);

/* Linker symbols (kernel.ld). */
extern char _boot_start[], _boot_end[], _text[], _etext[], _rodata[], _erodata[];
extern char _data[], _end[], _kernbase_ld[];
extern char __extable_start[], __extable_end[];

#endif
