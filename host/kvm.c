/*
 * KVM setup: /dev/kvm and the capabilities the vmm relies on, the VM with
 * its in-kernel irqchip (no PIT), guest RAM, and the single vCPU with the
 * host's supported CPUID.  Every failure ends the vmm with a one-line
 * cause and its documented status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <lde/status.h>

#include "layout.h"
#include "pvh.h"
#include "vmm.h"

#define KVM_DEV "/dev/kvm"

/* What the vmm needs from KVM, and why (for the message when missing). */
static const struct {
	int cap;
	const char *name, *why;
} needed_caps[] = {
    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", "the in-kernel LAPIC and IOAPIC"},
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest RAM"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", "the TSS KVM needs"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", "the guest's CPUID"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "stopping the vCPU"},
};

/* A failed ioctl: host resources (71) or KVM refusing (70). */
static int errno_status(int e)
{
	return e == ENOMEM || e == EMFILE || e == ENFILE || e == EAGAIN ? LDE_VMM_EXIT_OSERR
	                                                                : LDE_VMM_EXIT_INTERNAL;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

void kvm_open(struct vm *vm)
{
	int v;

	vm->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;

		if (e == ENOENT)
			die(LDE_VMM_EXIT_NOKVM,
			    "%s: %s; load KVM (modprobe kvm_intel or kvm_amd) and enable "
			    "virtualization in the firmware or hypervisor",
			    KVM_DEV, strerror(e));
		if (e == ENXIO || e == ENODEV)
			die(LDE_VMM_EXIT_NOKVM,
			    "%s: %s; no KVM module is loaded (modprobe kvm_intel or kvm_amd)",
			    KVM_DEV, strerror(e));
		if (e == EACCES || e == EPERM || e == EROFS)
			die(LDE_VMM_EXIT_NOPERM,
			    "%s: %s; add yourself to group kvm (sudo usermod -aG kvm $USER, then "
			    "log in again) or run as root",
			    KVM_DEV, strerror(e));
		die(errno_status(e), "%s: %s", KVM_DEV, strerror(e));
	}
	v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (v < 0)
		die(LDE_VMM_EXIT_KVMCAP, "%s: not a KVM device (KVM_GET_API_VERSION: %s)", KVM_DEV,
		    strerror(errno));
	if (v != KVM_API_VERSION)
		die(LDE_VMM_EXIT_KVMCAP, "%s: KVM API version %d, the vmm needs %d", KVM_DEV, v,
		    KVM_API_VERSION);
	for (unsigned i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, needed_caps[i].cap) <= 0)
			die(LDE_VMM_EXIT_KVMCAP,
			    "%s: KVM lacks %s (needed for %s); use a newer host kernel", KVM_DEV,
			    needed_caps[i].name, needed_caps[i].why);
	}
}

void kvm_create_vm(struct vm *vm, uint64_t ram_size)
{
	struct kvm_userspace_memory_region region;

	do
		vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0)
		die(errno_status(errno), "KVM_CREATE_VM: %s", strerror(errno));
	/* Before the vCPU exists: KVM's TSS in the MMIO hole, and the
	 * LAPIC/IOAPIC/PIC in the kernel.  No PIT: the guest learns the TSC
	 * rate from LDE_PORT_TSC_KHZ. */
	if (xioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)LAYOUT_KVM_TSS) < 0)
		die(errno_status(errno), "KVM_SET_TSS_ADDR: %s", strerror(errno));
	if (xioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, NULL) < 0)
		die(errno_status(errno), "KVM_CREATE_IRQCHIP: %s", strerror(errno));

	/* Guest RAM: reserved, not committed or touched; pages appear as
	 * the guest (or the loader) writes them. */
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		die(LDE_VMM_EXIT_OSERR, "guest RAM: cannot map %llu MiB: %s",
		    (unsigned long long)(ram_size >> 20), strerror(errno));
	vm->ram_size = ram_size;
	madvise(vm->ram, ram_size, MADV_DONTDUMP);

	region = (struct kvm_userspace_memory_region){
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = ram_size,
	    .userspace_addr = (uintptr_t)vm->ram,
	};
	if (xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(errno_status(errno), "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
}

/* KVM_GET_SUPPORTED_CPUID, growing the buffer until it fits. */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));

		if (!c)
			die(LDE_VMM_EXIT_OSERR, "CPUID table: out of memory");
		c->nent = n;
		if (xioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG)
			die(errno_status(errno), "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	}
	die(LDE_VMM_EXIT_INTERNAL, "KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
}

#define CPUID_1_ECX_HYPERVISOR (1u << 31)

void kvm_create_vcpu(struct vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	int sz, khz;

	do
		vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	while (vm->vcpu_fd < 0 && errno == EINTR);
	if (vm->vcpu_fd < 0)
		die(errno_status(errno), "KVM_CREATE_VCPU: %s", strerror(errno));
	sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run))
		die(LDE_VMM_EXIT_INTERNAL, "KVM_GET_VCPU_MMAP_SIZE: %d", sz);
	vm->run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die(LDE_VMM_EXIT_OSERR, "kvm_run: cannot map: %s", strerror(errno));
	vm->run_size = (size_t)sz;

	cpuid = supported_cpuid(vm->kvm_fd);
	for (unsigned i = 0; i < cpuid->nent; i++) {
		if (cpuid->entries[i].function == 1)
			cpuid->entries[i].ecx |= CPUID_1_ECX_HYPERVISOR;
	}
	if (xioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		die(errno_status(errno), "KVM_SET_CPUID2: %s", strerror(errno));
	free(cpuid);

	/* Optional: without it the guest reads 0 and calibrates itself. */
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) > 0) {
		khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
		vm->tsc_khz = khz > 0 ? (uint32_t)khz : 0;
	}
}

void kvm_set_entry(struct vm *vm, uint32_t entry, uint32_t start_info)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (xioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die(errno_status(errno), "KVM_GET_SREGS: %s", strerror(errno));
	pvh_vcpu_state(&regs, &sregs, entry, start_info);
	if (xioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die(errno_status(errno), "KVM_SET_SREGS: %s", strerror(errno));
	if (xioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die(errno_status(errno), "KVM_SET_REGS: %s", strerror(errno));
}

/* An edge on an ISA interrupt line: raise, then lower. */
void kvm_irq_pulse(struct vm *vm, unsigned irq)
{
	struct kvm_irq_level l = {.irq = irq, .level = 1};

	if (vm->vm_fd < 0)
		return;
	if (xioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
		die(LDE_VMM_EXIT_INTERNAL, "KVM_IRQ_LINE %u: %s", irq, strerror(errno));
	l.level = 0;
	if (xioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
		die(LDE_VMM_EXIT_INTERNAL, "KVM_IRQ_LINE %u: %s", irq, strerror(errno));
}

int kvm_get_rip(const struct vm *vm, uint64_t *rip)
{
	struct kvm_regs r;

	if (vm->vcpu_fd < 0 || ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0)
		return -1;
	*rip = r.rip;
	return 0;
}
