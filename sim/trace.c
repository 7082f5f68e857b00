/*
 * A session's tracing (trace.h): the outputs, the kernel's hooks
 * (syscall and sched lines, the tasks' tracks), the session's steps.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ksim.h"
#include "nexus/task.h"
#include "trace_impl.h"
#include "trace_sys.h"

/* Room in the trace pipe, so that a burst of records never makes a daemon wait. */
#define TRACE_PIPE_BYTES (1 << 20)
/* The session's own track on the timeline. */
#define TRACE_SESSION_TRACK "nexus-sim"

uint64_t trace_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_sys(void *arg, uint32_t pid, const char *name, unsigned nr, const uint64_t a[6],
		   long ret, int returned)
{
	struct sim_trace *t = arg;

	if (t->classes & SIM_TRACE_SYSCALLS)
		trace_sys_line(t->out, ksim_kernel(t->ks), pid, name, nr, a, ret, returned);
}

static void why_name(FILE *f, enum nxk_trace_why why, uint64_t status)
{
	switch (why) {
	case NXK_WHY_QUANTUM:
		fputs("quantum", f);
		break;
	case NXK_WHY_YIELD:
		fputs("yield", f);
		break;
	case NXK_WHY_SWITCH:
		fputs("switch (another task ready)", f);
		break;
	case NXK_WHY_PREEMPT:
		fputs("preempted (host work)", f);
		break;
	case NXK_WHY_BLOCK:
		fputs("blocked", f);
		break;
	case NXK_WHY_EXIT:
		fprintf(f, "exit %u", (unsigned)NX_WAIT_CODE(status));
		break;
	case NXK_WHY_CRASH:
		fprintf(f, "crash %s", nx_crash_cause_name(NX_WAIT_CAUSE(status)));
		break;
	case NXK_WHY_INTERRUPT:
		fputs("interrupted", f);
		break;
	}
}

/*
 * A run stopped because the host had work depends on host timing: it is
 * not a line of its own but part of the slice that ends the task's run
 * for a reason of its own, so that two runs print the same lines.
 */
static void on_slice(void *arg, uint32_t pid, const char *name, int alone, enum nxk_trace_why why,
		     uint64_t status)
{
	struct sim_trace *t = arg;

	if (!(t->classes & SIM_TRACE_SCHED))
		return;
	if (why == NXK_WHY_PREEMPT) {
		t->preempted_pid = pid;
		return;
	}
	t->preempted_pid = 0;
	fprintf(t->out, "[%s:%" PRIu32 "] sched: ran %s, stopped: ", name, pid,
		alone ? "alone" : "one quantum");
	why_name(t->out, why, status);
	fputc('\n', t->out);
}

static void on_task(void *arg, uint32_t pid, const char *name, int ended, uint64_t status,
		    const struct nx_crash *cr)
{
	struct sim_trace *t = arg;
	uint64_t now = trace_now();
	char args[TIMELINE_ARGS_MAX];

	/* Killed between its slices: no slice says how it ended, so this line does. */
	if (ended == 2 && (t->classes & SIM_TRACE_SCHED)) {
		if (t->preempted_pid == pid)
			fprintf(t->out, "[%s:%" PRIu32 "] sched: ran alone, stopped: %s\n", name,
				pid, "preempted (host work)");
		t->preempted_pid = 0;
		fprintf(t->out, "[%s:%" PRIu32 "] sched: ended between slices: ", name, pid);
		why_name(t->out, NX_WAIT_IS_CRASH(status) ? NXK_WHY_CRASH : NXK_WHY_EXIT, status);
		fputc('\n', t->out);
	}
	if (t->tl == NULL)
		return;
	if (!ended) {
		if (t->ntasks == TRACE_TASKS_MAX)
			return;
		t->tasks[t->ntasks].pid = pid;
		t->tasks[t->ntasks].t0 = now;
		snprintf(t->tasks[t->ntasks].track, TIMELINE_NAME_MAX, "task %s:%" PRIu32, name,
			 pid);
		t->ntasks++;
		return;
	}
	for (unsigned i = 0; i < t->ntasks; i++) {
		if (t->tasks[i].pid != pid)
			continue;
		int track = timeline_track(t->tl, t->tasks[i].track);

		if (NX_WAIT_IS_CRASH(status))
			snprintf(args, sizeof(args), "\"crashed\":\"%s\"",
				 nx_crash_cause_name(NX_WAIT_CAUSE(status)));
		else
			snprintf(args, sizeof(args), "\"exit\":%u", (unsigned)NX_WAIT_CODE(status));
		timeline_span(t->tl, track, TIMELINE_TID_MAIN, "run", t->tasks[i].t0, now, args);
		if (cr != NULL) {
			char what[TIMELINE_NAME_MAX];

			snprintf(what, sizeof(what), "crash: %s", nx_crash_cause_name(cr->cause));
			snprintf(args, sizeof(args),
				 "\"pc\":\"0x%" PRIx64 "\",\"addr\":\"0x%" PRIx64
				 "\",\"access\":\"%s\"",
				 cr->pc, cr->addr, nx_access_name(cr->access));
			timeline_instant(t->tl, track, what, now, args);
		}
		t->tasks[i] = t->tasks[--t->ntasks];
		return;
	}
}

/* Create (truncate) an output file; NULL said on stderr. */
static FILE *trace_open(const char *path, const char *opt)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f == NULL) {
		fprintf(stderr, "nexus-sim: %s %s: cannot create: %s\n", opt, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static int trace_pipe_open(struct sim_trace *t)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	t->pipe_r = p[0];
	t->pipe_w = p[1];
	/* Best effort: a smaller pipe only makes writers wait for the loop sooner. */
	(void)fcntl(t->pipe_w, F_SETPIPE_SZ, TRACE_PIPE_BYTES);
	return fcntl(t->pipe_r, F_SETFL, O_NONBLOCK);
}

struct sim_trace *sim_trace_new(const struct sim_opts *o, int *code)
{
	struct sim_trace *t;

	*code = 0;
	if (o->trace == 0 && o->timeline == NULL)
		return NULL;
	*code = NX_EXIT_INTERNAL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->classes = o->trace;
	t->pipe_r = t->pipe_w = -1;
	t->ops =
	    (struct nxk_trace_ops){.sys = on_sys, .slice = on_slice, .task = on_task, .arg = t};
	if (o->trace != 0) {
		t->out_is_file = o->trace_out != NULL;
		t->out_path = o->trace_out;
		t->out = o->trace_out != NULL ? trace_open(o->trace_out, "--trace-out") : stderr;
		if (t->out == NULL) {
			*code = NX_EXIT_CANTCREAT;
			goto fail;
		}
	}
	if (o->timeline != NULL) {
		t->tl_path = o->timeline;
		t->tl_file = trace_open(o->timeline, "--timeline");
		if (t->tl_file == NULL) {
			*code = NX_EXIT_CANTCREAT;
			goto fail;
		}
		if ((t->tl = timeline_new(trace_now())) == NULL)
			goto fail;
	}
	if (((o->trace & SIM_TRACE_IPC) || t->tl != NULL) && trace_pipe_open(t) != 0) {
		fprintf(stderr, "nexus-sim: cannot make the trace pipe: %s\n", strerror(errno));
		goto fail;
	}
	*code = 0;
	return t;
fail:
	sim_trace_free(t);
	return NULL;
}

const struct nxk_trace_ops *sim_trace_kernel_ops(struct sim_trace *t)
{
	if (t == NULL || (!(t->classes & (SIM_TRACE_SYSCALLS | SIM_TRACE_SCHED)) && t->tl == NULL))
		return NULL;
	return &t->ops;
}

static void on_pipe(void *arg, int fd, short revents)
{
	(void)fd;
	(void)revents;
	trace_ipc_drain(arg);
}

int sim_trace_attach(struct sim_trace *t, struct ksim *ks)
{
	t->ks = ks;
	if (t->pipe_r < 0)
		return 0;
	trace_ipc_self(t);
	return ksim_watch(ks, t->pipe_r, on_pipe, t);
}

int sim_trace_pipe(const struct sim_trace *t)
{
	return t != NULL ? t->pipe_w : -1;
}

void sim_trace_step(struct sim_trace *t, const char *name, int begin)
{
	int track;
	uint64_t now = trace_now();

	if (t == NULL || t->tl == NULL)
		return;
	track = timeline_track(t->tl, TRACE_SESSION_TRACK);
	if (begin) {
		if (t->nsteps == TRACE_STEPS_MAX)
			return;
		snprintf(t->steps[t->nsteps++], TIMELINE_NAME_MAX, "%s", name);
		timeline_begin(t->tl, track, name, now);
		return;
	}
	for (unsigned i = t->nsteps; i-- > 0;) {
		if (strcmp(t->steps[i], name) != 0)
			continue;
		/* LIFO: what opened after it closes with it. */
		while (t->nsteps > i)
			timeline_end(t->tl, track, t->steps[--t->nsteps], now);
		return;
	}
}

int sim_trace_finish(struct sim_trace *t)
{
	int err = 0;

	if (t->pipe_r >= 0) {
		trace_ipc_drain(t);
		trace_ipc_flush(t);
	}
	if (t->out != NULL && fflush(t->out) != 0 && t->out_is_file) {
		fprintf(stderr, "nexus-sim: --trace-out %s: cannot write: %s\n", t->out_path,
			strerror(errno));
		err = NX_EXIT_CANTCREAT;
	}
	if (t->tl != NULL) {
		if (t->nsteps > 0)
			sim_trace_step(t, t->steps[0], 0);
		if (timeline_write(t->tl, t->tl_file) != 0) {
			fprintf(stderr, "nexus-sim: --timeline %s: cannot write: %s\n", t->tl_path,
				strerror(errno));
			err = NX_EXIT_CANTCREAT;
		}
	}
	return err;
}

void sim_trace_free(struct sim_trace *t)
{
	if (t == NULL)
		return;
	trace_ipc_self_off(t);
	if (t->out != NULL && t->out_is_file)
		fclose(t->out);
	if (t->tl_file != NULL)
		fclose(t->tl_file);
	timeline_free(t->tl);
	if (t->pipe_r >= 0)
		close(t->pipe_r);
	if (t->pipe_w >= 0)
		close(t->pipe_w);
	free(t);
}
