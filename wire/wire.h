/*
 * libnxwire: the one frame codec below the kernel process and libnxd.
 * One nx_frame (nexus/frame.h) per SOCK_SEQPACKET message, at most
 * NX_FRAME_FDS_MAX fds by SCM_RIGHTS. imsg habits: a hard maximum, the
 * length checked against what arrived before the body is looked at, extra
 * fds closed, a received fd handed over so its owner is never ambiguous.
 */
#ifndef NX_WIRE_H
#define NX_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/frame.h"

/*
 * A received frame. `fd` belongs to the message until nx_msg_take_fd();
 * nx_msg_release() closes it if nobody took it. body[len] is always a
 * NUL so a string body can be read in place after its length is checked.
 */
struct nx_msg {
	struct nx_frame hdr;
	uint32_t len; /* body bytes, == hdr.len once nx_wire_recv accepted it */
	int fd;	      /* received fd or -1 */
	int have_hdr; /* the 32-byte header arrived (an error reply can echo its id) */
	uint8_t body[NX_FRAME_BODY_MAX + 1];
};

void nx_msg_init(struct nx_msg *m);
int nx_msg_take_fd(struct nx_msg *m);
void nx_msg_release(struct nx_msg *m);

/* The result of a reply frame as a signed value (-NX_E* on error). */
static inline int64_t nx_msg_result(const struct nx_msg *m)
{
	return (int64_t)m->hdr.arg;
}

/*
 * Send one frame; `fd` (or -1) stays the caller's. Never raises SIGPIPE.
 * Returns 0, -NX_EMSGSIZE for a body over NX_FRAME_BODY_MAX, -NX_EPIPE
 * when the peer is gone, -NX_EAGAIN when a non-blocking socket is full.
 */
__attribute__((warn_unused_result)) int nx_wire_send(int sock, uint32_t kind, uint64_t arg,
						     const uint8_t id[16], const void *body,
						     size_t len, int fd);

/*
 * Receive one frame into m (released first). `flags` are passed to
 * recvmsg (MSG_DONTWAIT for a poll loop on a blocking socket). Returns 1
 * for a well-formed frame, 0 at end of stream, or a refusal (see
 * nx_wire_check) / -NX_EAGAIN nothing to read / -NX_EPIPE socket error.
 * After a refusal m->have_hdr says whether hdr.id is valid; no fd is ever
 * left open by a refused frame.
 */
__attribute__((warn_unused_result)) int nx_wire_recv(int sock, struct nx_msg *m, int flags);

/*
 * The checks nx_wire_recv makes of one datagram, as a pure function (the
 * fuzz target drives it directly): `got` bytes arrived, the first 32 of
 * them `hdr` when got >= 32; `truncated` when the kernel cut the datagram
 * (MSG_TRUNC); `nfds` fds came with it, `fds_cut` when some were cut
 * (MSG_CTRUNC). 0, or -NX_EBADF more than NX_FRAME_FDS_MAX fds, -NX_EINVAL
 * short (under 32 bytes) or len not equal to the body that arrived,
 * -NX_EMSGSIZE body over NX_FRAME_BODY_MAX.
 */
int nx_wire_check(const struct nx_frame *hdr, size_t got, int truncated, unsigned nfds,
		  int fds_cut);

/*
 * Tracing (nexus-sim --trace=ipc, --timeline): when set, called after
 * each frame sent and each well-formed frame received, with the fd that
 * came with it (-1 for none). While it is set a frame sent without an id
 * gets a fresh one, so that the records of its two ends pair up. NULL,
 * the usual case, costs each frame one branch.
 */
#define NX_WIRE_SENT 0
#define NX_WIRE_RECEIVED 1
extern void (*nx_wire_tracer)(int dir, int sock, const struct nx_frame *hdr, int fd);

/* A fresh request id: unique within this host for the life of the run. */
void nx_id_new(uint8_t id[16]);
int nx_id_eq(const uint8_t a[16], const uint8_t b[16]);

/*
 * A request's shape: its kind, the body length range and whether an fd
 * must, may or must not come with it. Dispatch tables (libnxd's handlers,
 * nexus-sim's control channel) check every request against its rule
 * before a handler sees it.
 */
enum nx_fd_rule { NX_FD_NONE, NX_FD_REQUIRED, NX_FD_OPTIONAL };

struct nx_wire_rule {
	uint32_t kind;
	uint32_t min_len, max_len;
	enum nx_fd_rule fd;
};

/*
 * Check m against its rule. 0, or -NX_EINVAL (length out of range, fd
 * missing or unexpected) with *why a fixed message.
 */
__attribute__((warn_unused_result)) int
nx_wire_check_shape(const struct nx_wire_rule *r, const struct nx_msg *m, const char **why);

#endif
