/*
 * Fuzz target "elf_ram": the loader with any RAM size.  The input is a
 * 5-byte prefix, then the guest ELF:
 *
 *   u32  RAM size in bytes (any value up to 3 GiB + 4 KiB: sizes that are
 *        not page multiples and below 1 MiB included; the vmm's are 8M-3G)
 *   u8   bit 0: dirty RAM (elf_load clears the bss) instead of zeroed
 *
 * RAM is reserved, not committed, so 3 GiB costs what the segments touch;
 * a dirty load beyond 64 MiB of RAM is done zeroed (a bss memset of GiBs
 * per input would only measure page faults).
 */
#include "elf_check.h"

#define DIRTY_MAX (64ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = {data, size};
	uint64_t ram_size = fin_u32(&f) % (OPTS_MEM_MAX + 4096 + 1);
	bool dirty = fin_u8(&f) & 1;
	uint8_t *ram = fuzz_ram(ram_size);

	check_load(f.p, f.n, ram, ram_size, dirty && ram_size <= DIRTY_MAX);
	fuzz_ram_free(ram, ram_size);
	return 0;
}
