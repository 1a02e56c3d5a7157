/*
 * A vmm `struct vm` without KVM, for the exit-handler fuzz targets: no
 * /dev/kvm, no vCPU (the fds are -1: IRQ pulses, register and MSR reads
 * do nothing or fail as they may), console output to /dev/null, messages
 * off, --stats and --trace on (the trace to /dev/null, as text, or as
 * JSON with FUZZ_TRACE_JSON).  Everything the exit handlers need from
 * setup is done here, in one place: when a part of the vmm gains state of
 * its own, its setup is one line in fuzz_vm.c.
 */
#ifndef FUZZ_VM_H
#define FUZZ_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

/* Set before the first fuzz_vm_new: the trace as JSON, not text. */
extern bool fuzz_vm_trace_json;

/* A fresh vm over ram[0, ram_size) (the caller's) for one input. */
struct vm *fuzz_vm_new(uint8_t *ram, uint64_t ram_size);

/* One port-I/O exit as the vmm's observed exit loop serves it (exit.c):
 * port_io, then --stats and --trace see the exit.  Returns the verdict. */
int fuzz_vm_port_exit(struct vm *vm, uint16_t port, bool out, unsigned size, uint32_t count,
                      uint8_t *data);

/* The end of the input, while its RAM is still there: the trace ring is
 * drained and forgotten, the UART freed. */
void fuzz_vm_free(struct vm *vm);

#endif
