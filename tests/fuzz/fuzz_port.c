/*
 * Fuzz targets "port" and "port_json": the vmm's port-I/O exit handler
 * (port.c and what it calls: lde's calls, the console fast path, the
 * trace ring's setup and drain, COM1, isa-debug-exit, the probed ports)
 * driven with any port, size, direction, count and data, over a
 * guest-memory image, as a sequence of exits until one ends the VM; each
 * exit also goes through --stats and --trace as in the vmm's observed
 * exit loop (trace written as text, or as JSON in port_json).
 *
 * Input:
 *   u8   RAM size: 1 MiB + (1 + n % 64) pages, so RAM's end is reachable
 *   u16  image length L, then L bytes copied to guest RAM at 1 MiB (where
 *        guests put the buffers and rings they hand over)
 *   then exits, each:
 *     u16 port; u8 bit 0 out, bits 1-3 size (0..7; KVM gives 1, 2, 4);
 *     u16 count (KVM: 1, or a string access's length); size * count data
 *     bytes (the handler sees exactly those, in a buffer of their size)
 *
 * Checks: no memory error anywhere (RAM has guard pages at both ends; the
 * data buffer is exact); each exit returns VM_CONTINUE or a status
 * 0..255; reads of lde's ID port return LDE_MAGIC.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lde/ports.h>

#include "fuzz.h"
#include "fuzz_vm.h"
#include "layout.h"

#define RAM_MAX  (LAYOUT_RAM_START + 64 * 4096ull)
#define DATA_MAX 4096 /* KVM hands over one page of port data at most */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram_all;
	struct fin f = {data, size};
	struct vm *vm;
	uint64_t ram_size = LAYOUT_RAM_START + (1 + fin_u8(&f) % 64) * 4096ull;
	size_t len;
	const uint8_t *img;

	if (!ram_all) {
		ram_all = fuzz_ram(RAM_MAX);
#ifdef FUZZ_TRACE_JSON
		fuzz_vm_trace_json = true;
#endif
	}
	/* RAM ends at the guard page whatever its size. */
	vm = fuzz_vm_new(ram_all + (RAM_MAX - ram_size), ram_size);
	img = fin_take(&f, fin_u16(&f), &len);
	if (len > ram_size - LAYOUT_RAM_START)
		len = ram_size - LAYOUT_RAM_START;
	memcpy(vm->ram + LAYOUT_RAM_START, img, len);

	while (f.n) {
		const uint16_t port = fin_u16(&f);
		const uint8_t how = fin_u8(&f);
		const bool out = how & 1;
		const unsigned sz = (how >> 1) & 7;
		uint32_t count = fin_u16(&f);
		uint8_t *buf;
		size_t n;
		int st;

		if ((uint64_t)sz * count > DATA_MAX)
			count = sz ? DATA_MAX / sz : count;
		buf = malloc((size_t)sz * count ? (size_t)sz * count : 1);
		memcpy(buf, fin_take(&f, (size_t)sz * count, &n), n);
		memset(buf + n, 0, (size_t)sz * count - n);
		if ((size_t)sz * count == 0) {
			free(buf);
			buf = malloc(0); /* no byte of it may be touched */
		}
		st = fuzz_vm_port_exit(vm, port, out, sz, count, buf);
		FUZZ_CHECK(st == VM_CONTINUE || (st >= 0 && st <= 255), "port_io returned %d", st);
		if (st == VM_CONTINUE && port == LDE_PORT_ID && !out && sz == 4 && count > 0) {
			uint32_t v;
			memcpy(&v, buf, 4);
			FUZZ_CHECK(v == LDE_MAGIC, "lde id read 0x%x", v);
		}
		free(buf);
		if (st != VM_CONTINUE)
			break;
	}
	fuzz_vm_free(vm);
	memset(ram_all + RAM_MAX - ram_size, 0, ram_size);
	return 0;
}
