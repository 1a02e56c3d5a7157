/*
 * lde's version, shown by the vmm (--version) and the kernel's banner.
 */
#ifndef LDE_VERSION_H
#define LDE_VERSION_H

#define LDE_VERSION "0.1.0"

#endif
