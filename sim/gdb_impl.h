/* sim/ internal: the gdb stub's state, shared by gdb_stub.c (I/O) and gdb_cmd.c (commands). */
#ifndef NEXUS_SIM_GDB_IMPL_H
#define NEXUS_SIM_GDB_IMPL_H

#include <stddef.h>

#include "debug.h"
#include "gdb.h"
#include "gdb_pkt.h"

struct gdb_stub {
	struct ksim *ks;
	int lfd;	/* listening socket */
	int cfd;	/* gdb's connection, or -1 */
	int kick;	/* eventfd: the loop calls us back after a kernel event */
	char where[80]; /* HOST:PORT listened on */
	struct gdb_in in;
	char pending[GDB_PKT_MAX + 1]; /* a packet that waits for the task to be held */
	size_t pending_len;	       /* 0: none */
	int held;		       /* the task is held: gdb may look at it */
	int running;		       /* gdb let it go and waits for a stop reply */
	int gone;		       /* it ended (last says how) */
	struct nxk_dbg_event last;
};

/*
 * The kernel of the moment: a soft reboot during the boot makes a new one
 * (sim/ksim.h ksim_reset), so it is never kept.
 */
struct nxk *gdb_kernel(const struct gdb_stub *g);

/* What gdb_cmd did with a packet. */
enum gdb_cmd_result {
	GDB_REPLY,     /* the reply is ready */
	GDB_LATER,     /* the task runs: the stop reply comes with its next event */
	GDB_NO_REPLY,  /* nothing to send (k) */
	GDB_WAIT_HELD, /* needs the task held: keep the packet until it is */
	GDB_DETACHED,  /* the reply is ready; then close the connection */
};

/* Answer one packet; reply has room for GDB_PKT_MAX + 1 bytes. */
enum gdb_cmd_result gdb_cmd(struct gdb_stub *g, const char *pkt, size_t len, char *reply,
			    size_t *rlen);
/* The stop reply for g->last (T, W or X). */
size_t gdb_stop_reply(const struct gdb_stub *g, char *reply);

#endif
