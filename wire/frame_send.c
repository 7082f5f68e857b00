/* Sending one frame, with at most one fd. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "nexus/err.h"
#include "wire.h"

void (*nx_wire_tracer)(int dir, int sock, const struct nx_frame *hdr, int fd);

int nx_wire_send(int sock, uint32_t kind, uint64_t arg, const uint8_t id[16], const void *body,
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
	else if (nx_wire_tracer != NULL)
		nx_id_new(hdr.id);
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
	if (nx_wire_tracer != NULL)
		nx_wire_tracer(NX_WIRE_SENT, sock, &hdr, fd);
	return 0;
}
