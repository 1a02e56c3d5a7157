/*
 * t_mem.c: memory protection (issue 3): bad accesses, privileged
 * instructions, the stack guard, sbrk, and the heap across fork.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

#define KERNEL_ADDR  0xffffffff80100000ul /* the kernel image */
#define PHYSMAP_ADDR 0xffff800000000000ul /* the kernel's map of all RAM */
#define USER_TOP     0x7ffffffff000ul     /* the last user page is unmapped */

static const char rodata_byte[] = "read-only";
static unsigned char data_ret[16] = {0xc3}; /* `ret`, in a RW page */

static void a_kernel_read(void)
{
	(void)*(volatile long *)KERNEL_ADDR;
}
static void a_kernel_write(void)
{
	*(volatile long *)KERNEL_ADDR = 0;
}
static void a_kernel_exec(void)
{
	((void (*)(void))KERNEL_ADDR)();
}
static void a_physmap_read(void)
{
	(void)*(volatile long *)PHYSMAP_ADDR;
}
static void a_physmap_write(void)
{
	*(volatile long *)(PHYSMAP_ADDR + 0x100000) = 0;
}
static void a_noncanon_write(void)
{
	*(volatile long *)0xdead000000000000ul = 0;
}
static void a_top_page(void)
{
	(void)*(volatile long *)USER_TOP;
}
static void a_below_text(void)
{
	(void)*(volatile long *)0x3ff000ul;
}
static void a_text_write(void)
{
	*(volatile unsigned char *)(uintptr_t)a_text_write = 0x90;
}
static void a_rodata_write(void)
{
	*(volatile char *)rodata_byte = 'X';
}
static void a_data_exec(void)
{
	((void (*)(void))(uintptr_t)data_ret)();
}
static void a_stack_exec(void)
{
	volatile unsigned char code[16] = {0xc3};
	((void (*)(void))(uintptr_t)code)();
}
static void a_heap_exec(void)
{
	unsigned char *code = malloc(16);
	code[0] = 0xc3;
	((void (*)(void))(uintptr_t)code)();
}

static const struct {
	const char *name;
	void (*fn)(void);
} accesses[] = {
	{"read kernel", a_kernel_read},        {"write kernel", a_kernel_write},
	{"execute kernel", a_kernel_exec},     {"read physmap", a_physmap_read},
	{"write physmap", a_physmap_write},    {"write non-canonical", a_noncanon_write},
	{"read last user page", a_top_page},   {"read below 0x400000", a_below_text},
	{"write own text", a_text_write},      {"write rodata", a_rodata_write},
	{"execute data (NX)", a_data_exec},    {"execute stack (NX)", a_stack_exec},
	{"execute heap (NX)", a_heap_exec},
};

/* Run fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int st;
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

int t_memfault(void)
{
	for (size_t i = 0; i < sizeof accesses / sizeof accesses[0]; i++) {
		int st = in_child(accesses[i].fn);
		CHECK(st != -1, "fork/wait: %s", strerror(errno));
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "%s: %s, want SIGSEGV",
		      accesses[i].name, ut_status(st));
	}
	/* We are intact: our text and rodata unchanged. */
	CHECK(strcmp(rodata_byte, "read-only") == 0, "rodata changed");
	return ut_pass();
}

/* Privileged instructions (ring 0 only, IOPL 0): each must fault. */
static void p_cli(void) { __asm__ volatile("cli"); }
static void p_sti(void) { __asm__ volatile("sti"); }
static void p_hlt(void) { __asm__ volatile("hlt"); }
static void p_in(void) { __asm__ volatile("inb $0x80, %%al" ::: "rax"); }
static void p_in_lde(void) { __asm__ volatile("movw $0x1de0, %%dx; inl %%dx, %%eax" ::: "rax", "rdx"); }
static void p_out_exit(void) { __asm__ volatile("movb $0, %%al; outb %%al, $0xf4" ::: "rax"); }
static void p_out_lde(void) { __asm__ volatile("movw $0x1de1, %%dx; xorl %%eax, %%eax; outl %%eax, %%dx" ::: "rax", "rdx"); }
static void p_insb(void) { static char b[4]; __asm__ volatile("movw $0x3f8, %%dx; lea %0, %%rdi; insb" : "=m"(b) :: "rdx", "rdi"); }
static void p_read_cr0(void) { __asm__ volatile("mov %%cr0, %%rax" ::: "rax"); }
static void p_write_cr3(void) { __asm__ volatile("xor %%eax, %%eax; mov %%rax, %%cr3" ::: "rax"); }
static void p_lgdt(void) { static char d[10]; __asm__ volatile("lgdt %0" : : "m"(d)); }
static void p_lidt(void) { static char d[10]; __asm__ volatile("lidt %0" : : "m"(d)); }
static void p_ltr(void) { __asm__ volatile("mov $0x28, %%ax; ltr %%ax" ::: "rax"); }
static void p_wrmsr(void) { __asm__ volatile("mov $0xc0000082, %%ecx; xor %%eax, %%eax; xor %%edx, %%edx; wrmsr" ::: "rax", "rcx", "rdx"); }
static void p_rdmsr(void) { __asm__ volatile("mov $0xc0000080, %%ecx; rdmsr" ::: "rax", "rcx", "rdx"); }
static void p_invlpg(void) { __asm__ volatile("invlpg (%%rsp)" ::: "memory"); }
static void p_swapgs(void) { __asm__ volatile("swapgs"); }
static void p_sysret(void) { __asm__ volatile("sysretq"); }
static void p_wbinvd(void) { __asm__ volatile("wbinvd"); }
static void p_clts(void) { __asm__ volatile("clts"); }
static void p_write_dr7(void) { __asm__ volatile("xor %%eax, %%eax; mov %%rax, %%dr7" ::: "rax"); }
static void p_int_0d(void) { __asm__ volatile("int $0x0d"); }
static void p_int_20(void) { __asm__ volatile("int $0x20"); }

static const struct {
	const char *name;
	void (*fn)(void);
} privileged[] = {
	{"cli", p_cli},           {"sti", p_sti},           {"hlt", p_hlt},
	{"in 0x80", p_in},        {"in lde id port", p_in_lde}, {"out 0xf4 (exit)", p_out_exit},
	{"out lde exit port", p_out_lde}, {"insb", p_insb},   {"mov cr0 -> rax", p_read_cr0},
	{"mov -> cr3", p_write_cr3}, {"lgdt", p_lgdt},       {"lidt", p_lidt},
	{"ltr", p_ltr},           {"wrmsr LSTAR", p_wrmsr}, {"rdmsr EFER", p_rdmsr},
	{"invlpg", p_invlpg},     {"swapgs", p_swapgs},     {"sysret", p_sysret},
	{"wbinvd", p_wbinvd},     {"clts", p_clts},         {"mov -> dr7", p_write_dr7},
	{"int 0x0d", p_int_0d},   {"int 0x20 (timer)", p_int_20},
};

int t_privileged(void)
{
	for (size_t i = 0; i < sizeof privileged / sizeof privileged[0]; i++) {
		int st = in_child(privileged[i].fn);
		CHECK(st != -1, "fork/wait: %s", strerror(errno));
		CHECK(WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGILL),
		      "%s: %s, want SIGSEGV or SIGILL", privileged[i].name, ut_status(st));
	}
	return ut_pass();
}

/* Recursion using ~1 KiB of stack per level. */
static int __attribute__((noinline)) deep(int n)
{
	volatile char frame[1000];
	frame[0] = (char)n;
	frame[999] = (char)n;
	if (n <= 0)
		return frame[0];
	return deep(n - 1) + frame[999];
}

static void use_64k(void)
{
	_exit(deep(64) == 64 * 65 / 2 ? 0 : 1); /* 1 + 2 + ... + 64 */
}

static void overflow(void)
{
	deep(1 << 30); /* 1 TiB of stack: must hit the guard */
}

int t_stack_usable(void)
{
	int st = in_child(use_64k);
	CHECK(st == 0, "64 KiB of stack: %s", ut_status(st));
	return ut_pass();
}

int t_stack_overflow(void)
{
	int st = in_child(overflow);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "runaway recursion: %s, want SIGSEGV",
	      ut_status(st));
	return ut_pass();
}

int t_sbrk_basic(void)
{
	char *start = sbrk(0);
	CHECK(start != (void *)-1 && (uintptr_t)start >= 0x400000, "sbrk(0) = %p", (void *)start);
	char *old = sbrk(1 << 20);
	CHECK(old == start, "sbrk(1 MiB) returned %p, want the old break %p", (void *)old,
	      (void *)start);
	CHECK(sbrk(0) == start + (1 << 20), "the break did not move by 1 MiB");
	memset(start, 0x5a, 1 << 20);
	for (int i = 0; i < (1 << 20); i += 4096)
		CHECK(start[i] == 0x5a, "heap byte %d lost", i);
	static const intptr_t absurd[] = {1l << 46, 0x7fffffffffffl, (intptr_t)1 << 62};
	for (size_t i = 0; i < sizeof absurd / sizeof absurd[0]; i++) {
		errno = 0;
		CHECK(sbrk(absurd[i]) == (void *)-1 && errno == ENOMEM, "sbrk(%#lx): errno %d",
		      (unsigned long)absurd[i], errno);
		CHECK(sbrk(0) == start + (1 << 20), "a failed sbrk moved the break");
	}
	errno = 0;
	CHECK(sbrk(-(intptr_t)(0x400000 + (1 << 24))) == (void *)-1, "sbrk below 0x400000 worked");
	CHECK(start[4096] == 0x5a, "heap changed");
	return ut_pass();
}

static char *freed_page;
static void touch_freed(void)
{
	*(volatile char *)freed_page = 1;
}

int t_sbrk_shrink(void)
{
	char *cur = sbrk(0);
	uintptr_t aligned = ((uintptr_t)cur + 4095) & ~(uintptr_t)4095;
	CHECK(sbrk((intptr_t)(aligned - (uintptr_t)cur) + 3 * 4096) != (void *)-1, "sbrk grow: %s",
	      strerror(errno));
	char *page = (char *)aligned + 2 * 4096;
	page[0] = 1;
	char *r = sbrk(-2 * 4096);
	NEED((long)r == -1 && errno == ENOSYS ? -ENOSYS : 0, "negative sbrk");
	CHECK(r != (void *)-1, "sbrk(-8192): %s", strerror(errno));
	CHECK(sbrk(0) == (char *)aligned + 4096, "break not lowered");
	freed_page = page;
	int st = in_child(touch_freed);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "touching memory given back by sbrk: %s, want SIGSEGV", ut_status(st));
	return ut_pass();
}

int t_malloc_stress(void)
{
	enum { SLOTS = 256, ROUNDS = 20000 };
	static unsigned char *p[SLOTS];
	static size_t len[SLOTS];
	srand(12345);
	for (int round = 0; round < ROUNDS; round++) {
		int i = rand() % SLOTS;
		if (p[i]) {
			for (size_t k = 0; k < len[i]; k++)
				CHECK(p[i][k] == (unsigned char)(i + k), "block %d byte %zu corrupted", i, k);
		}
		int op = rand() % 3;
		size_t n = (size_t)(rand() % 4 == 0 ? rand() % 70000 : rand() % 300);
		if (op == 0) {
			free(p[i]);
			p[i] = NULL;
			len[i] = 0;
		} else if (op == 1) {
			free(p[i]);
			p[i] = malloc(n);
			CHECK(p[i] || n == 0, "malloc(%zu) failed", n);
			len[i] = p[i] ? n : 0;
		} else {
			unsigned char *q = realloc(p[i], n + 1);
			CHECK(q, "realloc(%zu) failed", n + 1);
			p[i] = q;
			len[i] = len[i] < n + 1 ? len[i] : n + 1;
			for (size_t k = len[i]; k < n + 1; k++)
				q[k] = (unsigned char)(i + k);
			len[i] = n + 1;
		}
		if (op == 1)
			for (size_t k = 0; k < len[i]; k++)
				p[i][k] = (unsigned char)(i + k);
		CHECK(((uintptr_t)p[i] & 15) == 0, "malloc returned a misaligned %p", (void *)p[i]);
		if (round % 1000 == 0)
			CHECK(lde_malloc_check() == 0, "heap check failed at round %d", round);
	}
	for (int i = 0; i < SLOTS; i++)
		free(p[i]);
	CHECK(lde_malloc_check() == 0, "heap check failed at the end");
	struct lde_malloc_stats st;
	lde_malloc_stats(&st);
	CHECK(st.used_bytes == 0 || st.free_blocks <= 2, "%zu free blocks after freeing everything",
	      st.free_blocks);
	return ut_note("heap %zu KiB", st.heap_bytes / 1024);
}

int t_fork_bigheap(void)
{
	enum { SIZE = 4 << 20 };
	struct lde_sysinfo before, after;
	CHECK(lde_sysinfo(&before) == 0, "sysinfo: %s", strerror(errno));
	uint32_t *big = malloc(SIZE);
	CHECK(big, "malloc(4 MiB) failed");
	for (size_t i = 0; i < SIZE / 4; i++)
		big[i] = (uint32_t)(i * 2654435761u);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (size_t i = 0; i < SIZE / 4; i++)
			if (big[i] != (uint32_t)(i * 2654435761u))
				_exit(1);
		memset(big, 0, SIZE);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(st == 0, "child saw a wrong copy of the heap: %s", ut_status(st));
	for (size_t i = 0; i < SIZE / 4; i += 1024)
		CHECK(big[i] == (uint32_t)(i * 2654435761u), "the child's writes reached us");
	CHECK(lde_sysinfo(&after) == 0, "sysinfo: %s", strerror(errno));
	/* Our own 4 MiB are still allocated; the child's copy must be back. */
	long used = (long)before.pages_free - (long)after.pages_free;
	CHECK(used >= 0 && used <= (SIZE >> 12) + 64, "%ld pages gone after the child exited", used);
	return ut_pass();
}
