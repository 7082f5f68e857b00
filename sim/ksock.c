/*
 * The daemon-facing kernel socket: frames in, kernel calls, frames out,
 * through libnxwire (the same codec and checks libnxd uses). Nothing a
 * peer sends can end the kernel process, only earn an error reply.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ksim_impl.h"
#include "nexus/err.h"

static void send_reply(struct ksim_client *cl, const uint8_t id[16], long result, const void *body,
		       size_t len, int fd)
{
	/* A peer that cannot take its reply has gone: its connection ends. */
	if (nx_wire_send(cl->fd, NX_FRAME_REPLY, (uint64_t)result, id, body, len, fd) != 0)
		cl->dead = 1;
	if (fd >= 0)
		close(fd);
}

/* Serve one call (a new one, or the parked one again); 1 if it parked. */
static int serve(struct ksim_client *cl, struct ksim_call *call)
{
	struct nxk_req req = {.nr = call->nr,
			      .in = call->body + sizeof(struct nx_kcall),
			      .inlen = call->len - sizeof(struct nx_kcall),
			      .out = cl->ks->out,
			      .outcap = NX_FRAME_BODY_MAX,
			      .fd_in = call->fd};
	memcpy(req.a, ((const struct nx_kcall *)(const void *)call->body)->a, sizeof(req.a));
	long r = nxk_host_call(cl->c, &req);
	call->fd = req.fd_in;
	if (r == NXK_BLOCKED)
		return 1;
	send_reply(cl, call->id, r, cl->ks->out, req.outlen, req.fd_out);
	return 0;
}

void ksock_call_free(struct ksim_call *call)
{
	if (call->fd >= 0)
		close(call->fd);
	free(call->body);
	free(call);
}

void ksock_retry(struct ksim_client *cl)
{
	struct ksim_call *call = cl->parked;
	cl->retry = 0;
	if (call == NULL || serve(cl, call))
		return;
	cl->parked = NULL;
	ksock_call_free(call);
}

/* Read and serve one frame. 0, or -1 when the peer has gone. */
int ksock_read(struct ksim_client *cl)
{
	static const uint8_t no_id[16];
	struct nx_msg *m = cl->ks->msg;
	int st = nx_wire_recv(cl->fd, m, MSG_DONTWAIT);

	if (st == -NX_EAGAIN)
		return 0;
	if (cl->first_ns == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		cl->first_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	if (st == 0 || st == -NX_EPIPE)
		return -1;
	if (cl->seed) {
		if (st > 0)
			seed_bridge_reply(cl, m);
		nx_msg_release(m);
		return 0;
	}
	long err = st < 0 ? st : 0;
	if (err == 0 && m->hdr.kind != NX_FRAME_KCALL)
		err = -NX_ENOSYS;
	else if (err == 0 && m->len < sizeof(struct nx_kcall))
		err = -NX_EINVAL;
	else if (err == 0 && m->hdr.arg > UINT32_MAX)
		err = -NX_ENOSYS;
	if (err != 0) {
		send_reply(cl, m->have_hdr ? m->hdr.id : no_id, err, NULL, 0, -1);
		nx_msg_release(m);
		return 0;
	}
	struct ksim_call *call = calloc(1, sizeof(*call));
	uint8_t *body = malloc(m->len);
	if (call == NULL || body == NULL) {
		free(call);
		free(body);
		send_reply(cl, m->hdr.id, -NX_ENOMEM, NULL, 0, -1);
		nx_msg_release(m);
		return 0;
	}
	memcpy(body, m->body, m->len);
	*call = (struct ksim_call){
	    .nr = (unsigned)m->hdr.arg, .body = body, .len = m->len, .fd = nx_msg_take_fd(m)};
	memcpy(call->id, m->hdr.id, sizeof(call->id));
	nx_msg_release(m);
	if (serve(cl, call)) {
		if (cl->parked == NULL) {
			cl->parked = call;
			return 0;
		}
		/* The kernel allows one parked call per caller; it never parks two. */
		send_reply(cl, call->id, -NX_EAGAIN, NULL, 0, -1);
	}
	ksock_call_free(call);
	return 0;
}
