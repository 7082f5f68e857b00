/* sim/ internal: the state trace.c and trace_ipc.c share. */
#ifndef NEXUS_SIM_TRACE_IMPL_H
#define NEXUS_SIM_TRACE_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "nexus/trace.h"
#include "timeline.h"
#include "trace.h"

#define TRACE_PENDING_MAX 1024 /* frames waiting for their other end's record */
#define TRACE_CALLS_MAX 256    /* requests waiting for their reply (timeline spans) */
#define TRACE_PROCS_MAX 64     /* host pids named (ids print as name.counter) */
#define TRACE_STEPS_MAX 16     /* session steps open at once (boot, run, ...) */
#define TRACE_TASKS_MAX 64     /* tasks whose run span is open (NX_TASKS_MAX) */

/* One frame both of whose ends were seen. */
struct trace_frame {
	struct nx_trace_rec sent, received;
};

/* A request seen whole, until its reply. */
struct trace_call {
	int used;
	uint8_t id[16];
	uint32_t kind;
	uint64_t arg;
	char caller[NX_SVC_NAME_MAX], server[NX_SVC_NAME_MAX];
	uint64_t t_sent, t_received;
};

struct sim_trace {
	unsigned classes; /* SIM_TRACE_* */
	FILE *out;	  /* the text lines, or NULL */
	int out_is_file;
	const char *out_path;
	struct timeline *tl; /* or NULL */
	FILE *tl_file;
	const char *tl_path;
	struct ksim *ks;
	struct nxk_trace_ops ops;
	int pipe_r, pipe_w;
	/* sched: a run preempted for host work is said with the slice that ends it */
	uint32_t preempted_pid;
	/* ipc */
	struct nx_trace_rec pending[TRACE_PENDING_MAX];
	unsigned npending;
	struct trace_call calls[TRACE_CALLS_MAX];
	unsigned next_call;
	struct {
		uint32_t pid;
		char name[NX_SVC_NAME_MAX];
	} procs[TRACE_PROCS_MAX];
	unsigned nprocs;
	uint8_t rbuf[64 * sizeof(struct nx_trace_rec)];
	size_t rlen;
	/* timeline */
	char steps[TRACE_STEPS_MAX][TIMELINE_NAME_MAX];
	unsigned nsteps;
	struct {
		uint32_t pid;
		char track[TIMELINE_NAME_MAX];
		uint64_t t0;
	} tasks[TRACE_TASKS_MAX];
	unsigned ntasks;
	struct {
		char self[NX_SVC_NAME_MAX];
		uint64_t t0;
	} starting[TRACE_PROCS_MAX];
	unsigned nstarting;
};

uint64_t trace_now(void);
/* trace_ipc.c: one record from a process (the pipe, or nexus-sim's own tracer). */
void trace_ipc_record(struct sim_trace *t, const struct nx_trace_rec *r);
/* Read the pipe until it is empty. */
void trace_ipc_drain(struct sim_trace *t);
/* At the end: frames still missing an end, printed as such. */
void trace_ipc_flush(struct sim_trace *t);
/* Install nexus-sim's own frame tracer. */
void trace_ipc_self(struct sim_trace *t);
void trace_ipc_self_off(struct sim_trace *t);

#endif
