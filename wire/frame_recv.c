/*
 * Receiving one frame. The receive buffer is one byte larger than the
 * biggest legal frame so an oversized one shows up as MSG_TRUNC (or as
 * that extra byte) instead of being cut silently.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nexus/err.h"
#include "wire.h"

/* Room to receive (and then close) a few more fds than allowed. */
#define FRAME_FDS_SEEN 8

void nx_msg_init(struct nx_msg *m)
{
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->len = 0;
	m->fd = -1;
	m->have_hdr = 0;
	m->body[0] = 0;
}

int nx_msg_take_fd(struct nx_msg *m)
{
	int fd = m->fd;

	m->fd = -1;
	return fd;
}

void nx_msg_release(struct nx_msg *m)
{
	if (m->fd >= 0)
		close(m->fd);
	nx_msg_init(m);
}

int nx_wire_check(const struct nx_frame *hdr, size_t got, int truncated, unsigned nfds, int fds_cut)
{
	if (nfds > NX_FRAME_FDS_MAX || fds_cut)
		return -NX_EBADF;
	if (got < sizeof(*hdr))
		return -NX_EINVAL;
	if (truncated || got > sizeof(*hdr) + NX_FRAME_BODY_MAX || hdr->len > NX_FRAME_BODY_MAX)
		return -NX_EMSGSIZE;
	if (hdr->len != got - sizeof(*hdr))
		return -NX_EINVAL;
	return 0;
}

/* Take the fds out of the control data: keep the first, close the rest; returns how many. */
static unsigned recv_collect_fds(struct msghdr *mh, struct nx_msg *m)
{
	unsigned nfds = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (nfds == 0)
				m->fd = fd;
			else
				close(fd);
			nfds++;
		}
	}
	return nfds;
}

int nx_wire_recv(int sock, struct nx_msg *m, int flags)
{
	struct iovec iov[2];
	struct msghdr mh = {0};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FRAME_FDS_SEEN * sizeof(int))];
	} cm;
	ssize_t n;
	unsigned nfds;
	int err;

	nx_msg_release(m);
	iov[0].iov_base = &m->hdr;
	iov[0].iov_len = sizeof(m->hdr);
	iov[1].iov_base = m->body;
	iov[1].iov_len = NX_FRAME_BODY_MAX + 1;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -NX_EAGAIN : -NX_EPIPE;
	nfds = recv_collect_fds(&mh, m);
	if (n == 0 && nfds == 0 && !(mh.msg_flags & MSG_CTRUNC))
		return 0;
	m->have_hdr = (size_t)n >= sizeof(m->hdr);
	err = nx_wire_check(&m->hdr, (size_t)n, (mh.msg_flags & MSG_TRUNC) != 0, nfds,
			    (mh.msg_flags & MSG_CTRUNC) != 0);
	if (err != 0) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		m->len = 0;
		m->body[0] = 0;
		return err;
	}
	m->len = m->hdr.len;
	m->body[m->len] = 0;
	if (nx_wire_tracer != NULL)
		nx_wire_tracer(NX_WIRE_RECEIVED, sock, &m->hdr, m->fd);
	return 1;
}
