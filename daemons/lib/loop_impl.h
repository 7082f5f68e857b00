/* libnxd internals shared by the loop and the synchronous call; not public. */
#ifndef NXD_LOOP_IMPL_H
#define NXD_LOOP_IMPL_H

#include "nxd_loop.h"
#include "nexus/limits.h"

struct nxd_pending {
	int used;
	uint64_t due; /* nxd_now_ms() past which the call has failed */
	uint8_t id[16];
	nxd_done_fn done;
	void *arg;
};

/* A frame that arrived during a synchronous call, handled by the loop later. */
struct nxd_queued {
	struct nxd_queued *next;
	int status;	   /* what nx_wire_recv returned for it */
	struct nx_msg msg; /* allocated only up to body[len] */
};

struct nxd_conn {
	struct nxd_loop *loop;
	int fd;
	int dead;
	int holds;
	int hang; /* fault injection: the first request on it never gets an answer */
	char peer[NX_SVC_NAME_MAX];
	const struct nxd_handler *table;
	size_t n;
	void *arg;
	void (*on_close)(void *arg, struct nxd_conn *c);
	void *close_arg;
	struct nxd_pending calls[NXD_CALLS_MAX];
	struct nxd_queued *qhead, *qtail;
};

struct nxd_watch {
	int fd;
	void (*cb)(void *arg, int fd);
	void *arg;
};

struct nxd_loop {
	struct nxd_conn *conns[NXD_LOOP_CONNS_MAX];
	size_t nconns;
	struct nxd_watch watches[NXD_LOOP_CONNS_MAX];
	size_t nwatches;
	int stopped, code;
	int hang_new; /* fault injection: connections added from now on hang (nxd_ready) */
	int tick_ms;
	void (*tick)(void *arg);
	void *tick_arg;
	struct nx_msg *msg; /* receive buffer: NX_FRAME_BODY_MAX is too big for the stack */
};

/* Handle one frame as the loop would (status as nx_wire_recv returned it). */
void nxd_conn_handle(struct nxd_conn *c, struct nx_msg *m, int status);
/* Keep a frame for the loop; takes m's fd. */
void nxd_conn_enqueue(struct nxd_conn *c, struct nx_msg *m, int status);

/* The name fatal() and the loop's console lines use. */
const char *nxd_progname(void);

#endif
