/*
 * libFuzzer target for the kernel's host-frame path (sim/ksock.c and
 * sim/loop.c over the real kernel and its Unicorn backend). The input is
 * a sequence of datagrams, each a 16-bit little-endian length and that
 * many bytes (cut short at the end of the input; an empty one ends the
 * sequence), sent on a fresh kernel connection like a daemon's. Replies
 * are read with libnxwire, the checked reader every daemon uses.
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

#include <stdlib.h>

#include "fuzz_check.h"
#include "ksim.h"
#include "nexus/err.h"
#include "wire.h"

/* Datagrams per input: under the socket's queue of unread datagrams, so sending never blocks. */
#define FZ_FRAMES_MAX 8

struct fz_run {
	struct ksim *ks;
	int fd; /* the harness's end */
	uint8_t ids[FZ_FRAMES_MAX][16];
	size_t sent;
	size_t replies;
	struct nx_msg *m;
};

static int devnull = -1;

/* Each reply through the same checked reader the daemons use: it must be well-formed. */
static void drain(void *arg, int fd, short revents)
{
	struct fz_run *run = arg;
	static const uint8_t no_id[16];

	for (;;) {
		int st = nx_wire_recv(fd, run->m, MSG_DONTWAIT);

		if (st == -NX_EAGAIN) {
			/* Nothing more yet: the kernel still has frames to serve. */
			if (!(revents & (POLLHUP | POLLERR)))
				return;
			break;
		}
		if (st == 0)
			break;
		FUZZ_CHECK(st == 1, "the kernel sent a malformed reply");
		FUZZ_CHECK(run->m->hdr.kind == NX_FRAME_REPLY, "reply kind is not NX_FRAME_REPLY");
		int known = 0;
		for (size_t i = 0; i < run->sent; i++)
			known |= nx_id_eq(run->m->hdr.id, run->ids[i]);
		FUZZ_CHECK(known || nx_id_eq(run->m->hdr.id, no_id),
			   "reply id echoes no frame that was sent");
		/* A reply's fd (an exported VMO, a fresh kernel connection) is closed here. */
		nx_msg_release(run->m);
		run->replies++;
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
		run.m = malloc(sizeof(*run.m));
		FUZZ_CHECK(run.m != NULL, "out of memory");
		nx_msg_init(run.m);
	}
	/* Taken per input: libFuzzer opens fds of its own between inputs (its symbolizer pipes). */
	int lowest_free = fuzz_lowest_fd(devnull);
	struct ksim_opts opts = {.console_fd = devnull, .boot_console_fd = -1};
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
