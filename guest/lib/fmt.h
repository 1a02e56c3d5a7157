/* fmt.h: the formatter shared by printf.c and stdio.c (internal). */
#ifndef LDE_LIBC_FMT_H
#define LDE_LIBC_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*lde_sink_fn)(void *ctx, const char *s, size_t n);

/* Format to sink; returns the number of characters produced. */
int lde_vformat(lde_sink_fn sink, void *ctx, const char *fmt, va_list ap);

#endif
