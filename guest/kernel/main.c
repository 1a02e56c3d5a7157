/*
 * main.c: kmain, called by entry.asm in 64-bit mode on the boot stack with
 * the boot page tables, interrupts off.
 *
 * Order matters: the VMM's identity (one port read; poweroff and the
 * console's setup need it), the console (everything reports through it),
 * the CPU, GDT and IDT (so a fault
 * from here on is reported, not a triple fault); the start info is copied
 * before the allocator and page tables are built from it; the APICs need
 * the PHYSMAP, the timer needs the TSC rate; the trap-path probe needs
 * page tables and the SYSCALL MSRs.  Then, unless `selftest` was asked
 * for, the initrd, the process table and the console's input come up,
 * the first user program (the command line's, or /init) becomes pid 1,
 * and the boot stack becomes the idle loop.
 */
#include <lde/pvh.h>
#include <lde/version.h>

#include "defs.h"
#include "memlayout.h"
#include "proc.h"
#include "trace.h"
#include "x86.h"

uint64_t boot_tsc_entry;

/* Boot phases and the TSC when each ended, for the banner: ring 0 is
 * interpreted under this machine's KVM, so boot time is worth watching. */
static struct {
	const char *name;
	uint64_t tsc;
} phase[16];
static int nphases;

void phase_done(const char *name)
{
	if (nphases < (int)ARRAY_SIZE(phase))
		phase[nphases++].name = name, phase[nphases - 1].tsc = rdtsc();
}

/* One line, built in a buffer: each kprintf is a console write, and ring 0
 * is interpreted here (boot time is what this line is about). */
static void print_phases(void)
{
	uint64_t prev = boot_tsc_entry, total = tsc_to_us(phase[nphases - 1].tsc - boot_tsc_entry);
	char line[320];
	size_t n = (size_t)ksnprintf(line, sizeof line,
	                             "boot: %lu.%03lu ms from PVH entry to here:", total / 1000,
	                             total % 1000);

	for (int i = 0; i < nphases && n < sizeof line; i++) {
		uint64_t us = tsc_to_us(phase[i].tsc - prev);
		n += (size_t)ksnprintf(line + n, sizeof line - n, " %s %lu.%03lu", phase[i].name,
		                       us / 1000, us % 1000);
		prev = phase[i].tsc;
	}
	kprintf("%s\n", line);
}

static void banner(void)
{
	kprintf("lde %s: 64-bit kernel, booted through PVH by %s\n", LDE_VERSION,
	        on_lde ? "lde's vmm" : "a PVH loader that is not lde's vmm");
	kprintf("cpu: %s, NX %s, 1G pages %s, x2APIC %s, TSC-deadline %s%s\n", cpu.vendor,
	        cpu.nx ? "yes" : "no", cpu.pdpe1gb ? "yes" : "no", cpu.x2apic ? "yes" : "no",
	        cpu.tsc_deadline ? "yes" : "no", cpu.hypervisor ? ", under a hypervisor" : "");
	kprintf("tsc: %lu kHz (from %s)\n", tsc_khz, tsc_source);
	pvh_print_memmap();
	kprintf("memory: %lu MiB RAM, %lu MiB free (%lu pages), kernel [%p-%p)\n",
	        boot.ram_bytes >> 20, (kalloc_free_pages() * 4096) >> 20, kalloc_free_pages(),
	        (void *)_boot_start, (void *)V2P(_end)); /* .boot: VMA = LMA */
	kalloc_print();
	cmdline_print();
	print_phases();
	kprintf("trap paths: %s\n", trapquirk_describe());
}

noreturn void kmain(const struct hvm_start_info *si_phys, uint64_t entry_tsc);
noreturn void kmain(const struct hvm_start_info *si_phys, uint64_t entry_tsc)
{
	boot_tsc_entry = entry_tsc;
	phase_done("entry");
	platform_init(); /* one port read: uart_init needs to know */
	uart_init();
	if ((uint64_t)_kernbase_ld != KERNBASE)
		panic("kernel.ld's KERNBASE %p differs from memlayout.h's", (void *)_kernbase_ld);
	phase_done("uart");
	cpu_init();
	gdt_init();
	trap_init();
	phase_done("cpu/gdt/idt");
	pvh_init((uint64_t)si_phys);
	cmdline_init(boot.cmdline);
	phase_done("startinfo");
	kalloc_init();
	phase_done("kalloc");
	vm_init();
	phase_done("vm");
	lapic_init();
	ioapic_init();
	pic_disable();
	lapic_calibrate_begin();
	phase_done("apic");
	tsc_init();
	phase_done("tsc");
	trace_init(); /* after the TSC rate, which the ring's header carries */
	syscall_init();
	fpu_init();
	trapquirk_probe();
	phase_done("trap probe");

	if (!kopts.quiet)
		banner();
	lapic_timer_start(kopts.hz);
	if (!kopts.quiet)
		kprintf("timer: LAPIC timer %lu kHz, %u Hz tick, %u ms slice\n", lapic_timer_khz,
		        kopts.hz, kopts.slice_ms);
	if (kopts.selftest)
		selftest_run(kopts.selftest_name);
	initrd_init();
	proc_init();
	sched_init();
	tty_init();
	proc_first(kopts.argc, kopts.argv);
	sched_idle();
}
