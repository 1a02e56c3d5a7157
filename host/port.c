/*
 * Port I/O from the guest, in order of how hot each path is: lde's call
 * range (the null hypercall is the benchmark's floor), the COM1 UART,
 * QEMU's isa-debug-exit at 0xf4, then the one table of ports PC guests
 * commonly probe (reads all-ones, writes ignored).  Anything else ends
 * the VM: one line naming port, direction and size, LDE_VMM_EXIT_BADPORT.
 *
 * Every value the guest hands over is checked; a bad lde call ends the VM
 * with one line and LDE_VMM_EXIT_BADCALL.
 */
#include <stdio.h>
#include <string.h>

#include <lde/ports.h>
#include <lde/status.h>

#include "layout.h"
#include "vmm.h"

/* ---- lde's calls: 32-bit in/out on LDE_PORT_BASE + n ---- */

struct lde_call {
	const char *name;
	int (*in)(struct vm *vm, uint32_t *v);
	int (*out)(struct vm *vm, uint32_t v);
};

static int id_in(struct vm *vm, uint32_t *v)
{
	(void)vm;
	*v = LDE_MAGIC;
	return VM_CONTINUE;
}

static int exit_out(struct vm *vm, uint32_t v)
{
	(void)vm;
	if (v > 255) {
		msg("port 0x%x (lde exit): status %u out of range 0..255", LDE_PORT_EXIT, v);
		return LDE_VMM_EXIT_BADCALL;
	}
	return (int)v;
}

static int tsc_khz_in(struct vm *vm, uint32_t *v)
{
	*v = vm->tsc_khz;
	return VM_CONTINUE;
}

static int nop_in(struct vm *vm, uint32_t *v)
{
	(void)vm;
	*v = 0;
	return VM_CONTINUE;
}

static int nop_out(struct vm *vm, uint32_t v)
{
	(void)vm;
	(void)v;
	return VM_CONTINUE;
}

/* Tracing: trace.c checks and drains the ring. */
static int trace_setup_in(struct vm *vm, uint32_t *v)
{
	(void)vm;
	*v = trace_setup_query();
	return VM_CONTINUE;
}

static int trace_setup_out(struct vm *vm, uint32_t v)
{
	return trace_setup(vm, v);
}

static int trace_drain_out(struct vm *vm, uint32_t v)
{
	(void)v;
	return trace_drain_call(vm);
}

/* What the console is: LDE_CONSOLE_F_PRESENT, and _TTY for a terminal. */
static int console_in(struct vm *vm, uint32_t *v)
{
	*v = console_flags(vm);
	return VM_CONTINUE;
}

/* The console fast path: [v, v + 8 + len) must lie in guest RAM. */

static int console_out(struct vm *vm, uint32_t v)
{
	const uint64_t hdr = sizeof(struct lde_console_buf);
	struct lde_console_buf b;

	if (v < LAYOUT_RAM_START || v > vm->ram_size || vm->ram_size - v < hdr) {
		msg("port 0x%x (lde console): buffer header at 0x%x not in guest RAM",
		    LDE_PORT_CONSOLE, v);
		return LDE_VMM_EXIT_BADCALL;
	}
	memcpy(&b, vm->ram + v, hdr);
	if (b.len > LDE_CONSOLE_MAX || vm->ram_size - v - hdr < b.len) {
		msg("port 0x%x (lde console): %u bytes at 0x%x: longer than %u or past guest RAM",
		    LDE_PORT_CONSOLE, b.len, v, LDE_CONSOLE_MAX);
		return LDE_VMM_EXIT_BADCALL;
	}
	console_write(vm, vm->ram + v + hdr, b.len);
	return VM_CONTINUE;
}

static const struct lde_call lde_calls[LDE_PORT_COUNT] = {
    [LDE_PORT_ID - LDE_PORT_BASE] = {"lde id", id_in, NULL},
    [LDE_PORT_EXIT - LDE_PORT_BASE] = {"lde exit", NULL, exit_out},
    [LDE_PORT_TSC_KHZ - LDE_PORT_BASE] = {"lde tsc khz", tsc_khz_in, NULL},
    [LDE_PORT_NOP - LDE_PORT_BASE] = {"lde nop", nop_in, nop_out},
    [LDE_PORT_TRACE_SETUP - LDE_PORT_BASE] = {"lde trace setup", trace_setup_in, trace_setup_out},
    [LDE_PORT_TRACE_DRAIN - LDE_PORT_BASE] = {"lde trace drain", NULL, trace_drain_out},
    [LDE_PORT_CONSOLE - LDE_PORT_BASE] = {"lde console", console_in, console_out},
};

static const char *dir_name(bool out)
{
	return out ? "out" : "in";
}

/* A string access (rep ins/outs) is count calls in a row: KVM may hand
 * it over whole or one element per exit, and the guest cannot tell. */
static int lde_call(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count,
                    uint8_t *data)
{
	const struct lde_call *c = &lde_calls[port - LDE_PORT_BASE];
	const bool served = out ? c->out != NULL : c->in != NULL;
	uint32_t v;
	int st = VM_CONTINUE;

	if (size != 4 || !served) {
		const char *name = c->name ? c->name : "lde, unassigned";

		if (!served)
			msg("port 0x%x (%s): %s%u; no such call", port, name, dir_name(out),
			    size * 8);
		else
			msg("port 0x%x (%s): %s%u; lde calls are 32-bit", port, name, dir_name(out),
			    size * 8);
		return LDE_VMM_EXIT_BADCALL;
	}
	for (uint32_t k = 0; k < count && st == VM_CONTINUE; k++, data += 4) {
		if (out) {
			memcpy(&v, data, 4);
			st = c->out(vm, v);
		} else {
			st = c->in(vm, &v);
			memcpy(data, &v, 4);
		}
	}
	return st;
}

/* ---- ports a PC guest commonly probes: reads all-ones, writes ignored,
 * as on a PC where nothing answers ---- */

static const struct {
	uint16_t first, last;
} probed[] = {
    {0x060, 0x060}, /* i8042 keyboard controller: data */
    {0x064, 0x064}, /* i8042: status/command */
    {0x070, 0x071}, /* CMOS/RTC index and data */
    {0x080, 0x080}, /* POST code, Linux's I/O delay */
    {0x092, 0x092}, /* system control port A (A20) */
    {0x0e9, 0x0e9}, /* Bochs/QEMU debug console */
    {0x0f4, 0x0f7}, /* isa-debug-exit: reads (writes exit, below) */
    {0x278, 0x27a}, /* LPT2 */
    {0x2e8, 0x2ef}, /* COM4 */
    {0x2f8, 0x2ff}, /* COM2 */
    {0x378, 0x37a}, /* LPT1 */
    {0x3b0, 0x3df}, /* VGA */
    {0x3e8, 0x3ef}, /* COM3 */
    {0x510, 0x511}, /* QEMU fw_cfg */
    {0xcf8, 0xcff}, /* PCI configuration mechanism 1 */
};

static bool is_probed(uint16_t port)
{
	for (unsigned i = 0; i < sizeof(probed) / sizeof(probed[0]); i++) {
		if (port >= probed[i].first && port <= probed[i].last)
			return true;
	}
	return false;
}

static int bad_port(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count)
{
	uint64_t rip;
	char where[40] = "";

	if (kvm_get_rip(vm, &rip) == 0)
		snprintf(where, sizeof(where), " (guest rip 0x%llx)", (unsigned long long)rip);
	if (count > 1)
		msg("port 0x%x: string %s%u of %u; nothing serves this port%s", port, dir_name(out),
		    size * 8, count, where);
	else
		msg("port 0x%x: %s%u; nothing serves this port%s", port, dir_name(out), size * 8,
		    where);
	return LDE_VMM_EXIT_BADPORT;
}

/* Byte-wide devices: an access of 2 or 4 bytes is split into bytes at
 * consecutive ports, as the ISA bus does. */
static int byte_io(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count,
                   uint8_t *data)
{
	/* Check every byte's port first: nothing happens unless all are
	 * served. */
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		if (!(p >= LDE_COM1_BASE && p < LDE_COM1_BASE + 8) && !is_probed(p))
			return bad_port(vm, port, out, size, count);
	}
	for (uint32_t k = 0; k < count; k++) {
		for (unsigned i = 0; i < size; i++) {
			uint16_t p = (uint16_t)(port + i);
			uint8_t *b = data + (size_t)k * size + i;

			if (p >= LDE_COM1_BASE && p < LDE_COM1_BASE + 8)
				console_access(vm, p - LDE_COM1_BASE, out, b);
			else if (!out)
				*b = 0xff;
		}
	}
	return VM_CONTINUE;
}

/* For --stats and --trace. */
const char *port_name(uint16_t port)
{
	static const char *const com1[8] = {"COM1 data", "COM1 IER", "COM1 IIR/FCR", "COM1 LCR",
	                                    "COM1 MCR",  "COM1 LSR", "COM1 MSR",     "COM1 SCR"};

	if ((uint16_t)(port - LDE_PORT_BASE) < LDE_PORT_COUNT)
		return lde_calls[port - LDE_PORT_BASE].name ? lde_calls[port - LDE_PORT_BASE].name
		                                            : "lde, unassigned";
	if (port >= LDE_COM1_BASE && port < LDE_COM1_BASE + 8)
		return com1[port - LDE_COM1_BASE];
	if (port >= LDE_PORT_DEBUG_EXIT && port < LDE_PORT_DEBUG_EXIT + 4)
		return "isa-debug-exit";
	return is_probed(port) ? "probed, nothing there" : "nothing there";
}

int port_io(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count, uint8_t *data)
{
	if ((uint16_t)(port - LDE_PORT_BASE) < LDE_PORT_COUNT)
		return lde_call(vm, port, out, size, count, data);
	if (size != 1 && size != 2 && size != 4)
		return bad_port(vm, port, out, size, count);
	if (out && count > 0 && port >= LDE_PORT_DEBUG_EXIT && port < LDE_PORT_DEBUG_EXIT + 4) {
		/* isa-debug-exit: V -> status (V << 1) | 1, low 8 bits.  No
		 * element (count 0, which KVM never hands over): no data to
		 * read, nothing written. */
		uint32_t v = 0;

		memcpy(&v, data, size);
		return (int)(((v << 1) | 1) & 0xff);
	}
	return byte_io(vm, port, out, size, count, data);
}
