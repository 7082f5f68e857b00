/*
 * libFuzzer target for libnxd's frame reader. The input goes as one
 * SOCK_SEQPACKET datagram through a socketpair into nxd_recv, with 0-3
 * fds attached (the low bits of the first id byte say how many), then
 * through nxd_dispatch_check with a small table. The result must be the
 * one nxd_frame.h documents for those bytes, and no received fd may
 * outlive the message.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemons/lib/nxd_frame.h"
#include "nexus/err.h"
#include "tests/fuzz/fuzz_check.h"

#define FZ_FDS_MAX 3 /* fds attached at most: past NX_FRAME_FDS_MAX */
#define FZ_ID_FDS 16 /* byte of the frame whose low bits give the fd count */
/* Datagrams up to a little past the biggest legal frame, to reach the oversize refusal. */
#define FZ_DGRAM_MAX (sizeof(struct nx_frame) + NX_FRAME_BODY_MAX + 64)

static int sv[2] = {-1, -1}, devnull = -1;
/* The table needs a handler; the harness checks shapes and never calls it. */
static void fz_handler(struct nxd_conn *c, struct nxd_msg *m, void *arg)
{
	(void)c;
	(void)m;
	(void)arg;
}

/* One kind per shape rule, plus the reply kind every daemon sees. */
static const struct nxd_handler table[] = {
    {0x10, fz_handler, 0, 0, NXD_FD_NONE},
    {0x11, fz_handler, 8, 8, NXD_FD_NONE},
    {0x12, fz_handler, 1, NX_FRAME_BODY_MAX, NXD_FD_REQUIRED},
    {0x13, fz_handler, 0, 64, NXD_FD_OPTIONAL},
    {NX_FRAME_REPLY, fz_handler, 0, NX_FRAME_BODY_MAX, NXD_FD_OPTIONAL},
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

/* What nxd_recv must return for this datagram (nxd_frame.h). */
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

static int expected_dispatch(const struct nxd_msg *m)
{
	for (size_t i = 0; i < TABLE_N; i++) {
		if (table[i].kind != m->hdr.kind)
			continue;
		if (m->len < table[i].min_len || m->len > table[i].max_len)
			return -NX_EINVAL;
		if ((table[i].fd == NXD_FD_REQUIRED && m->fd < 0) ||
		    (table[i].fd == NXD_FD_NONE && m->fd >= 0))
			return -NX_EINVAL;
		return 0;
	}
	return -NX_ENOSYS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nxd_msg m;
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
	nxd_msg_init(&m);
	int r = nxd_recv(sv[1], &m);
	FUZZ_CHECK(r == expected_recv(data, size, nfds),
		   "nxd_recv result differs from its contract");
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
			FUZZ_CHECK(h != NULL && h->kind == m.hdr.kind, "wrong handler");
		else
			FUZZ_CHECK(h == NULL && why != NULL, "refusal without a reason");
	}
	nxd_msg_release(&m);
	fuzz_check_no_fd_leak(devnull, lowest_free);
	return 0;
}
