/* --trace=syscalls lines (trace_sys.h). */
#include <inttypes.h>
#include <string.h>

#include "nexus/rights.h"
#include "nexus/spawn.h"
#include "nexus/syscall.h"
#include "nexus/task.h"
#include "trace_names.h"
#include "trace_sys.h"

void trace_str(FILE *f, const char *s, size_t len)
{
	size_t n = len < TRACE_STR_MAX ? len : TRACE_STR_MAX;

	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
	if (len > n)
		fputs("...", f);
}

/* A guest string of `len` bytes at `va`, or its address when it cannot be read. */
static void guest_str(FILE *f, struct nxk *k, uint32_t pid, uint64_t va, uint64_t len)
{
	char buf[TRACE_STR_MAX];
	size_t n = len < TRACE_STR_MAX ? (size_t)len : TRACE_STR_MAX;

	if (nxk_trace_peek(k, pid, va, buf, n) != 0)
		fprintf(f, "0x%" PRIx64, va);
	else
		trace_str(f, buf, (size_t)len);
}

static void prot(FILE *f, uint64_t p)
{
	static const char *const names[] = {"R", "W", "X"};
	int any = 0;

	for (unsigned i = 0; i < 3; i++) {
		if (p & (1u << i)) {
			fprintf(f, "%s%s", any ? "|" : "", names[i]);
			any = 1;
		}
	}
	if ((p & ~(uint64_t)(NX_PROT_READ | NX_PROT_WRITE | NX_PROT_EXEC)) != 0 || !any)
		fprintf(f, "%s0x%" PRIx64, any ? "|" : "", p & ~(uint64_t)7);
}

static void spawn_attrs(FILE *f, struct nxk *k, uint32_t pid, uint64_t va, uint64_t size)
{
	struct nx_spawn_attrs at;

	if (size != sizeof(at) || nxk_trace_peek(k, pid, va, &at, sizeof(at)) != 0) {
		fprintf(f, "0x%" PRIx64, va);
		return;
	}
	fputs("{name=", f);
	trace_str(f, at.name, strnlen(at.name, sizeof(at.name)));
	fprintf(f, ", caps=0x%" PRIx32 "}", at.caps);
}

/* The arguments, inside the parentheses. */
static void args(FILE *f, struct nxk *k, uint32_t pid, unsigned nr, const uint64_t a[6])
{
	switch (nr) {
	case NX_SYS_VMO_CREATE:
		fprintf(f, "%" PRIu64, a[0]);
		break;
	case NX_SYS_VMO_WRITE:
		fprintf(f, "%" PRId64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", %" PRIu64, (int64_t)a[0],
			a[1], a[2], a[3]);
		break;
	case NX_SYS_SPAWN:
	case NX_SYS_SPAWN_ATTRS:
		fprintf(f, "%" PRId64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", ",
			(int64_t)a[0], a[1], a[2], a[3]);
		if (nr == NX_SYS_SPAWN)
			guest_str(f, k, pid, a[4], a[5]);
		else
			spawn_attrs(f, k, pid, a[4], a[5]);
		fprintf(f, ", %" PRIu64, a[5]);
		break;
	case NX_SYS_AS_MAP:
		fprintf(f, "%" PRId64 ", %" PRId64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", ",
			(int64_t)a[0], (int64_t)a[1], a[2], a[3]);
		prot(f, a[4]);
		fprintf(f, ", 0x%" PRIx64, a[5]);
		break;
	case NX_SYS_EXIT:
	case NX_SYS_HANDLE_CLOSE:
	case NX_SYS_VMO_EXPORT:
	case NX_SYS_VMO_IMPORT:
	case NX_SYS_TASK_KILL:
		fprintf(f, "%" PRId64, (int64_t)a[0]);
		break;
	case NX_SYS_WAIT:
	case NX_SYS_WAIT_NOHANG:
	case NX_SYS_TASK_CRASH:
		fprintf(f, "%" PRId64 ", 0x%" PRIx64, (int64_t)a[0], a[1]);
		break;
	case NX_SYS_DEBUG_PUTC: {
		char c = (char)a[0];

		trace_str(f, &c, 1);
		break;
	}
	case NX_SYS_KCONNECT:
	case NX_SYS_DEBUG_WRITE:
		guest_str(f, k, pid, a[0], a[1]);
		fprintf(f, ", %" PRIu64, a[1]);
		break;
	default: /* no arguments, or a number the kernel does not serve */
		break;
	}
}

/* After a wait that returned a pid: the status word it stored. */
static void wait_status(FILE *f, struct nxk *k, uint32_t pid, uint64_t va)
{
	uint32_t st;

	if (nxk_trace_peek(k, pid, va, &st, sizeof(st)) != 0)
		return;
	if (NX_WAIT_IS_CRASH(st))
		fprintf(f, " [crashed %s]", nx_crash_cause_name(NX_WAIT_CAUSE(st)));
	else
		fprintf(f, " [exited %" PRIu32 "]", (uint32_t)NX_WAIT_CODE(st));
}

void trace_sys_line(FILE *f, struct nxk *k, uint32_t pid, const char *name, unsigned nr,
		    const uint64_t a[6], long ret, int returned)
{
	const char *call = trace_sys_name(nr);

	fprintf(f, "[%s:%" PRIu32 "] ", name, pid);
	if (call != NULL)
		fprintf(f, "%s(", call);
	else
		fprintf(f, "syscall_%u(", nr);
	/* A number >= NX_SYS_MAX ends the task before its arguments are read. */
	if (nr < NX_SYS_MAX)
		args(f, k, pid, nr, a);
	if (!returned) {
		fputs(nr < NX_SYS_MAX ? ") = ?\n" : ") = ? (bad_syscall)\n", f);
		return;
	}
	if (ret >= 0) {
		fprintf(f, ") = %ld", ret);
		if ((nr == NX_SYS_WAIT || nr == NX_SYS_WAIT_NOHANG) && ret > 0)
			wait_status(f, k, pid, a[1]);
		fputc('\n', f);
		return;
	}
	const char *err = trace_err_name(-(int64_t)ret);
	if (err != NULL)
		fprintf(f, ") = %ld (%s)\n", ret, err);
	else
		fprintf(f, ") = %ld\n", ret);
}
