/*
 * ./vmm [options] guest.elf [-- guest command line]
 *
 * The order of work: options; the guest files read and checked (so a bad
 * ELF is reported even where KVM is missing); KVM, RAM, the image, boot
 * info and the vCPU; the console; then the exit loop until the guest
 * ends; then the trace closed and the stats printed (--trace, --stats).
 * Exit statuses are in include/lde/status.h and the README.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lde/status.h>

#include "elf.h"
#include "layout.h"
#include "opts.h"
#include "pvh.h"
#include "term.h"
#include "vmm.h"

#define FILE_MAX (1ull << 30) /* a guest ELF larger than this is not one */

/* Opens a regular file for reading and returns its size; dies on error. */
static int open_input(const char *path, const char *what, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(LDE_VMM_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		die(LDE_VMM_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		die(LDE_VMM_EXIT_NOINPUT, "%s: is a directory, not %s", path, what);
	if (!S_ISREG(st.st_mode))
		die(LDE_VMM_EXIT_NOINPUT, "%s: not a regular file, so not %s", path, what);
	*size = (uint64_t)st.st_size;
	return fd;
}

/* Reads exactly size bytes; dies if the file shrank or cannot be read. */
static void read_all(int fd, const char *path, uint8_t *buf, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		ssize_t n = pread(fd, buf + off, size - off > (1u << 30) ? (1u << 30) : size - off,
		                  (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(LDE_VMM_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
		if (n == 0)
			die(LDE_VMM_EXIT_NOINPUT, "%s: changed while being read", path);
		off += (uint64_t)n;
	}
}

/* Fds 0-2 that whoever started us closed get /dev/null, so that no file
 * the vmm opens (the ELF, /dev/kvm, the VM, the vCPU) takes their place
 * and receives guest output.  stdout's is read-only: guest output then
 * fails with EBADF, the documented error for a closed stdout. */
static void fill_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY) != fd)
			die(LDE_VMM_EXIT_OSERR, "fd %d closed and /dev/null not there to fill it", fd);
	}
}

static uint64_t page_up(uint64_t v)
{
	return (v + LAYOUT_PAGE - 1) & ~(uint64_t)(LAYOUT_PAGE - 1);
}

static uint64_t mib_up(uint64_t v)
{
	return (v + (1u << 20) - 1) >> 20;
}

/* A die() while the guest runs still closes the trace and prints the
 * stats (each does it once, on this thread only). */
static struct vm *observed_vm;
static void observe_at_exit(void)
{
	trace_finish(observed_vm);
	stats_report(observed_vm);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct elf_image img;
	struct vm vm = {.kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1};
	struct pvh_module initrd = {0};
	char err[256];
	uint8_t *image;
	uint64_t image_size, need;
	uint32_t start_info;
	int st, elf_fd, initrd_fd = -1;

	st = opts_parse(argc, argv, &o, err, sizeof(err));
	if (st != 0)
		die(st, "%s", err);
	if (o.action == OPTS_HELP) {
		fputs(opts_usage, stdout);
		return 0;
	}
	if (o.action == OPTS_VERSION) {
		printf("vmm (lde) %s\n", VMM_VERSION);
		return 0;
	}
	fill_std_fds();
	exit_install_signals();
	term_guard_crashes();

	/* The guest's files, checked before KVM is touched. */
	elf_fd = open_input(o.guest, "a guest ELF", &image_size);
	if (image_size > FILE_MAX)
		die(LDE_VMM_EXIT_BADELF, "%s: larger than 1G, not a guest kernel", o.guest);
	image = malloc(image_size ? image_size : 1);
	if (!image)
		die(LDE_VMM_EXIT_OSERR, "%s: out of memory reading it", o.guest);
	read_all(elf_fd, o.guest, image, image_size);
	close(elf_fd);
	if (elf_parse(image, image_size, LAYOUT_RAM_START, OPTS_MEM_MAX, &img, err, sizeof(err)) <
	    0)
		die(LDE_VMM_EXIT_BADELF, "%s: %s", o.guest, err);
	if (o.initrd)
		initrd_fd = open_input(o.initrd, "an initrd", &initrd.size);

	/* RAM for the image, the initrd at the top, and room to run. */
	need = page_up(img.hi) + page_up(initrd.size) + LAYOUT_SLACK;
	if (need > o.mem)
		die(LDE_VMM_EXIT_USAGE,
		    "--mem %lluM: too small for %s%s%s (image to %lluK, initrd %lluK, 4M free); "
		    "use --mem %lluM%s",
		    (unsigned long long)(o.mem >> 20), o.guest, o.initrd ? " and " : "",
		    o.initrd ? o.initrd : "", (unsigned long long)(img.hi >> 10),
		    (unsigned long long)(initrd.size >> 10), (unsigned long long)mib_up(need),
		    need > OPTS_MEM_MAX ? ", which is above the maximum 3G" : "");

	if (o.stats)
		stats_enable();
	if (o.trace)
		trace_open(o.trace, o.trace_mask);
	vm.observed = o.stats || o.trace;
	if (vm.observed) {
		observed_vm = &vm;
		atexit(observe_at_exit);
	}

	kvm_open(&vm);
	kvm_create_vm(&vm, o.mem);
	if (elf_load(image, image_size, vm.ram, vm.ram_size, ELF_RAM_ZEROED, &img, err,
	             sizeof(err)) < 0)
		die(LDE_VMM_EXIT_BADELF, "%s: %s", o.guest, err);
	free(image);
	if (o.initrd) {
		initrd.paddr = pvh_initrd_addr(vm.ram_size, initrd.size);
		read_all(initrd_fd, o.initrd, vm.ram + initrd.paddr, initrd.size);
		close(initrd_fd);
	}
	start_info = pvh_write_boot_info(vm.ram, vm.ram_size, o.cmdline, o.initrd ? &initrd : NULL);
	if (start_info == 0)
		die(LDE_VMM_EXIT_INTERNAL, "boot info: does not fit the layout");

	kvm_create_vcpu(&vm);
	kvm_set_entry(&vm, img.entry, start_info);
	console_init(&vm, 1);
	exit_set_run(vm.run);
	console_start_input(&vm);
	exit_arm_timeout(o.timeout);
	if (!o.no_sandbox)
		sandbox_enter(&vm); /* from here on, only what the loop needs */

	st = vcpu_loop(&vm);
	if (vm.observed) {
		trace_finish(&vm);
		stats_report(&vm);
	}
	vmm_exit(st);
}
