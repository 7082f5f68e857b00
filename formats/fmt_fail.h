/*
 * Internal to formats/ and the host code that reads formats (host/):
 * fill a struct nx_fmt_err and return its code.
 */
#ifndef NEXUS_FORMATS_FMT_FAIL_H
#define NEXUS_FORMATS_FMT_FAIL_H

#include "fmt_err.h"

/* e may be NULL; the message is printf-style, one line. Returns code. */
__attribute__((format(printf, 3, 4))) int nx_fmt_fail(struct nx_fmt_err *e, int code,
						      const char *fmt, ...);

#endif
