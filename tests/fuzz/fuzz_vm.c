/*
 * The exit handlers' vm without KVM (see fuzz_vm.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lde/trace.h>

#include "fuzz_vm.h"

bool fuzz_vm_trace_json;
static int null_fd = -1;
static struct kvm_run run; /* what KVM would have filled in */
static char trace_dir[] = "/tmp/lde-fuzz-XXXXXX", trace_path[64];

static void cleanup(void)
{
	unlink(trace_path);
	rmdir(trace_dir);
}

/* Once per process: the parts of the vmm with process-wide state. */
static void setup_once(struct vm *vm)
{
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		abort();
	msg_quiet = true;
	stats_enable();
	stats_start();
	if (fuzz_vm_trace_json) {
		/* trace.c writes JSON to a name ending in .json: a link to
		 * /dev/null. */
		if (!mkdtemp(trace_dir))
			abort();
		snprintf(trace_path, sizeof(trace_path), "%s/null.json", trace_dir);
		if (symlink("/dev/null", trace_path) != 0)
			abort();
		atexit(cleanup);
		trace_open(trace_path, LDE_TRACE_ALL);
	} else {
		trace_open("/dev/null", LDE_TRACE_ALL);
	}
	trace_start(vm);
}

struct vm *fuzz_vm_new(uint8_t *ram, uint64_t ram_size)
{
	static struct vm vm;

	vm = (struct vm){.kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1};
	vm.ram = ram;
	vm.ram_size = ram_size;
	vm.tsc_khz = 2299998;
	vm.run = &run;
	vm.run_size = sizeof(run);
	vm.observed = true;
	if (null_fd < 0)
		setup_once(&vm);
	console_init(&vm, null_fd); /* a fresh UART per input */
	return &vm;
}

int fuzz_vm_port_exit(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count,
                      uint8_t *data)
{
	uint64_t t_ret, t_done;
	int st;

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_IO;
	run.io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run.io.size = (uint8_t)size;
	run.io.port = port;
	run.io.count = count;
	t_ret = host_tsc();
	st = port_io(vm, port, out, size, count, data);
	t_done = host_tsc();
	stats_exit(vm, KVM_EXIT_IO, t_ret, t_done);
	return trace_exit(vm, KVM_EXIT_IO, t_ret, t_done, st);
}

void fuzz_vm_free(struct vm *vm)
{
	trace_setup(vm, 0); /* a bad ring just ends here */
	/* console.c's struct is private; it holds no other resources than
	 * its memory (the input thread never runs here). */
	free(vm->con);
	vm->con = NULL;
}
