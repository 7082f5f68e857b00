/*
 * libFuzzer target for the kernel's host-frame path (sim/ksock.c and
 * sim/loop.c over the real kernel and its Unicorn backend). The input is
 * a sequence of datagrams, each a 16-bit little-endian length and that
 * many bytes (cut short at the end of the input; an empty one ends the
 * sequence), sent on a fresh kernel connection like a daemon's.
 *
 * ksim has no single-step call, but its public API bounds a run: after
 * the datagrams the harness shuts its sending side, the kernel serves
 * every queued frame, reads end-of-stream and drops the connection, and a
 * watch on the harness's end sees the close and calls ksim_stop. Every
 * reply is checked on the way: a well-formed NX_FRAME_REPLY echoing the
 * id of a frame that was sent; each frame earns one reply, except one
 * parked call dropped with its connection.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nexus/frame.h"
#include "sim/ksim.h"
#include "tests/fuzz/fuzz_check.h"

/* Datagrams per input: under the socket's queue of unread datagrams, so sending never blocks. */
#define FZ_FRAMES_MAX 8
#define FZ_CMSG_FDS 4 /* room for more fds than a reply may carry */

struct fz_run {
	struct ksim *ks;
	int fd; /* the harness's end */
	uint8_t ids[FZ_FRAMES_MAX][16];
	size_t sent;
	size_t replies;
	uint8_t buf[sizeof(struct nx_frame) + NX_FRAME_BODY_MAX + 1];
};

static int devnull = -1;

/* A reply's fds (an exported VMO, a fresh kernel connection) are the harness's to close. */
static int close_fds(struct msghdr *mh)
{
	int n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
			n++;
		}
	}
	return n;
}

static void check_reply(struct fz_run *run, size_t n, int nfds)
{
	static const uint8_t no_id[16];
	struct nx_frame h;
	int known = 0;

	FUZZ_CHECK(n >= sizeof(h), "reply shorter than a frame header");
	memcpy(&h, run->buf, sizeof(h));
	FUZZ_CHECK(h.kind == NX_FRAME_REPLY, "reply kind is not NX_FRAME_REPLY");
	FUZZ_CHECK(h.len == n - sizeof(h) && h.len <= NX_FRAME_BODY_MAX, "reply len wrong");
	FUZZ_CHECK(nfds <= NX_FRAME_FDS_MAX, "reply carries too many fds");
	for (size_t i = 0; i < run->sent; i++)
		known |= memcmp(h.id, run->ids[i], sizeof(h.id)) == 0;
	FUZZ_CHECK(known || memcmp(h.id, no_id, sizeof(h.id)) == 0,
		   "reply id echoes no frame that was sent");
	run->replies++;
}

static void drain(void *arg, int fd, short revents)
{
	struct fz_run *run = arg;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FZ_CMSG_FDS * sizeof(int))];
	} cm;

	(void)revents;
	for (;;) {
		struct iovec iov = {run->buf, sizeof(run->buf)};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cm.buf,
				    .msg_controllen = sizeof(cm.buf)};
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0) {
			/* Nothing more yet: the kernel still has frames to serve. */
			if (!(revents & (POLLHUP | POLLERR)))
				return;
			break;
		}
		int nfds = close_fds(&mh);
		if (n == 0 && nfds == 0)
			break;
		FUZZ_CHECK(!(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)), "reply over the frame cap");
		check_reply(run, (size_t)n, nfds);
	}
	ksim_stop(run->ks, 0);
}

/* Send the input's datagrams; the rest of an input past FZ_FRAMES_MAX is ignored. */
static void send_frames(struct fz_run *run, const uint8_t *data, size_t size)
{
	while (size > 0 && run->sent < FZ_FRAMES_MAX) {
		size_t len = size >= 2 ? (size_t)(data[0] | data[1] << 8) : 0;
		size_t hdr = size >= 2 ? 2 : size;

		data += hdr;
		size -= hdr;
		if (len > size)
			len = size;
		/* An empty datagram reads as end of stream: nothing after it is seen. */
		if (len == 0)
			break;
		memset(run->ids[run->sent], 0, 16);
		if (len >= sizeof(struct nx_frame))
			memcpy(run->ids[run->sent], data + offsetof(struct nx_frame, id), 16);
		ssize_t n = send(run->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		FUZZ_CHECK(n == (ssize_t)len, "could not queue a frame for the kernel");
		run->sent++;
		data += len;
		size -= len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_run run;
	int sv[2];

	if (devnull < 0) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		FUZZ_CHECK(devnull >= 0, "cannot open /dev/null");
	}
	/* Taken per input: libFuzzer opens fds of its own between inputs (its symbolizer pipes). */
	int lowest_free = fuzz_lowest_fd(devnull);
	struct ksim_opts opts = {.console_fd = devnull};
	run.ks = ksim_new(&opts);
	FUZZ_CHECK(run.ks != NULL, "ksim_new failed");
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0,
		   "socketpair failed");
	FUZZ_CHECK(ksim_add_client(run.ks, sv[0], "fuzz") == 0, "ksim_add_client failed");
	run.fd = sv[1];
	run.sent = 0;
	run.replies = 0;
	send_frames(&run, data, size);
	FUZZ_CHECK(shutdown(run.fd, SHUT_WR) == 0, "shutdown failed");
	FUZZ_CHECK(ksim_watch(run.ks, run.fd, drain, &run) == 0, "ksim_watch failed");
	FUZZ_CHECK(ksim_run(run.ks) == 0, "ksim_run ended without the harness's stop");
	FUZZ_CHECK(run.replies <= run.sent && run.replies + 1 >= run.sent,
		   "frames and replies do not pair up");
	ksim_free(run.ks);
	close(run.fd);
	fuzz_check_no_fd_leak(devnull, lowest_free);
	return 0;
}
