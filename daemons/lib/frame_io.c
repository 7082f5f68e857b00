/*
 * One frame per SOCK_SEQPACKET message. The receive buffer is one byte
 * larger than the biggest legal frame so an oversized one shows up as
 * MSG_TRUNC (or as that extra byte) instead of being cut silently.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "daemons/lib/nxd_frame.h"
#include "nexus/err.h"

/* Room to receive (and then close) a few more fds than allowed. */
#define FRAME_FDS_SEEN 8

void nxd_msg_init(struct nxd_msg *m)
{
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->len = 0;
	m->fd = -1;
	m->have_hdr = 0;
	m->body[0] = 0;
}

int nxd_msg_take_fd(struct nxd_msg *m)
{
	int fd = m->fd;

	m->fd = -1;
	return fd;
}

void nxd_msg_release(struct nxd_msg *m)
{
	if (m->fd >= 0)
		close(m->fd);
	nxd_msg_init(m);
}

int nxd_send(int sock, uint32_t kind, uint64_t arg, const uint8_t id[16], const void *body,
	     size_t len, int fd)
{
	struct nx_frame hdr = {.kind = kind, .len = (uint32_t)len, .arg = arg};
	struct iovec iov[2];
	struct msghdr mh = {0};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	ssize_t n;

	if (len > NX_FRAME_BODY_MAX)
		return -NX_EMSGSIZE;
	if (id != NULL)
		memcpy(hdr.id, id, sizeof(hdr.id));
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)body;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -NX_EAGAIN : errno == EMSGSIZE ? -NX_EMSGSIZE : -NX_EPIPE;
	if ((size_t)n != sizeof(hdr) + len)
		return -NX_EPIPE;
	return 0;
}

/* Take the fds out of the control data: keep one, close the rest. */
static int frame_collect_fds(struct msghdr *mh, struct nxd_msg *m)
{
	int nfds = 0;

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
	if (nfds > NX_FRAME_FDS_MAX || (mh->msg_flags & MSG_CTRUNC)) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return -NX_EBADF;
	}
	return 0;
}

int nxd_recv(int sock, struct nxd_msg *m)
{
	struct iovec iov[2];
	struct msghdr mh = {0};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FRAME_FDS_SEEN * sizeof(int))];
	} cm;
	ssize_t n;
	size_t got;
	int err;

	nxd_msg_release(m);
	iov[0].iov_base = &m->hdr;
	iov[0].iov_len = sizeof(m->hdr);
	/* The extra byte catches a frame longer than the cap. */
	iov[1].iov_base = m->body;
	iov[1].iov_len = NX_FRAME_BODY_MAX + 1;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -NX_EAGAIN : -NX_EPIPE;
	err = frame_collect_fds(&mh, m);
	if (n == 0 && m->fd < 0 && err == 0)
		return 0;
	got = (size_t)n;
	m->have_hdr = got >= sizeof(m->hdr);
	if (err != 0)
		goto bad;
	if (!m->have_hdr) {
		err = -NX_EINVAL;
		goto bad;
	}
	if ((mh.msg_flags & MSG_TRUNC) || got > sizeof(m->hdr) + NX_FRAME_BODY_MAX ||
	    m->hdr.len > NX_FRAME_BODY_MAX) {
		err = -NX_EMSGSIZE;
		goto bad;
	}
	if (m->hdr.len != got - sizeof(m->hdr)) {
		err = -NX_EINVAL;
		goto bad;
	}
	m->len = m->hdr.len;
	m->body[m->len] = 0;
	return 1;
bad:
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	m->len = 0;
	m->body[0] = 0;
	return err;
}
