/*
 * libnxd's side of a traced session (nexus/trace.h): every frame this
 * process sends or receives through libnxwire, and the steps it marks,
 * become records on the trace pipe. Off unless nxd_trace_open was
 * called: then each call here is one branch.
 */
#ifndef NXD_TRACE_H
#define NXD_TRACE_H

#include <stdint.h>

#include "nexus/trace.h"

/* Trace to `fd` (the pipe's write end, kept) as `self`. */
void nxd_trace_open(int fd, const char *self);
/* CLOCK_MONOTONIC ns when tracing, else 0 (a span's start). */
uint64_t nxd_trace_now(void);
/* Mark START or READY now. */
void nxd_trace_mark(enum nx_trace_type type);
/* A step `label` ran from t0 (nxd_trace_now() when it began; 0: not traced) until now. */
void nxd_trace_span(const char *label, uint64_t t0);

#endif
