/*
 * Frames and marks from every process (trace_impl.h). Each frame is
 * recorded twice, by its sender and by its receiver, in whatever order
 * the records arrive; the two are paired by the frame's kind and id
 * (libnxwire gives every traced frame an id) into one ipc line and one
 * timeline flow. Lines come in the order the second record arrived:
 * within one connection that is the order of the frames, across
 * connections it depends on the host's scheduling.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "nexus/err.h"
#include "trace_impl.h"
#include "trace_names.h"
#include "trace_sys.h"
#include "wire.h"

/* The name nexus-sim's own frames carry: the daemons' kernel, and init's control peer. */
#define TRACE_SELF "kernel"

static struct sim_trace *trace_self; /* for nexus-sim's own tracer */

static void proc_note(struct sim_trace *t, uint32_t pid, const char *name)
{
	for (unsigned i = 0; i < t->nprocs; i++) {
		if (t->procs[i].pid == pid) {
			/* A pid reused (a restarted daemon, init after a soft reboot). */
			snprintf(t->procs[i].name, sizeof(t->procs[i].name), "%s", name);
			return;
		}
	}
	if (t->nprocs == TRACE_PROCS_MAX)
		return;
	t->procs[t->nprocs].pid = pid;
	snprintf(t->procs[t->nprocs].name, sizeof(t->procs[t->nprocs].name), "%s", name);
	t->nprocs++;
}

/* An id as name.counter (nx_id_new: the maker's pid, then its counter). */
static void print_id(struct sim_trace *t, FILE *f, const uint8_t id[16])
{
	static const uint8_t zero[16];
	uint64_t pid, n;

	if (memcmp(id, zero, 16) == 0) {
		fputc('-', f);
		return;
	}
	memcpy(&pid, id, 8);
	memcpy(&n, id + 8, 8);
	for (unsigned i = 0; i < t->nprocs; i++) {
		if (t->procs[i].pid == pid) {
			fprintf(f, "%s.%" PRIu64, t->procs[i].name, n);
			return;
		}
	}
	fprintf(f, "%" PRIu64 ".%" PRIu64, pid, n);
}

/* KIND, KCALL(name), REPLY(result). */
static void kind_str(char *buf, size_t cap, const struct nx_frame *h)
{
	const char *k = trace_kind_name(h->kind);

	if (h->kind == NX_FRAME_KCALL) {
		const char *sys = trace_sys_name(h->arg);

		if (sys != NULL)
			snprintf(buf, cap, "KCALL(%s)", sys);
		else
			snprintf(buf, cap, "KCALL(%" PRIu64 ")", h->arg);
	} else if (h->kind == NX_FRAME_REPLY) {
		int64_t r = (int64_t)h->arg;
		const char *e = r < 0 ? trace_err_name(-r) : NULL;

		if (e != NULL)
			snprintf(buf, cap, "REPLY(%" PRId64 " %s)", r, e);
		else
			snprintf(buf, cap, "REPLY(%" PRId64 ")", r);
	} else if (k != NULL) {
		snprintf(buf, cap, "%s", k);
	} else {
		snprintf(buf, cap, "0x%04" PRIx32, h->kind);
	}
}

static void ipc_line(struct sim_trace *t, const char *from, const char *to,
		     const struct nx_trace_rec *r)
{
	char kind[64];

	if (!(t->classes & SIM_TRACE_IPC))
		return;
	kind_str(kind, sizeof(kind), &r->hdr);
	fprintf(t->out, "ipc: %s -> %s %s len=%" PRIu32 " id=", from, to, kind, r->hdr.len);
	print_id(t, t->out, r->hdr.id);
	if (r->type == NX_TRACE_SENT && r->fd >= 0)
		fprintf(t->out, " fd=%" PRId32 "\n", r->fd);
	else if (r->type == NX_TRACE_RECEIVED && r->fd >= 0)
		fputs(" fd=yes\n", t->out);
	else
		fputs(" fd=-\n", t->out);
}

/* The timeline's name of a call of this kind. */
static void call_name(char *buf, size_t cap, const struct trace_call *c)
{
	const char *step = trace_kind_step(c->kind);
	const char *k = trace_kind_name(c->kind);

	if (c->kind == NX_FRAME_KCALL && trace_sys_name(c->arg) != NULL)
		snprintf(buf, cap, "kcall %s", trace_sys_name(c->arg));
	else if (step != NULL)
		snprintf(buf, cap, "%s", step);
	else
		snprintf(buf, cap, "%s", k != NULL ? k : "call");
}

/* Requests until their reply: each call becomes a span on both sides. */
static void timeline_call(struct sim_trace *t, const struct trace_frame *fr)
{
	const struct nx_frame *h = &fr->sent.hdr;

	if (h->kind != NX_FRAME_REPLY) {
		struct trace_call *c = &t->calls[t->next_call++ % TRACE_CALLS_MAX];

		*c = (struct trace_call){.used = 1,
					 .kind = h->kind,
					 .arg = h->arg,
					 .t_sent = fr->sent.t_ns,
					 .t_received = fr->received.t_ns};
		memcpy(c->id, h->id, 16);
		memcpy(c->caller, fr->sent.self, sizeof(c->caller));
		memcpy(c->server, fr->received.self, sizeof(c->server));
		return;
	}
	for (unsigned i = 0; i < TRACE_CALLS_MAX; i++) {
		struct trace_call *c = &t->calls[i];
		char name[TIMELINE_NAME_MAX];

		if (!c->used || memcmp(c->id, h->id, 16) != 0 ||
		    strcmp(c->caller, fr->received.self) != 0 ||
		    strcmp(c->server, fr->sent.self) != 0)
			continue;
		call_name(name, sizeof(name), c);
		timeline_span(t->tl, timeline_track(t->tl, c->caller), TIMELINE_TID_MAIN, name,
			      c->t_sent, fr->received.t_ns, NULL);
		timeline_span(t->tl, timeline_track(t->tl, c->server), TIMELINE_TID_MAIN, name,
			      c->t_received, fr->sent.t_ns, NULL);
		c->used = 0;
		return;
	}
}

static void frame_done(struct sim_trace *t, const struct trace_frame *fr)
{
	ipc_line(t, fr->sent.self, fr->received.self, &fr->sent);
	if (t->tl != NULL) {
		char kind[64];

		kind_str(kind, sizeof(kind), &fr->sent.hdr);
		timeline_flow(t->tl, timeline_track(t->tl, fr->sent.self), fr->sent.t_ns,
			      timeline_track(t->tl, fr->received.self), fr->received.t_ns, kind);
		timeline_call(t, fr);
	}
}

/* A record whose other end never came (a peer that died, a pipe cut short). */
static void frame_alone(struct sim_trace *t, const struct nx_trace_rec *r)
{
	if (r->type == NX_TRACE_SENT)
		ipc_line(t, r->self, "?", r);
	else
		ipc_line(t, "?", r->self, r);
}

static void frame_record(struct sim_trace *t, const struct nx_trace_rec *r)
{
	for (unsigned i = 0; i < t->npending; i++) {
		const struct nx_trace_rec *p = &t->pending[i];

		if (p->type == r->type || p->hdr.kind != r->hdr.kind ||
		    memcmp(p->hdr.id, r->hdr.id, 16) != 0)
			continue;
		struct trace_frame fr = {.sent = r->type == NX_TRACE_SENT ? *r : *p,
					 .received = r->type == NX_TRACE_SENT ? *p : *r};
		memmove(&t->pending[i], &t->pending[i + 1],
			(t->npending - i - 1) * sizeof(t->pending[0]));
		t->npending--;
		frame_done(t, &fr);
		return;
	}
	if (t->npending == TRACE_PENDING_MAX) {
		frame_alone(t, &t->pending[0]);
		memmove(&t->pending[0], &t->pending[1], (t->npending - 1) * sizeof(t->pending[0]));
		t->npending--;
	}
	t->pending[t->npending++] = *r;
}

static void mark_record(struct sim_trace *t, const struct nx_trace_rec *r)
{
	if (t->tl == NULL)
		return;
	if (r->type == NX_TRACE_SPAN) {
		timeline_span(t->tl, timeline_track(t->tl, r->self), TIMELINE_TID_MAIN, r->label,
			      r->t0_ns, r->t_ns, NULL);
	} else if (r->type == NX_TRACE_START && t->nstarting < TRACE_PROCS_MAX) {
		memcpy(t->starting[t->nstarting].self, r->self, sizeof(r->self));
		t->starting[t->nstarting++].t0 = r->t_ns;
	} else if (r->type == NX_TRACE_READY) {
		for (unsigned i = 0; i < t->nstarting; i++) {
			if (strcmp(t->starting[i].self, r->self) != 0)
				continue;
			timeline_span(t->tl, timeline_track(t->tl, r->self), TIMELINE_TID_MAIN,
				      "start to ready", t->starting[i].t0, r->t_ns, NULL);
			t->starting[i] = t->starting[--t->nstarting];
			return;
		}
	}
}

void trace_ipc_record(struct sim_trace *t, const struct nx_trace_rec *r)
{
	struct nx_trace_rec c = *r;

	/* What a process wrote is not trusted to be terminated. */
	c.self[sizeof(c.self) - 1] = 0;
	c.label[sizeof(c.label) - 1] = 0;
	proc_note(t, c.pid, c.self);
	if (c.type == NX_TRACE_SENT || c.type == NX_TRACE_RECEIVED)
		frame_record(t, &c);
	else
		mark_record(t, &c);
}

void trace_ipc_drain(struct sim_trace *t)
{
	for (;;) {
		ssize_t n = read(t->pipe_r, t->rbuf + t->rlen, sizeof(t->rbuf) - t->rlen);
		size_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		t->rlen += (size_t)n;
		for (; t->rlen - off >= sizeof(struct nx_trace_rec);
		     off += sizeof(struct nx_trace_rec)) {
			struct nx_trace_rec r;

			memcpy(&r, t->rbuf + off, sizeof(r));
			trace_ipc_record(t, &r);
		}
		memmove(t->rbuf, t->rbuf + off, t->rlen - off);
		t->rlen -= off;
	}
}

void trace_ipc_flush(struct sim_trace *t)
{
	for (unsigned i = 0; i < t->npending; i++)
		frame_alone(t, &t->pending[i]);
	t->npending = 0;
}

static void self_tracer(int dir, int sock, const struct nx_frame *hdr, int fd)
{
	struct nx_trace_rec r = {.t_ns = trace_now(),
				 .type = dir == NX_WIRE_SENT ? NX_TRACE_SENT : NX_TRACE_RECEIVED,
				 .pid = (uint32_t)getpid(),
				 .hdr = *hdr,
				 .fd = fd,
				 .sock = (uint32_t)sock};

	snprintf(r.self, sizeof(r.self), "%s", TRACE_SELF);
	trace_ipc_record(trace_self, &r);
}

void trace_ipc_self(struct sim_trace *t)
{
	trace_self = t;
	nx_wire_tracer = self_tracer;
}

void trace_ipc_self_off(struct sim_trace *t)
{
	if (trace_self != t)
		return;
	nx_wire_tracer = NULL;
	trace_self = NULL;
}
