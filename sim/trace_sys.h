/*
 * --trace=syscalls: one strace-like line per payload syscall,
 *   [demo.hello:1] debug_write("Hello from demo.hello\n", 22) = 22
 * each call of docs/abi.md by name with its arguments decoded (strings
 * from the task's memory, escaped and cut at TRACE_STR_MAX bytes), the
 * result as a number or "-N (ENAME)", "?" for a call that did not return.
 */
#ifndef NEXUS_SIM_TRACE_SYS_H
#define NEXUS_SIM_TRACE_SYS_H

#include <stdint.h>
#include <stdio.h>

#include "kernel.h"

#define TRACE_STR_MAX 32 /* bytes of a string argument shown before "..." */

void trace_sys_line(FILE *f, struct nxk *k, uint32_t pid, const char *name, unsigned nr,
		    const uint64_t a[6], long ret, int returned);
/* A string as the trace shows it: quoted, escaped, at most TRACE_STR_MAX bytes then "...". */
void trace_str(FILE *f, const char *s, size_t len);

#endif
