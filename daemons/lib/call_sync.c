/*
 * Synchronous calls with a deadline. A connection of a loop may carry
 * requests and other replies besides the one awaited; those are queued
 * for the loop rather than handled here, so no handler ever runs inside
 * another's call. A call that misses its deadline drops a loop
 * connection (a late reply must never be mistaken for another's).
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "loop_impl.h"
#include "nexus/err.h"
#include "nxd.h"

uint64_t nxd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t nxd_call(struct nxd_conn *c, int fd, uint32_t kind, uint64_t arg, const void *body,
		 size_t len, int fd_in, struct nx_msg *reply, int timeout_ms)
{
	struct nx_msg *m = reply;
	uint64_t due = nxd_now_ms() + (uint64_t)timeout_ms;
	uint8_t id[16];
	int64_t res;
	int st;

	if (c != NULL) {
		if (c->dead)
			return -NX_EPIPE;
		fd = c->fd;
	}
	if (m == NULL && (m = malloc(sizeof(*m))) == NULL)
		return -NX_ENOMEM;
	nx_msg_init(m);
	nx_id_new(id);
	st = nx_wire_send(fd, kind, arg, id, body, len, fd_in);
	if (st != 0) {
		res = st;
		goto out;
	}
	for (;;) {
		st = nx_wire_recv(fd, m, MSG_DONTWAIT);
		if (st == 0 || st == -NX_EPIPE) {
			if (c != NULL)
				nxd_conn_drop(c);
			res = -NX_EPIPE;
			goto out;
		}
		if (st == -NX_EAGAIN) {
			uint64_t now = nxd_now_ms();
			struct pollfd p = {.fd = fd, .events = POLLIN};

			if (now >= due) {
				if (c != NULL)
					nxd_conn_drop(c);
				res = -NX_ETIMEDOUT;
				goto out;
			}
			(void)poll(&p, 1, (int)(due - now));
			continue;
		}
		if (st == 1 && m->hdr.kind == NX_FRAME_REPLY && nx_id_eq(m->hdr.id, id)) {
			res = nx_msg_result(m);
			goto out;
		}
		if (st < 0 && m->have_hdr && m->hdr.kind == NX_FRAME_REPLY &&
		    nx_id_eq(m->hdr.id, id)) {
			res = st;
			goto out;
		}
		if (c == NULL) {
			res = -NX_EINVAL;
			goto out;
		}
		nxd_conn_enqueue(c, m, st);
	}
out:
	if (m != reply) {
		nx_msg_release(m);
		free(m);
	}
	return res;
}
