/*
 * The daemon-facing kernel socket: frames in, kernel calls, frames out.
 * Every frame is checked against what actually arrived before its body is
 * looked at (OpenBSD imsg's habit); nothing a peer sends can end the
 * kernel process, only earn an error reply.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nexus/err.h"
#include "nexus/frame.h"
#include "sim/ksim_impl.h"

/* Room for a few more fds than allowed, so extras are seen and closed. */
#define KSOCK_CMSG_FDS (NX_FRAME_FDS_MAX + 3)

static void send_reply(struct ksim_client *cl, const uint8_t id[16], long result, const void *body,
		       size_t len, int fd)
{
	struct nx_frame h = {.kind = NX_FRAME_REPLY, .len = (uint32_t)len, .arg = (uint64_t)result};
	memcpy(h.id, id, sizeof(h.id));
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)body, len}};
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = len > 0 ? 2 : 1};
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(cl->fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	/* A peer that cannot take its reply has gone: its connection ends. */
	if (n < 0)
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

static void call_free(struct ksim_call *call)
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
	call_free(call);
}

/* The fds a message carried; -1 if it carried more than allowed (all closed). */
static int take_fds(struct msghdr *m, int *fd)
{
	int n = 0, too_many = (m->msg_flags & MSG_CTRUNC) != 0;
	*fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n++ < NX_FRAME_FDS_MAX && *fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
	if (n > NX_FRAME_FDS_MAX || too_many) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

/* Read and serve one frame. 0, or -1 when the peer has gone. */
int ksock_read(struct ksim_client *cl)
{
	uint8_t *buf = cl->ks->in;
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(KSOCK_CMSG_FDS * sizeof(int))];
	} u;
	/* One byte more than the biggest valid frame: an oversized one shows as MSG_TRUNC. */
	struct iovec iov = {buf, sizeof(struct nx_frame) + NX_FRAME_BODY_MAX + 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = u.buf,
			   .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	do
		n = recvmsg(cl->fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		return -1;
	int fd;
	int fds_ok = take_fds(&m, &fd) == 0;
	static const uint8_t no_id[16];
	if ((size_t)n < sizeof(struct nx_frame)) {
		send_reply(cl, no_id, -NX_EINVAL, NULL, 0, -1);
		goto drop;
	}
	struct nx_frame h;
	memcpy(&h, buf, sizeof(h));
	long err = 0;
	if ((m.msg_flags & MSG_TRUNC) || (size_t)n > sizeof(h) + NX_FRAME_BODY_MAX)
		err = -NX_EMSGSIZE;
	else if (h.len != (size_t)n - sizeof(h))
		err = -NX_EINVAL;
	else if (h.kind != NX_FRAME_KCALL)
		err = -NX_ENOSYS;
	else if (h.len < sizeof(struct nx_kcall))
		err = -NX_EINVAL;
	else if (!fds_ok)
		err = -NX_EINVAL;
	else if (h.arg > UINT32_MAX)
		err = -NX_ENOSYS;
	if (err != 0) {
		send_reply(cl, h.id, err, NULL, 0, -1);
		goto drop;
	}
	struct ksim_call *call = calloc(1, sizeof(*call));
	uint8_t *body = malloc(h.len);
	if (call == NULL || body == NULL) {
		free(call);
		free(body);
		send_reply(cl, h.id, -NX_ENOMEM, NULL, 0, -1);
		goto drop;
	}
	memcpy(body, buf + sizeof(h), h.len);
	*call = (struct ksim_call){.nr = (unsigned)h.arg, .body = body, .len = h.len, .fd = fd};
	memcpy(call->id, h.id, sizeof(call->id));
	if (serve(cl, call)) {
		if (cl->parked == NULL) {
			cl->parked = call;
			return 0;
		}
		/* The kernel allows one parked call per caller; it never parks two. */
		send_reply(cl, call->id, -NX_EAGAIN, NULL, 0, -1);
	}
	call_free(call);
	return 0;
drop:
	if (fd >= 0)
		close(fd);
	return 0;
}
