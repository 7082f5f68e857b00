/*
 * How execd reports the end of a task: the code nexus-sim will exit with,
 * the console marker and the logd record. No I/O, so tests check the
 * exact text.
 */
#ifndef NEXUS_EXEC_REPORT_H
#define NEXUS_EXEC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "nxd.h"
#include "nexus/task.h"

#define EXEC_REPORT_FIELDS 7	 /* addr, cause, code, event, name, pc, pid */
#define EXEC_REPORT_VALUE_MAX 64 /* bytes of one field value with its NUL */

/* The exit code for a wait status: the payload's own, or 128 + N for a crash. */
int exec_end_code(uint64_t status, const struct nx_crash *cr);

/* Whether the end is reported: a crash or a non-zero exit. */
int exec_end_reported(uint64_t status);

/* "execd: crash report pid=<p> code=<c> name=<n>" into buf; its length or -1. */
int exec_report_line(char *buf, size_t cap, uint64_t pid, int code, const char *name);

/* The logd record's fields, sorted by key, values held in `store`. */
struct exec_report_fields {
	struct nxd_field f[EXEC_REPORT_FIELDS];
	char store[EXEC_REPORT_FIELDS][EXEC_REPORT_VALUE_MAX];
};

void exec_report_fields(struct exec_report_fields *out, uint64_t pid, uint64_t status,
			const struct nx_crash *cr, const char *name);

#endif
