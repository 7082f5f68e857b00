/*
 * libnxd framing: one nx_frame per SOCK_SEQPACKET message, at most one fd
 * by SCM_RIGHTS (imsg habits: a hard maximum, the length checked against
 * what arrived before anything is parsed, extra fds closed, a received fd
 * handed over so its owner is never ambiguous).
 */
#ifndef NXD_FRAME_H
#define NXD_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/frame.h"

/*
 * A received frame. `fd` belongs to the message until nxd_msg_take_fd();
 * nxd_msg_release() closes it if nobody took it. body[len] is always a
 * NUL so a string body can be read in place after its length is checked.
 */
struct nxd_msg {
	struct nx_frame hdr;
	uint32_t len; /* body bytes, == hdr.len once nxd_recv accepted it */
	int fd;	      /* received fd or -1 */
	int have_hdr; /* the 32-byte header arrived (an error reply can echo its id) */
	uint8_t body[NX_FRAME_BODY_MAX + 1];
};

void nxd_msg_init(struct nxd_msg *m);
int nxd_msg_take_fd(struct nxd_msg *m);
void nxd_msg_release(struct nxd_msg *m);

/*
 * Send one frame; `fd` (or -1) stays the caller's. Never raises SIGPIPE.
 * Returns 0, -NX_EMSGSIZE for a body over NX_FRAME_BODY_MAX, -NX_EPIPE
 * when the peer is gone, -NX_EAGAIN when a non-blocking socket is full.
 */
__attribute__((warn_unused_result)) int nxd_send(int sock, uint32_t kind, uint64_t arg,
						 const uint8_t id[16], const void *body, size_t len,
						 int fd);

/*
 * Receive one frame into m (released first). Returns 1 for a well-formed
 * frame, 0 at end of stream, or a refusal: -NX_EINVAL short frame (under
 * 32 bytes) or len not equal to the bytes that arrived; -NX_EMSGSIZE body
 * over the cap; -NX_EBADF more than NX_FRAME_FDS_MAX fds (all closed);
 * -NX_EAGAIN nothing to read on a non-blocking socket; -NX_EPIPE on a
 * socket error. After a refusal m->have_hdr says whether hdr.id is valid;
 * no fd is ever left open by a refused frame.
 */
__attribute__((warn_unused_result)) int nxd_recv(int sock, struct nxd_msg *m);

/* A fresh request id: unique within this host for the life of the run. */
void nxd_id_new(uint8_t id[16]);
int nxd_id_eq(const uint8_t a[16], const uint8_t b[16]);

/*
 * Dispatch table (OpenBSD style): one entry per kind with the body length
 * range and whether an fd must, may or must not come with it.
 */
enum nxd_fd_rule { NXD_FD_NONE, NXD_FD_REQUIRED, NXD_FD_OPTIONAL };

struct nxd_conn;
typedef void (*nxd_handler_fn)(struct nxd_conn *c, struct nxd_msg *m, void *arg);

struct nxd_handler {
	uint32_t kind;
	nxd_handler_fn fn;
	uint32_t min_len, max_len;
	enum nxd_fd_rule fd;
};

/*
 * Find m's kind in the table and check its shape. Returns 0 with *out
 * set, or -NX_ENOSYS (unknown kind) / -NX_EINVAL (length out of range, fd
 * missing or unexpected) with *why a fixed message.
 */
__attribute__((warn_unused_result)) int nxd_dispatch_check(const struct nxd_handler *table,
							   size_t n, const struct nxd_msg *m,
							   const struct nxd_handler **out,
							   const char **why);

/* The result of a reply frame as a signed value (-NX_E* on error). */
static inline int64_t nxd_result(const struct nxd_msg *m)
{
	return (int64_t)m->hdr.arg;
}

#endif
