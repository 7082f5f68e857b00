/*
 * Trace records to the session's trace pipe (nxd_trace.h). A write that
 * fails (nexus-sim has gone) turns tracing off; the pipe is blocking so
 * that no record is lost while nexus-sim keeps up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nxd_trace.h"
#include "wire.h"

static int trace_fd = -1;
static struct nx_trace_rec trace_base; /* self and pid, filled once */

static uint64_t trace_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void trace_write(struct nx_trace_rec *r)
{
	ssize_t n;

	r->t_ns = trace_clock();
	do
		n = write(trace_fd, r, sizeof(*r));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*r)) {
		trace_fd = -1;
		nx_wire_tracer = NULL;
	}
}

static void trace_frame(int dir, int sock, const struct nx_frame *hdr, int fd)
{
	struct nx_trace_rec r = trace_base;

	r.type = dir == NX_WIRE_SENT ? NX_TRACE_SENT : NX_TRACE_RECEIVED;
	r.hdr = *hdr;
	r.fd = fd;
	r.sock = (uint32_t)sock;
	trace_write(&r);
}

void nxd_trace_open(int fd, const char *self)
{
	memset(&trace_base, 0, sizeof(trace_base));
	snprintf(trace_base.self, sizeof(trace_base.self), "%s", self);
	trace_base.pid = (uint32_t)getpid();
	trace_base.fd = -1;
	trace_fd = fd;
	nx_wire_tracer = trace_frame;
}

uint64_t nxd_trace_now(void)
{
	return trace_fd >= 0 ? trace_clock() : 0;
}

void nxd_trace_mark(enum nx_trace_type type)
{
	struct nx_trace_rec r = trace_base;

	if (trace_fd < 0)
		return;
	r.type = type;
	trace_write(&r);
}

void nxd_trace_span(const char *label, uint64_t t0)
{
	struct nx_trace_rec r = trace_base;

	if (trace_fd < 0 || t0 == 0)
		return;
	r.type = NX_TRACE_SPAN;
	r.t0_ns = t0;
	snprintf(r.label, sizeof(r.label), "%s", label);
	trace_write(&r);
}
