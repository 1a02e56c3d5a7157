/*
 * bench/rawkvm.c: the raw KVM floors lde's vmm is measured against.  A
 * minimal VM set up the way lde's vmm sets its up (TSS address, in-kernel
 * irqchip, 128 MiB of MAP_NORESERVE RAM, one vCPU with the supported
 * CPUID), entered directly in 64-bit long mode (no real-mode code, which
 * is slow on kvm_pvm), running the code in rawkvm_guest.asm.
 *
 *   rawkvm pio   [-n N] [-3] [-g]
 *                             port-I/O exit round trips to this process, timed
 *                             on the host between consecutive exits; the host
 *                             loop only counts and re-enters.  -3: the guest
 *                             runs in ring 3 with IOPL 3 (no ring-0 code).
 *                             -g: timed by the guest instead, 16 exits per
 *                             sample, exactly as bench/bare.c times lde's
 *                             null hypercall (the like-for-like floor).
 *   rawkvm cpuid [-n N] [-3]  in-kernel CPUID exits, timed by the guest with
 *                             rdtsc (16 per sample), minus the same loop with
 *                             nop in place of cpuid; also prints the cost of
 *                             one guest instruction (xor or nop) in that ring
 *   rawkvm boot               the VM lifecycle floor: set up, one exit, exit(0)
 *   rawkvm hold               set up, run 1000 exits, print "rawkvm: ready",
 *                             wait for EOF on stdin (the harness reads smaps)
 *
 * Figures are BENCH lines (bench/PROTOCOL.md), in TSC cycles.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lde_bench.h"

#define RAWKVM_MEM      (128ull << 20)
#define RAWKVM_TSS      0xfffbd000u
#define RAWKVM_PML4     0x1000u
#define RAWKVM_PDPT     0x2000u
#define RAWKVM_PD       0x3000u
#define RAWKVM_CODE     0x100000u
#define RAWKVM_STACK    0x200000u
#define RAWKVM_BUF      0x400000u
#define RAWKVM_PORT_NOP 0x10
#define RAWKVM_PORT_END 0x11
#define RAWKVM_BLOCK    16 /* operations per guest-timed sample (asm BLOCK) */

extern const uint8_t rawkvm_pio[], rawkvm_pio_end[];
extern const uint8_t rawkvm_time_cpuid[], rawkvm_time_cpuid_end[];
extern const uint8_t rawkvm_time_nop[], rawkvm_time_nop_end[];
extern const uint8_t rawkvm_time_pio[], rawkvm_time_pio_end[];

struct vm {
	int kvm, fd, vcpu;
	uint8_t *mem;
	struct kvm_run *run;
};

static void die(const char *what)
{
	fprintf(stderr, "rawkvm: %s: %s\n", what, strerror(errno));
	exit(errno == ENOENT ? 69 : errno == EACCES ? 77 : 70);
}

static void xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg) < 0)
		die(what);
}

static void set_cpuid(struct vm *vm)
{
	int n = 256;
	struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof c->entries[0]);
	if (!c)
		die("calloc");
	c->nent = n;
	xioctl(vm->kvm, KVM_GET_SUPPORTED_CPUID, c, "KVM_GET_SUPPORTED_CPUID");
	xioctl(vm->vcpu, KVM_SET_CPUID2, c, "KVM_SET_CPUID2");
	free(c);
}

/* Identity map of the first GiB with 2 MiB pages; user-accessible when
 * the guest runs in ring 3. */
static void map_memory(struct vm *vm, int user)
{
	uint64_t *pml4 = (uint64_t *)(vm->mem + RAWKVM_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->mem + RAWKVM_PDPT);
	uint64_t *pd = (uint64_t *)(vm->mem + RAWKVM_PD);
	uint64_t u = user ? 4 : 0;
	pml4[0] = RAWKVM_PDPT | 3 | u;
	pdpt[0] = RAWKVM_PD | 3 | u;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | 0x83 | u; /* present, writable, 2 MiB */
}

static void long_mode(struct vm *vm, int ring)
{
	struct kvm_sregs s;
	xioctl(vm->vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	struct kvm_segment code = {
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = ring ? 0x23 : 0x08,
	    .type = 11,
	    .present = 1,
	    .dpl = (uint8_t)ring,
	    .db = 0,
	    .s = 1,
	    .l = 1,
	    .g = 1,
	};
	struct kvm_segment data = {
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = ring ? 0x1b : 0x10,
	    .type = 3,
	    .present = 1,
	    .dpl = (uint8_t)ring,
	    .db = 1,
	    .s = 1,
	    .l = 0,
	    .g = 1,
	};
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.tr = (struct kvm_segment){
	    .base = 0, .limit = 0x67, .selector = 0x28, .type = 11, .present = 1, .s = 0};
	s.cr3 = RAWKVM_PML4;
	s.cr4 = 1u << 5;                           /* PAE */
	s.cr0 = 0x80000000u | 0x10000u | 0x20 | 1; /* PG, WP, NE, PE */
	s.efer = 0x500;                            /* LME, LMA */
	xioctl(vm->vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
}

static void vm_create(struct vm *vm)
{
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		die("/dev/kvm");
	if (ioctl(vm->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM_GET_API_VERSION");
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, RAWKVM_TSS) < 0)
		die("KVM_SET_TSS_ADDR");
	xioctl(vm->fd, KVM_CREATE_IRQCHIP, NULL, "KVM_CREATE_IRQCHIP");
	vm->mem = mmap(NULL, RAWKVM_MEM, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap guest RAM");
	struct kvm_userspace_memory_region r = {
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = RAWKVM_MEM,
	    .userspace_addr = (uint64_t)(uintptr_t)vm->mem,
	};
	xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r, "KVM_SET_USER_MEMORY_REGION");
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		die("KVM_CREATE_VCPU");
	int sz = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof *vm->run)
		die("KVM_GET_VCPU_MMAP_SIZE");
	vm->run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run");
	set_cpuid(vm);
}

/* Loads code at RAWKVM_CODE and points the vCPU at it with the given
 * registers; ring 3 gets IOPL 3 so `out` needs no kernel. */
static void vm_start(struct vm *vm, const uint8_t *code, const uint8_t *end, int ring, uint64_t rdi,
                     uint64_t r10)
{
	memcpy(vm->mem + RAWKVM_CODE, code, (size_t)(end - code));
	map_memory(vm, ring != 0);
	long_mode(vm, ring);
	struct kvm_regs r = {0};
	r.rip = RAWKVM_CODE;
	r.rsp = RAWKVM_STACK;
	r.rflags = 2 | (ring ? 3u << 12 : 0);
	r.rdi = rdi;
	r.r10 = r10;
	xioctl(vm->vcpu, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

/* Runs until the next exit, which must be port I/O; returns the port. */
static unsigned vm_exit(struct vm *vm)
{
	for (;;) {
		if (ioctl(vm->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		if (vm->run->exit_reason == KVM_EXIT_IO)
			return vm->run->io.port;
		fprintf(stderr, "rawkvm: unexpected exit reason %u (guest failed to run)\n",
		        vm->run->exit_reason);
		exit(70);
	}
}

static void emit(const char *name, uint64_t *v, size_t n, uint64_t iters, uint64_t ovh)
{
	struct lb_stats s;
	char line[256];
	lb_compute(v, n, iters, ovh, &s);
	lb_format(line, sizeof line, name, "tsc", &s);
	fputs(line, stdout);
}

static uint64_t *guest_timed(const uint8_t *code, const uint8_t *end, size_t n, int ring);

static void info(struct vm *vm)
{
	int khz = ioctl(vm->vcpu, KVM_GET_TSC_KHZ, 0);
	if (khz > 0)
		printf("BENCHINFO kvm_tsc_khz=%d\n", khz);
}

static int cmd_pio(size_t n, int ring, int by_guest)
{
	if (by_guest) {
		if (n * 16 > RAWKVM_MEM - RAWKVM_BUF)
			n = (RAWKVM_MEM - RAWKVM_BUF) / 16;
		uint64_t *v = guest_timed(rawkvm_time_pio, rawkvm_time_pio_end, n, ring);
		emit(ring ? "kvm.raw.pio.guest.ring3" : "kvm.raw.pio.guest", v, n, RAWKVM_BLOCK, 0);
		return 0;
	}
	struct vm vm;
	vm_create(&vm);
	vm_start(&vm, rawkvm_pio, rawkvm_pio_end, ring, 0, 0);
	uint64_t *v = calloc(n, sizeof *v);
	if (!v)
		die("calloc");
	for (int i = 0; i < 100; i++) /* warm up: fault in the pages */
		vm_exit(&vm);
	uint64_t t = lb_rdtsc();
	for (size_t i = 0; i < n; i++) {
		if (vm_exit(&vm) != RAWKVM_PORT_NOP)
			die("unexpected port");
		uint64_t now = lb_rdtsc();
		v[i] = now - t;
		t = now;
	}
	info(&vm);
	emit(ring ? "kvm.raw.pio.ring3" : "kvm.raw.pio", v, n, 1, 0);
	return 0;
}

/* Runs a TIMED routine for n samples; returns the per-sample deltas. */
static uint64_t *guest_timed(const uint8_t *code, const uint8_t *end, size_t n, int ring)
{
	struct vm vm;
	vm_create(&vm);
	vm_start(&vm, code, end, ring, RAWKVM_BUF, n);
	unsigned port;
	while ((port = vm_exit(&vm)) == RAWKVM_PORT_NOP) /* only re-enter */
		;
	if (port != RAWKVM_PORT_END)
		die("timing routine did not finish");
	uint64_t *v = calloc(n, sizeof *v);
	if (!v)
		die("calloc");
	const uint32_t *w = (const uint32_t *)(vm.mem + RAWKVM_BUF);
	for (size_t i = 0; i < n; i++, w += 4) {
		uint64_t t0 = (uint64_t)w[1] << 32 | w[0], t1 = (uint64_t)w[3] << 32 | w[2];
		v[i] = t1 - t0;
	}
	close(vm.vcpu);
	close(vm.fd);
	close(vm.kvm);
	munmap(vm.mem, RAWKVM_MEM);
	return v;
}

static int cmd_cpuid(size_t n, int ring)
{
	if (n * 16 > RAWKVM_MEM - RAWKVM_BUF)
		n = (RAWKVM_MEM - RAWKVM_BUF) / 16;
	uint64_t *nop = guest_timed(rawkvm_time_nop, rawkvm_time_nop_end, n, ring);
	uint64_t *cpu = guest_timed(rawkvm_time_cpuid, rawkvm_time_cpuid_end, n, ring);
	uint64_t *tmp = calloc(n, sizeof *tmp);
	if (!tmp)
		die("calloc");
	memcpy(tmp, nop, n * sizeof *tmp);
	lb_sort(tmp, n);
	uint64_t nop_med = tmp[(n - 1) / 2];
	/* nop block: 2 instructions (xor; nop) per operation. */
	emit(ring ? "kvm.raw.r3insn" : "kvm.raw.r0insn", nop, n, 2 * RAWKVM_BLOCK, 0);
	emit(ring ? "kvm.raw.cpuid.ring3" : "kvm.raw.cpuid", cpu, n, RAWKVM_BLOCK, nop_med);
	return 0;
}

static int cmd_boot(void)
{
	struct vm vm;
	vm_create(&vm);
	vm_start(&vm, rawkvm_pio, rawkvm_pio_end, 0, 0, 0);
	return vm_exit(&vm) == RAWKVM_PORT_NOP ? 0 : 70;
}

static int cmd_hold(void)
{
	struct vm vm;
	vm_create(&vm);
	vm_start(&vm, rawkvm_pio, rawkvm_pio_end, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		vm_exit(&vm);
	printf("rawkvm: ready\n");
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int ring = 0, gt = 0, opt;
	if (argc < 2) {
	usage:
		fprintf(stderr, "usage: rawkvm pio|cpuid|boot|hold [-n samples] [-3] [-g]\n");
		return 64;
	}
	optind = 2;
	while ((opt = getopt(argc, argv, "n:3g")) != -1) {
		if (opt == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (opt == '3')
			ring = 3;
		else if (opt == 'g')
			gt = 1;
		else
			goto usage;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "pio") == 0)
		return cmd_pio(n ? n : (gt ? 200 : 2000), ring, gt);
	if (strcmp(argv[1], "cpuid") == 0)
		return cmd_cpuid(n ? n : 200, ring);
	if (strcmp(argv[1], "boot") == 0)
		return cmd_boot();
	if (strcmp(argv[1], "hold") == 0)
		return cmd_hold();
	goto usage;
}
