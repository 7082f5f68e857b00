/*
 * printf-style formatting for the target's freestanding code (the kernel
 * image and init), which has no libc: %s %c %d %u %x with the l, ll and z
 * length modifiers, and %%. Nothing else (no width, no precision).
 */
#ifndef NEXUS_QEMU_FMT_H
#define NEXUS_QEMU_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* As vsnprintf: the length the whole output needs; buf holds what fits, NUL-ended. */
int nxq_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int nxq_snprintf(char *buf, size_t cap, const char *fmt, ...);

#endif
