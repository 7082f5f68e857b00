/*
 * The end of a task in words. A non-zero exit is reported like a crash
 * (cause "exit", no pc or address) so one record type covers every end
 * that needs a look.
 */
#include <stdio.h>
#include <string.h>

#include "exec_report.h"

int exec_end_code(uint64_t status, const struct nx_crash *cr)
{
	if (NX_WAIT_IS_CRASH(status))
		return NX_EXIT_CRASH_BASE + nx_crash_signal(cr->cause);
	return (int)NX_WAIT_CODE(status);
}

int exec_end_reported(uint64_t status)
{
	return NX_WAIT_IS_CRASH(status) || NX_WAIT_CODE(status) != 0;
}

int exec_report_line(char *buf, size_t cap, uint64_t pid, int code, const char *name)
{
	int n = snprintf(buf, cap, "execd: crash report pid=%llu code=%d name=%s",
			 (unsigned long long)pid, code, name);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

void exec_report_fields(struct exec_report_fields *out, uint64_t pid, uint64_t status,
			const struct nx_crash *cr, const char *name)
{
	int crashed = NX_WAIT_IS_CRASH(status);
	static const char *const keys[EXEC_REPORT_FIELDS] = {"addr", "cause", "code", "event",
							     "name", "pc",    "pid"};

	snprintf(out->store[0], EXEC_REPORT_VALUE_MAX, "0x%llx",
		 crashed ? (unsigned long long)cr->addr : 0ULL);
	snprintf(out->store[1], EXEC_REPORT_VALUE_MAX, "%s",
		 crashed ? nx_crash_cause_name(cr->cause) : "exit");
	snprintf(out->store[2], EXEC_REPORT_VALUE_MAX, "%d", exec_end_code(status, cr));
	snprintf(out->store[3], EXEC_REPORT_VALUE_MAX, "crash.v1");
	snprintf(out->store[4], EXEC_REPORT_VALUE_MAX, "%s", name);
	snprintf(out->store[5], EXEC_REPORT_VALUE_MAX, "0x%llx",
		 crashed ? (unsigned long long)cr->pc : 0ULL);
	snprintf(out->store[6], EXEC_REPORT_VALUE_MAX, "%llu", (unsigned long long)pid);
	for (int i = 0; i < EXEC_REPORT_FIELDS; i++) {
		out->f[i].key = keys[i];
		out->f[i].value = out->store[i];
	}
}
