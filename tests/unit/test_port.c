/*
 * Port I/O dispatch without a VM: lde's calls, isa-debug-exit, the probed
 * ports, the UART through its ports, and everything nothing serves.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lde/ports.h>
#include <lde/status.h>

#include "vmm.h"
#include "unit.h"

#define C VM_CONTINUE

struct port_case {
	const char *name;
	uint16_t port;
	bool out;
	unsigned size, count;
	uint32_t data[4]; /* in: what the guest writes; out: what it reads */
	int status;
};

static const struct port_case cases[] = {
    {"lde id: in32 reads the magic", LDE_PORT_ID, false, 4, 1, {LDE_MAGIC}, C},
    {"lde id: in8 refused", LDE_PORT_ID, false, 1, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde id: in16 refused", LDE_PORT_ID, false, 2, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde id: out32 refused", LDE_PORT_ID, true, 4, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde id: string in32 x3", LDE_PORT_ID, false, 4, 3, {LDE_MAGIC, LDE_MAGIC, LDE_MAGIC}, C},
    {"lde exit: status 0", LDE_PORT_EXIT, true, 4, 1, {0}, 0},
    {"lde exit: status 7", LDE_PORT_EXIT, true, 4, 1, {7}, 7},
    {"lde exit: status 255", LDE_PORT_EXIT, true, 4, 1, {255}, 255},
    {"lde exit: status 256 refused", LDE_PORT_EXIT, true, 4, 1, {256}, LDE_VMM_EXIT_BADCALL},
    {"lde exit: status 0xffffffff refused",
     LDE_PORT_EXIT,
     true,
     4,
     1,
     {0xffffffff},
     LDE_VMM_EXIT_BADCALL},
    {"lde exit: out8 refused", LDE_PORT_EXIT, true, 1, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde exit: in32 refused", LDE_PORT_EXIT, false, 4, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde exit: string out32 ends at the first", LDE_PORT_EXIT, true, 4, 2, {5, 9}, 5},
    {"lde tsc khz: in32", LDE_PORT_TSC_KHZ, false, 4, 1, {2299998}, C},
    {"lde nop: out32", LDE_PORT_NOP, true, 4, 1, {0x1234}, C},
    {"lde nop: in32 reads 0", LDE_PORT_NOP, false, 4, 1, {0}, C},
    {"lde nop: out16 refused", LDE_PORT_NOP, true, 2, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde trace setup: in32 reads 0 (not tracing)", LDE_PORT_TRACE_SETUP, false, 4, 1, {0}, C},
    {"lde trace setup: 0 turns it off", LDE_PORT_TRACE_SETUP, true, 4, 1, {0}, C},
    {"lde trace setup: a page in RAM", LDE_PORT_TRACE_SETUP, true, 4, 1, {0x200000}, C},
    {"lde trace setup: unaligned refused",
     LDE_PORT_TRACE_SETUP,
     true,
     4,
     1,
     {0x200010},
     LDE_VMM_EXIT_BADCALL},
    {"lde trace setup: below RAM refused",
     LDE_PORT_TRACE_SETUP,
     true,
     4,
     1,
     {0x1000},
     LDE_VMM_EXIT_BADCALL},
    {"lde trace setup: past RAM refused",
     LDE_PORT_TRACE_SETUP,
     true,
     4,
     1,
     {0x1000000},
     LDE_VMM_EXIT_BADCALL},
    {"lde trace drain: out32", LDE_PORT_TRACE_DRAIN, true, 4, 1, {0}, C},
    {"lde trace drain: in32 refused", LDE_PORT_TRACE_DRAIN, false, 4, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde console: in32 reads PRESENT (stdin no terminal: no input thread here)",
     LDE_PORT_CONSOLE, false, 4, 1, {LDE_CONSOLE_F_PRESENT}, C},
    {"lde console: out8 refused", LDE_PORT_CONSOLE, true, 1, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde unassigned 0x1de7 in32", LDE_PORT_BASE + 7, false, 4, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"lde unassigned 0x1def out32", LDE_PORT_BASE + 15, true, 4, 1, {0}, LDE_VMM_EXIT_BADCALL},
    {"below lde's range: 0x1ddf", LDE_PORT_BASE - 1, false, 4, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"above lde's range: 0x1df0", LDE_PORT_BASE + 16, true, 4, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"debug exit: out8 0x15 -> 43", 0xf4, true, 1, 1, {0x15}, 43},
    {"debug exit: out8 0 -> 1", 0xf4, true, 1, 1, {0}, 1},
    {"debug exit: out8 0x7f -> 255", 0xf4, true, 1, 1, {0x7f}, 255},
    {"debug exit: out32 0x80 -> low 8 bits of 0x101", 0xf4, true, 4, 1, {0x80}, 1},
    {"debug exit: out16 at 0xf5", 0xf5, true, 2, 1, {0x10}, 33},
    {"debug exit: in8 reads all-ones", 0xf4, false, 1, 1, {0xff}, C},
    /* Found by tests/fuzz ("port"): the value was read from no data. */
    {"debug exit: out8 of no elements (count 0) writes nothing", 0xf4, true, 1, 0, {0}, C},
    {"probed: CMOS data in8", 0x71, false, 1, 1, {0xff}, C},
    {"probed: PCI config data in32", 0xcfc, false, 4, 1, {0xffffffff}, C},
    {"probed: PCI config address out32", 0xcf8, true, 4, 1, {0x80000000}, C},
    {"probed: POST code out8", 0x80, true, 1, 1, {0x55}, C},
    {"probed: COM2 LSR in8", 0x2fd, false, 1, 1, {0xff}, C},
    {"probed: i8042 status in8", 0x64, false, 1, 1, {0xff}, C},
    {"probed: string in8 x2 from VGA", 0x3da, false, 1, 2, {0xffff}, C},
    {"COM1 LSR in8", 0x3fd, false, 1, 1, {0x60}, C},
    {"COM1 LSR+MSR in16", 0x3fd, false, 2, 1, {0xb060}, C},
    {"COM1 SCR in32 runs past COM1", 0x3ff, false, 4, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"unknown: in8 0x1234", 0x1234, false, 1, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"unknown: out32 0x5000", 0x5000, true, 4, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"unknown: PIT 0x40 (lde has none)", 0x40, false, 1, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"unknown: out32 at 0xf2 overlapping 0xf4", 0xf2, true, 4, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"unknown: 0x61 next to a probed port", 0x60, false, 2, 1, {0}, LDE_VMM_EXIT_BADPORT},
    {"unknown: odd access size", 0x3f8, false, 3, 1, {0}, LDE_VMM_EXIT_BADPORT},
};

static struct vm vm = {.kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1};
static int out_pipe[2] = {-1, -1};

static void setup_vm(void)
{
	if (out_pipe[0] >= 0)
		return;
	msg_quiet = true;
	assert_int_equal(pipe2(out_pipe, O_NONBLOCK), 0);
	vm.ram_size = 16u << 20;
	vm.tsc_khz = 2299998;
	console_init(&vm, out_pipe[1]);
}

static void run(void **state)
{
	const struct port_case *k = *state;
	uint8_t data[16];
	int st;

	setup_vm();
	memset(data, 0xcc, sizeof(data));
	if (k->out)
		memcpy(data, k->data, sizeof(data));
	st = port_io(&vm, k->port, k->out, k->size, k->count, data);
	assert_int_equal(st, k->status);
	if (!k->out && st == C) {
		for (unsigned i = 0; i < k->count; i++) {
			uint32_t got = 0, want = k->data[i];

			if (k->size == 1 && k->count > 1) /* bytes packed */
				want = (k->data[0] >> (8 * i)) & 0xff, got = data[i];
			else
				memcpy(&got, data + i * k->size, k->size);
			assert_int_equal(got, want);
		}
	}
}

static void uart_output(void **state)
{
	char buf[16];
	uint8_t b;

	(void)state;
	setup_vm();
	while (read(out_pipe[0], buf, sizeof(buf)) > 0)
		;
	b = 'o';
	assert_int_equal(port_io(&vm, 0x3f8, true, 1, 1, &b), C);
	b = 'k';
	assert_int_equal(port_io(&vm, 0x3f8, true, 1, 1, &b), C);
	assert_int_equal(read(out_pipe[0], buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "ok", 2);
	/* rep outsb: one byte per element. */
	assert_int_equal(port_io(&vm, 0x3f8, true, 1, 3, (uint8_t *)"abc"), C);
	assert_int_equal(read(out_pipe[0], buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
}

/* The console fast path: a buffer in guest RAM, and every way it can lie
 * outside it. */
static const struct console_case {
	const char *name;
	uint32_t at;  /* guest-physical address handed over */
	uint32_t len; /* the header's len */
	int status;
} console_cases[] = {
    {"lde console: 5 bytes reach the output", 0x200000, 5, C},
    {"lde console: 0 bytes", 0x200000, 0, C},
    {"lde console: LDE_CONSOLE_MAX bytes", 0x200000, LDE_CONSOLE_MAX, C},
    {"lde console: one more than the max refused", 0x200000, LDE_CONSOLE_MAX + 1, LDE_VMM_EXIT_BADCALL},
    {"lde console: header below RAM refused", 0x1000, 1, LDE_VMM_EXIT_BADCALL},
    {"lde console: header past RAM refused", 16u << 20, 1, LDE_VMM_EXIT_BADCALL},
    {"lde console: header straddles RAM's end", (16u << 20) - 4, 1, LDE_VMM_EXIT_BADCALL},
    {"lde console: data runs past RAM's end", (16u << 20) - 16, 9, LDE_VMM_EXIT_BADCALL},
    {"lde console: data ends at RAM's end", (16u << 20) - 16, 8, C},
    {"lde console: huge len", 0x200000, 0xffffffffu, LDE_VMM_EXIT_BADCALL},
};

static void console_call(void **state)
{
	const struct console_case *k = *state;
	static uint8_t *ram;
	char buf[LDE_CONSOLE_MAX + 1];
	ssize_t n, got = 0;
	uint8_t data[4];

	setup_vm();
	if (!ram)
		ram = calloc(1, 16u << 20);
	assert_non_null(ram);
	vm.ram = ram;
	while (read(out_pipe[0], buf, sizeof(buf)) > 0)
		;
	if (k->at + 8ull <= (16u << 20)) {
		memcpy(ram + k->at, &k->len, 4);
		for (uint32_t i = 0; i < k->len && k->at + 8ull + i < (16u << 20); i++)
			ram[k->at + 8 + i] = (uint8_t)('a' + i % 26);
	}
	memcpy(data, &k->at, 4);
	assert_int_equal(port_io(&vm, LDE_PORT_CONSOLE, true, 4, 1, data), k->status);
	while ((n = read(out_pipe[0], buf, sizeof(buf))) > 0)
		got += n;
	assert_int_equal(got, k->status == C ? (ssize_t)k->len : 0);
	vm.ram = NULL;
}

/* The host's input ends: the guest sees DCD drop through COM1's MSR
 * (after everything received), then no carrier for good. */
static void console_hangup(void **state)
{
	static const struct {
		uint16_t port;
		uint8_t want;
	} steps[] = {
	    {0x3fe, 0xb0}, /* MSR: carrier, no change */
	    {0x3fd, 0x61}, /* LSR: the byte received before the end is there */
	    {0x3f8, 'q'},  /* RBR */
	    {0x3fe, 0x38}, /* MSR: DDCD, no DCD */
	    {0x3fd, 0x60}, /* LSR: nothing more */
	    {0x3fe, 0x30}, /* MSR: still no carrier, the change reported once */
	};
	uint8_t b;

	(void)state;
	setup_vm();
	b = 0x08; /* IER: EDSSI */
	assert_int_equal(port_io(&vm, 0x3f9, true, 1, 1, &b), C);
	b = 0xff;
	assert_int_equal(port_io(&vm, 0x3fe, false, 1, 1, &b), C);
	assert_int_equal(b, steps[0].want);
	console_receive(&vm, 'q');
	console_input_ended(&vm);
	for (size_t i = 1; i < sizeof(steps) / sizeof(steps[0]); i++) {
		b = 0xff;
		assert_int_equal(port_io(&vm, steps[i].port, false, 1, 1, &b), C);
		assert_int_equal(b, steps[i].want);
	}
	b = 0;
	assert_int_equal(port_io(&vm, 0x3f9, true, 1, 1, &b), C);
}

void port_tests(struct unit_list *l)
{
	for (size_t i = 0; i < sizeof(console_cases) / sizeof(console_cases[0]); i++)
		unit_add(l, "port", console_cases[i].name, console_call, (void *)&console_cases[i]);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		unit_add(l, "port", cases[i].name, run, &cases[i]);
	unit_add(l, "port", "COM1 THR writes reach the console output", uart_output, NULL);
	unit_add(l, "port", "end of host input: DCD drops after the bytes received (last: it stays)",
	         console_hangup, NULL);
}
