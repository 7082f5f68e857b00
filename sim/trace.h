/*
 * A session's tracing: --trace=syscalls,ipc,sched (text lines, to
 * --trace-out FILE or stderr) and --timeline FILE.json (timeline.h).
 *
 * The kernel reports syscalls, slices and task ends through
 * nxk_opts.trace (kernel.h). Frames are recorded by every process that
 * sends or receives one (libnxwire's tracer): nexus-sim's own directly,
 * init's and the daemons' through a pipe (nexus/trace.h) read by the
 * loop; the two records of one frame are paired here into one line and
 * one flow. Without --trace and --timeline nothing here exists.
 */
#ifndef NEXUS_SIM_TRACE_H
#define NEXUS_SIM_TRACE_H

#include "kernel.h"
#include "opts.h"

struct ksim;
struct sim_trace;

/*
 * Open the outputs `o` names (before the sandbox: nothing is opened
 * later). Returns NULL with *code 0 when `o` traces nothing, NULL with
 * *code an exit status after saying why on stderr.
 */
struct sim_trace *sim_trace_new(const struct sim_opts *o, int *code);
/* The kernel's hooks, or NULL when neither syscalls, sched nor a timeline is asked for. */
const struct nxk_trace_ops *sim_trace_kernel_ops(struct sim_trace *t);
/* Read the pipe from the loop of `ks` (whose kernel the syscall lines peek into). 0 or -1. */
int sim_trace_attach(struct sim_trace *t, struct ksim *ks);
/* The pipe's write end for init (NX_CTL_CFG_TRACE), or -1 when frames are not traced. */
int sim_trace_pipe(const struct sim_trace *t);
/*
 * A step of the session for the timeline: `begin` 1 opens it, 0 closes
 * it (and whatever was opened after it and is still open).
 */
void sim_trace_step(struct sim_trace *t, const char *name, int begin);
/*
 * After the session, its processes gone: read what the pipe still
 * holds, print frames whose other end never said, close the open steps,
 * write the timeline. 0, or NX_EXIT_CANTCREAT (said) when an output did
 * not take it.
 */
int sim_trace_finish(struct sim_trace *t);
void sim_trace_free(struct sim_trace *t);

#endif
