/*
 * Trace records (nexus-sim --trace=ipc, --timeline). When a session
 * traces, nexus-sim hands init the write end of a pipe (NX_CTL_CONFIG
 * NX_CTL_CFG_TRACE), init passes it to every daemon as fd NX_TRACE_FD,
 * and each process writes one fixed-size record per frame it sends or
 * receives and per step it marks. A record is smaller than PIPE_BUF, so
 * the records of different processes never interleave inside the pipe;
 * their order between processes is arrival order, not a clock's.
 */
#ifndef NEXUS_TRACE_H
#define NEXUS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/frame.h"
#include "nexus/limits.h"

#define NX_TRACE_FD 8 /* a daemon's trace pipe, when the session traces */

enum nx_trace_type {
	NX_TRACE_SENT = 0,     /* frame hdr went out on sock (fd: the one that went with it) */
	NX_TRACE_RECEIVED = 1, /* frame hdr came in on sock */
	NX_TRACE_START = 2,    /* the process started (nxd_start) */
	NX_TRACE_READY = 3,    /* ... and told init it is ready */
	NX_TRACE_SPAN = 4,     /* a step `label` ran from t0_ns to t_ns */
};

struct nx_trace_rec {
	uint64_t t_ns;		     /* CLOCK_MONOTONIC */
	uint64_t t0_ns;		     /* NX_TRACE_SPAN: when the step began */
	uint32_t type;		     /* enum nx_trace_type */
	uint32_t pid;		     /* the writer's host pid: the first half of its ids */
	char self[NX_SVC_NAME_MAX];  /* the writer's name, NUL-terminated */
	struct nx_frame hdr;	     /* SENT, RECEIVED */
	int32_t fd;		     /* SENT, RECEIVED: the fd that came with it, or -1 */
	uint32_t sock;		     /* SENT, RECEIVED: the writer's fd of the connection */
	char label[NX_SVC_NAME_MAX]; /* NX_TRACE_SPAN: the step's name */
};

_Static_assert(sizeof(struct nx_trace_rec) == 128, "nx_trace_rec size");
_Static_assert(offsetof(struct nx_trace_rec, hdr) == 56, "nx_trace_rec.hdr");

#endif
