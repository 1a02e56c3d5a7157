#!/bin/bash
# The vmm's host unit tests (cmocka, tests/unit/): loader rules, boot info,
# UART, options, page walks, console keys, port dispatch.  One TAP stream.
. "$(dirname "$0")/lib/lde.sh"

bin=$LDE_TOP/build/tests/unit/vmm-unit
if [ ! -x "$bin" ]; then
	echo "1..1"
	echo "not ok 1 - $bin is built (make test builds it)"
	exit 1
fi
CMOCKA_MESSAGE_OUTPUT=TAP exec "$bin"
