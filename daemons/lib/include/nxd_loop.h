/*
 * libnxd event loop: one poll loop per process serving connections
 * through dispatch tables, completing asynchronous calls, and watching
 * other fds (signalfd, a control channel). Single-threaded: every
 * callback runs from nxd_loop_run().
 */
#ifndef NXD_LOOP_H
#define NXD_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct nxd_conn;
typedef void (*nxd_handler_fn)(struct nxd_conn *c, struct nx_msg *m, void *arg);

/*
 * A dispatch table entry (OpenBSD style): the request's shape (kind,
 * body length range, fd rule: libnxwire checks it) and its handler.
 */
struct nxd_handler {
	struct nx_wire_rule rule;
	nxd_handler_fn fn;
};

/*
 * Find m's kind in the table and check its shape. Returns 0 with *out
 * set, or -NX_ENOSYS (unknown kind) / -NX_EINVAL (length out of range, fd
 * missing or unexpected) with *why a fixed message.
 */
__attribute__((warn_unused_result)) int nxd_dispatch_check(const struct nxd_handler *table,
							   size_t n, const struct nx_msg *m,
							   const struct nxd_handler **out,
							   const char **why);

#define NXD_LOOP_CONNS_MAX 64 /* connections plus watched fds per process */
#define NXD_CALLS_MAX 16      /* outstanding asynchronous calls per connection */

struct nxd_loop;

struct nxd_loop *nxd_loop_new(void);
/* Closes every connection (pending calls complete with NULL) and watch. */
void nxd_loop_free(struct nxd_loop *l);

/*
 * Add a connection; the loop owns fd from now on (closed on error too).
 * Requests arriving on it go through `table` (may be NULL for a
 * connection used only for calls): a malformed frame or an unknown kind
 * gets an error reply and the connection stays. `peer` names the other
 * side (from samgrd's ACCEPT), kept for access checks. `on_close`, if
 * set, runs once when the peer hangs up or the connection is dropped.
 */
struct nxd_conn *nxd_loop_add(struct nxd_loop *l, int fd, const char *peer,
			      const struct nxd_handler *table, size_t n, void *arg);
void nxd_conn_on_close(struct nxd_conn *c, void (*fn)(void *arg, struct nxd_conn *c), void *arg);
/* Close and forget a connection (pending calls complete with NULL). */
void nxd_conn_drop(struct nxd_conn *c);

int nxd_conn_fd(const struct nxd_conn *c);
const char *nxd_conn_peer(const struct nxd_conn *c);

/*
 * A handler may answer later: nxd_conn_hold() keeps the connection
 * object alive after the peer hangs up (replies then fail with
 * -NX_EPIPE) until the matching nxd_conn_put().
 */
void nxd_conn_hold(struct nxd_conn *c);
void nxd_conn_put(struct nxd_conn *c);

/* Reply to request `req` (its id is echoed). fd stays the caller's. */
int nxd_reply(struct nxd_conn *c, const struct nx_frame *req, int64_t result, const void *body,
	      size_t len, int fd);
/* Error reply with a formatted one-line message (NX_ERRMSG_MAX). */
int nxd_reply_err(struct nxd_conn *c, const struct nx_frame *req, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Asynchronous call on a connection of this loop: sends the frame and
 * returns at once; `done` runs from the loop exactly once, with the reply
 * and err 0, or with NULL and err -NX_EPIPE (the connection closed
 * first) or -NX_ETIMEDOUT (no reply within timeout_ms: the connection is
 * then dropped, failing its other calls with -NX_EPIPE). The reply's fd
 * is the callback's to take. Returns 0 or -NX_E* (then `done` never runs).
 * NXD_NO_DEADLINE is only for a kernel WAIT, which lasts as long as the
 * task it waits for; every call to a daemon has a deadline.
 */
#define NXD_NO_DEADLINE (-1)
typedef void (*nxd_done_fn)(void *arg, struct nx_msg *reply, int err);
int nxd_call_async(struct nxd_conn *c, uint32_t kind, uint64_t arg, const void *body, size_t len,
		   int fd, int timeout_ms, nxd_done_fn done, void *done_arg);

/*
 * Synchronous call: send, then wait at most timeout_ms for the reply
 * with the same id. If `c` is a connection of a loop, frames that arrive
 * meanwhile (a request, another reply) are queued and handled by the
 * loop later, and a missed deadline drops c; with c == NULL, `fd` is a
 * plain socket used only for calls, any other frame is a protocol error
 * (-NX_EINVAL), and after -NX_ETIMEDOUT the caller must not use fd again
 * (a late reply would answer the next call). Returns the reply's result
 * (>= 0 or -NX_E*), with the reply in *reply if non-NULL.
 */
int64_t nxd_call(struct nxd_conn *c, int fd, uint32_t kind, uint64_t arg, const void *body,
		 size_t len, int fd_in, struct nx_msg *reply, int timeout_ms);

/* CLOCK_MONOTONIC in ms: the clock of every deadline. */
uint64_t nxd_now_ms(void);

/* Watch a raw fd for readability (or hang-up); the caller keeps it. */
int nxd_loop_watch(struct nxd_loop *l, int fd, void (*cb)(void *arg, int fd), void *arg);
void nxd_loop_unwatch(struct nxd_loop *l, int fd);

/*
 * Run until nxd_loop_stop(); returns its code. A poll timeout (ms, -1 =
 * none) calls `tick` so a supervisor can run throttled work.
 */
int nxd_loop_run(struct nxd_loop *l);
/*
 * After nxd_loop_run: handle every frame already waiting on any
 * connection, without waiting for more (a daemon told to stop still
 * serves what was sent before the STOP).
 */
void nxd_loop_drain(struct nxd_loop *l);
void nxd_loop_stop(struct nxd_loop *l, int code);
void nxd_loop_set_tick(struct nxd_loop *l, int timeout_ms, void (*tick)(void *arg), void *arg);

#endif
