/*
 * The one poll loop of a libnxd process. Connections are never freed
 * while a callback may still hold a pointer to them: a dropped
 * connection is only marked dead and reclaimed at the top of the next
 * iteration, once no hold remains.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop_impl.h"
#include "nxd.h"
#include "nexus/err.h"

struct nxd_loop *nxd_loop_new(void)
{
	struct nxd_loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->msg = malloc(sizeof(*l->msg));
	if (l->msg == NULL) {
		free(l);
		return NULL;
	}
	nx_msg_init(l->msg);
	l->tick_ms = -1;
	return l;
}

static void conn_fail_calls(struct nxd_conn *c)
{
	for (size_t i = 0; i < NXD_CALLS_MAX; i++) {
		struct nxd_pending p = c->calls[i];

		if (!p.used)
			continue;
		c->calls[i].used = 0;
		p.done(p.arg, NULL, -NX_EPIPE);
	}
}

static void conn_free_queue(struct nxd_conn *c)
{
	while (c->qhead != NULL) {
		struct nxd_queued *q = c->qhead;

		c->qhead = q->next;
		if (q->msg.fd >= 0)
			close(q->msg.fd);
		free(q);
	}
	c->qtail = NULL;
}

void nxd_conn_drop(struct nxd_conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	conn_free_queue(c);
	conn_fail_calls(c);
	if (c->on_close != NULL)
		c->on_close(c->close_arg, c);
}

void nxd_loop_free(struct nxd_loop *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nconns; i++) {
		nxd_conn_drop(l->conns[i]);
		free(l->conns[i]);
	}
	nx_msg_release(l->msg);
	free(l->msg);
	free(l);
}

struct nxd_conn *nxd_loop_add(struct nxd_loop *l, int fd, const char *peer,
			      const struct nxd_handler *table, size_t n, void *arg)
{
	struct nxd_conn *c;

	if (l->nconns + l->nwatches >= NXD_LOOP_CONNS_MAX || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return NULL;
	}
	c->loop = l;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer != NULL ? peer : "");
	c->table = table;
	c->n = n;
	c->arg = arg;
	c->hang = l->hang_new;
	l->conns[l->nconns++] = c;
	return c;
}

void nxd_conn_on_close(struct nxd_conn *c, void (*fn)(void *arg, struct nxd_conn *c), void *arg)
{
	c->on_close = fn;
	c->close_arg = arg;
}

int nxd_conn_fd(const struct nxd_conn *c)
{
	return c->fd;
}

const char *nxd_conn_peer(const struct nxd_conn *c)
{
	return c->peer;
}

void nxd_conn_hold(struct nxd_conn *c)
{
	c->holds++;
}

void nxd_conn_put(struct nxd_conn *c)
{
	if (c->holds > 0)
		c->holds--;
}

int nxd_reply(struct nxd_conn *c, const struct nx_frame *req, int64_t result, const void *body,
	      size_t len, int fd)
{
	if (c->dead)
		return -NX_EPIPE;
	return nx_wire_send(c->fd, NX_FRAME_REPLY, (uint64_t)result, req->id, body, len, fd);
}

int nxd_reply_err(struct nxd_conn *c, const struct nx_frame *req, int err, const char *fmt, ...)
{
	char text[NX_ERRMSG_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > NX_ERRMSG_MAX)
		n = NX_ERRMSG_MAX;
	return nxd_reply(c, req, err > 0 ? -(int64_t)err : err, text, (size_t)n, -1);
}

int nxd_call_async(struct nxd_conn *c, uint32_t kind, uint64_t arg, const void *body, size_t len,
		   int fd, int timeout_ms, nxd_done_fn done, void *done_arg)
{
	struct nxd_pending *p = NULL;
	int err;

	if (c->dead)
		return -NX_EPIPE;
	for (size_t i = 0; i < NXD_CALLS_MAX && p == NULL; i++)
		if (!c->calls[i].used)
			p = &c->calls[i];
	if (p == NULL)
		return -NX_EAGAIN;
	nx_id_new(p->id);
	err = nx_wire_send(c->fd, kind, arg, p->id, body, len, fd);
	if (err != 0)
		return err;
	p->done = done;
	p->arg = done_arg;
	p->due = timeout_ms < 0 ? UINT64_MAX : nxd_now_ms() + (uint64_t)timeout_ms;
	p->used = 1;
	return 0;
}

int nxd_loop_watch(struct nxd_loop *l, int fd, void (*cb)(void *arg, int fd), void *arg)
{
	if (l->nconns + l->nwatches >= NXD_LOOP_CONNS_MAX)
		return -NX_ENOSPC;
	l->watches[l->nwatches].fd = fd;
	l->watches[l->nwatches].cb = cb;
	l->watches[l->nwatches].arg = arg;
	l->nwatches++;
	return 0;
}

void nxd_loop_unwatch(struct nxd_loop *l, int fd)
{
	for (size_t i = 0; i < l->nwatches; i++)
		if (l->watches[i].fd == fd) {
			l->watches[i] = l->watches[--l->nwatches];
			return;
		}
}

void nxd_loop_stop(struct nxd_loop *l, int code)
{
	l->stopped = 1;
	l->code = code;
}

void nxd_loop_set_tick(struct nxd_loop *l, int timeout_ms, void (*tick)(void *arg), void *arg)
{
	l->tick_ms = timeout_ms;
	l->tick = tick;
	l->tick_arg = arg;
}

/* A reply: complete the call it answers. One nobody asked for is a broken peer. */
static void conn_complete(struct nxd_conn *c, struct nx_msg *m)
{
	for (size_t i = 0; i < NXD_CALLS_MAX; i++) {
		struct nxd_pending p = c->calls[i];

		if (p.used && nx_id_eq(p.id, m->hdr.id)) {
			c->calls[i].used = 0;
			p.done(p.arg, m, 0);
			return;
		}
	}
	nxd_say("%s: unsolicited reply on connection to %s; dropping it", nxd_progname(),
		c->peer[0] ? c->peer : "peer");
	nxd_conn_drop(c);
}

void nxd_conn_handle(struct nxd_conn *c, struct nx_msg *m, int status)
{
	const struct nxd_handler *h;
	const char *why;
	int err;

	if (status < 0) {
		/* Never answer a reply: two confused peers would ping-pong. */
		if (m->have_hdr && m->hdr.kind != NX_FRAME_REPLY)
			(void)nxd_reply_err(c, &m->hdr, status, "malformed frame (%s)",
					    status == -NX_EMSGSIZE ? "over the size cap"
					    : status == -NX_EBADF  ? "too many fds"
								   : "length mismatch or short");
		return;
	}
	if (m->hdr.kind == NX_FRAME_REPLY) {
		conn_complete(c, m);
		return;
	}
	if (c->table == NULL) {
		(void)nxd_reply_err(c, &m->hdr, -NX_ENOSYS, "this connection serves no requests");
		return;
	}
	if (c->hang) {
		/* NEXUS_FAULT=hang:<daemon>: the peer must find out through its deadline. */
		nxd_say("%s: NEXUS_FAULT: not answering %s", nxd_progname(), c->peer);
		for (;;)
			(void)poll(NULL, 0, -1);
	}
	err = nxd_dispatch_check(c->table, c->n, m, &h, &why);
	if (err != 0) {
		(void)nxd_reply_err(c, &m->hdr, err, "%s (kind 0x%x, %u bytes)", why, m->hdr.kind,
				    m->len);
		return;
	}
	h->fn(c, m, c->arg);
}

void nxd_conn_enqueue(struct nxd_conn *c, struct nx_msg *m, int status)
{
	struct nxd_queued *q = malloc(offsetof(struct nxd_queued, msg.body) + m->len + 1);

	if (q == NULL) {
		nxd_say("%s: out of memory queueing a frame from %s; dropping the connection",
			nxd_progname(), c->peer);
		nxd_conn_drop(c);
		return;
	}
	q->next = NULL;
	q->status = status;
	memcpy(&q->msg, m, offsetof(struct nx_msg, body) + m->len + 1);
	m->fd = -1;
	if (c->qtail != NULL)
		c->qtail->next = q;
	else
		c->qhead = q;
	c->qtail = q;
}

/* Frames that arrived during a synchronous call are handled here, in order. */
static int loop_drain_queues(struct nxd_loop *l)
{
	int any = 0;

	for (size_t i = 0; i < l->nconns; i++) {
		struct nxd_conn *c = l->conns[i];

		while (!c->dead && c->qhead != NULL) {
			struct nxd_queued *q = c->qhead;
			struct nx_msg *m = l->msg;
			int status = q->status;

			c->qhead = q->next;
			if (c->qhead == NULL)
				c->qtail = NULL;
			nx_msg_release(m);
			memcpy(m, &q->msg, offsetof(struct nx_msg, body) + q->msg.len + 1);
			free(q);
			nxd_conn_handle(c, m, status);
			nx_msg_release(m);
			any = 1;
		}
	}
	return any;
}

/*
 * Calls past their deadline fail with -NX_ETIMEDOUT and their connection
 * is dropped. Returns the ms until the next deadline, or -1 for none.
 */
static int loop_deadlines(struct nxd_loop *l)
{
	uint64_t now = nxd_now_ms(), next = UINT64_MAX;

	for (size_t i = 0; i < l->nconns; i++) {
		struct nxd_conn *c = l->conns[i];

		for (size_t k = 0; k < NXD_CALLS_MAX && !c->dead; k++) {
			struct nxd_pending p = c->calls[k];

			if (!p.used)
				continue;
			if (p.due > now) {
				next = p.due < next ? p.due : next;
				continue;
			}
			c->calls[k].used = 0;
			p.done(p.arg, NULL, -NX_ETIMEDOUT);
			nxd_conn_drop(c);
		}
	}
	return next == UINT64_MAX ? -1 : (int)(next - now);
}

/* Reclaim dead connections nobody holds any more. */
static void loop_reap(struct nxd_loop *l)
{
	size_t j = 0;

	for (size_t i = 0; i < l->nconns; i++) {
		struct nxd_conn *c = l->conns[i];

		if (c->dead && c->holds == 0)
			free(c);
		else
			l->conns[j++] = c;
	}
	l->nconns = j;
}

static void loop_read(struct nxd_loop *l, struct nxd_conn *c)
{
	int st = nx_wire_recv(c->fd, l->msg, 0);

	if (st == -NX_EAGAIN)
		return;
	if (st == 0 || st == -NX_EPIPE) {
		nxd_conn_drop(c);
		return;
	}
	nxd_conn_handle(c, l->msg, st);
	nx_msg_release(l->msg);
}

void nxd_loop_drain(struct nxd_loop *l)
{
	for (size_t i = 0; i < l->nconns; i++) {
		struct nxd_conn *c = l->conns[i];
		int st;

		while (!c->dead && (st = nx_wire_recv(c->fd, l->msg, MSG_DONTWAIT)) != -NX_EAGAIN) {
			if (st == 0 || st == -NX_EPIPE) {
				nxd_conn_drop(c);
				break;
			}
			/* Only requests: a reply now would complete calls nobody waits on. */
			if (l->msg->hdr.kind != NX_FRAME_REPLY)
				nxd_conn_handle(c, l->msg, st);
			nx_msg_release(l->msg);
		}
	}
}

int nxd_loop_run(struct nxd_loop *l)
{
	struct pollfd pfd[NXD_LOOP_CONNS_MAX];
	struct nxd_conn *pc[NXD_LOOP_CONNS_MAX];
	struct nxd_watch pw[NXD_LOOP_CONNS_MAX];

	l->stopped = 0;
	while (!l->stopped) {
		size_t n = 0, nc, nw;
		int r, timeout;

		loop_drain_queues(l);
		timeout = loop_deadlines(l);
		if (l->stopped)
			break;
		loop_reap(l);
		for (size_t i = 0; i < l->nconns; i++)
			if (!l->conns[i]->dead) {
				pc[n] = l->conns[i];
				pfd[n].fd = l->conns[i]->fd;
				pfd[n].events = POLLIN;
				n++;
			}
		nc = n;
		for (size_t i = 0; i < l->nwatches; i++) {
			pw[i] = l->watches[i];
			pfd[n].fd = l->watches[i].fd;
			pfd[n].events = POLLIN;
			n++;
		}
		nw = l->nwatches;
		uint64_t start = nxd_now_ms();
		if (l->tick_ms >= 0 && (timeout < 0 || l->tick_ms < timeout))
			timeout = l->tick_ms;
		r = poll(pfd, n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (r == 0) {
			/* The tick is due only when its own timeout passed, not a call's. */
			if (l->tick != NULL && l->tick_ms >= 0 &&
			    nxd_now_ms() - start >= (uint64_t)l->tick_ms)
				l->tick(l->tick_arg);
			continue;
		}
		for (size_t i = 0; i < nc && !l->stopped; i++)
			if (pfd[i].revents != 0 && !pc[i]->dead && pc[i]->fd == pfd[i].fd)
				loop_read(l, pc[i]);
		for (size_t i = 0; i < nw && !l->stopped; i++)
			if (pfd[nc + i].revents != 0) {
				int still = 0;

				/* A callback may have unwatched it meanwhile. */
				for (size_t k = 0; k < l->nwatches; k++)
					still |= l->watches[k].fd == pw[i].fd &&
						 l->watches[k].cb == pw[i].cb;
				if (still)
					pw[i].cb(pw[i].arg, pw[i].fd);
			}
	}
	return l->code;
}
