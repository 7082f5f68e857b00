/*
 * libFuzzer target for libnxwire's frame reader and libnxd's dispatch. The input goes as one
 * SOCK_SEQPACKET datagram through a socketpair into nx_wire_recv, with 0-3
 * fds attached (the low bits of the first id byte say how many), then
 * through nxd_dispatch_check with a small table. The result must be the
 * one wire.h documents for those bytes, and no received fd may
 * outlive the message.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nxd_loop.h"
#include "nexus/err.h"
#include "fuzz_check.h"

#define FZ_FDS_MAX 3 /* fds attached at most: past NX_FRAME_FDS_MAX */
#define FZ_ID_FDS 16 /* byte of the frame whose low bits give the fd count */
/* Datagrams up to a little past the biggest legal frame, to reach the oversize refusal. */
#define FZ_DGRAM_MAX (sizeof(struct nx_frame) + NX_FRAME_BODY_MAX + 64)

static int sv[2] = {-1, -1}, devnull = -1;
/* The table needs a handler; the harness checks shapes and never calls it. */
static void fz_handler(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	(void)c;
	(void)m;
	(void)arg;
}

/* One kind per shape rule, plus the reply kind every daemon sees. */
static const struct nxd_handler table[] = {
    {{0x10, 0, 0, NX_FD_NONE}, fz_handler},
    {{0x11, 8, 8, NX_FD_NONE}, fz_handler},
    {{0x12, 1, NX_FRAME_BODY_MAX, NX_FD_REQUIRED}, fz_handler},
    {{0x13, 0, 64, NX_FD_OPTIONAL}, fz_handler},
    {{NX_FRAME_REPLY, 0, NX_FRAME_BODY_MAX, NX_FD_OPTIONAL}, fz_handler},
};
#define TABLE_N (sizeof(table) / sizeof(table[0]))

static void setup(void)
{
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	FUZZ_CHECK(devnull >= 0, "cannot open /dev/null");
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0,
		   "socketpair failed");
}

static void send_input(const uint8_t *data, size_t size, int nfds)
{
	struct iovec iov = {(void *)data, size};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FZ_FDS_MAX * sizeof(int))];
	} cm;

	if (nfds > 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		for (int i = 0; i < nfds; i++)
			memcpy(CMSG_DATA(c) + i * sizeof(int), &devnull, sizeof(int));
	}
	FUZZ_CHECK(sendmsg(sv[0], &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)size,
		   "could not send the input as one datagram");
}

/* What nx_wire_recv must return for this datagram (wire.h). */
static int expected_recv(const uint8_t *data, size_t size, int nfds)
{
	struct nx_frame h;

	if (size == 0 && nfds == 0)
		return 0;
	if (nfds > NX_FRAME_FDS_MAX)
		return -NX_EBADF;
	if (size < sizeof(h))
		return -NX_EINVAL;
	memcpy(&h, data, sizeof(h));
	if (size - sizeof(h) > NX_FRAME_BODY_MAX || h.len > NX_FRAME_BODY_MAX)
		return -NX_EMSGSIZE;
	if (h.len != size - sizeof(h))
		return -NX_EINVAL;
	return 1;
}

static int expected_dispatch(const struct nx_msg *m)
{
	for (size_t i = 0; i < TABLE_N; i++) {
		const struct nx_wire_rule *r = &table[i].rule;
		if (r->kind != m->hdr.kind)
			continue;
		if (m->len < r->min_len || m->len > r->max_len)
			return -NX_EINVAL;
		if ((r->fd == NX_FD_REQUIRED && m->fd < 0) || (r->fd == NX_FD_NONE && m->fd >= 0))
			return -NX_EINVAL;
		return 0;
	}
	return -NX_ENOSYS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nx_msg m;
	const struct nxd_handler *h;
	const char *why = NULL;

	if (size > FZ_DGRAM_MAX)
		return 0;
	if (sv[0] < 0)
		setup();
	/* Taken per input: libFuzzer opens fds of its own between inputs (its symbolizer pipes). */
	int lowest_free = fuzz_lowest_fd(devnull);
	int nfds = size > FZ_ID_FDS ? data[FZ_ID_FDS] % (FZ_FDS_MAX + 1) : 0;
	send_input(data, size, nfds);
	nx_msg_init(&m);
	int r = nx_wire_recv(sv[1], &m, 0);
	FUZZ_CHECK(r == expected_recv(data, size, nfds),
		   "nx_wire_recv result differs from its contract");
	FUZZ_CHECK(m.have_hdr == (size >= sizeof(struct nx_frame)), "have_hdr wrong");
	if (r != 1) {
		FUZZ_CHECK(m.fd == -1 && m.len == 0, "refused frame kept an fd or a body");
	} else {
		FUZZ_CHECK(memcmp(&m.hdr, data, sizeof(m.hdr)) == 0,
			   "header differs from the input");
		FUZZ_CHECK(m.len == m.hdr.len && m.len <= NX_FRAME_BODY_MAX, "len wrong");
		FUZZ_CHECK(memcmp(m.body, data + sizeof(m.hdr), m.len) == 0 && m.body[m.len] == 0,
			   "body differs from the input or is not NUL-terminated");
		FUZZ_CHECK((m.fd >= 0) == (nfds == 1), "fd lost or invented");
		int want = expected_dispatch(&m);
		int got = nxd_dispatch_check(table, TABLE_N, &m, &h, &why);
		FUZZ_CHECK(got == want, "nxd_dispatch_check result wrong");
		if (got == 0)
			FUZZ_CHECK(h != NULL && h->rule.kind == m.hdr.kind, "wrong handler");
		else
			FUZZ_CHECK(h == NULL && why != NULL, "refusal without a reason");
	}
	nx_msg_release(&m);
	fuzz_check_no_fd_leak(devnull, lowest_free);
	return 0;
}
