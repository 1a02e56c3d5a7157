/*
 * Fuzz target "elf": the loader on arbitrary bytes, the whole input being
 * the guest ELF, into 16 MiB of guest RAM (the checks are in elf_check.h).
 * Each file is loaded twice: into zeroed RAM as the vmm does
 * (ELF_RAM_ZEROED), and into dirty RAM where elf_load must clear the bss.
 */
#include "elf_check.h"

#define RAM_SIZE (16ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;

	if (!ram)
		ram = fuzz_ram(RAM_SIZE);
	check_load(data, size, ram, RAM_SIZE, false);
	check_load(data, size, ram, RAM_SIZE, true);
	return 0;
}
