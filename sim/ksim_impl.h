/* sim/ internal: the event loop's state, shared by loop.c and ksock.c. */
#ifndef NEXUS_SIM_KSIM_IMPL_H
#define NEXUS_SIM_KSIM_IMPL_H

#include <stdint.h>

#include "ksim.h"
#include "nexus/task.h"
#include "wire.h"

/* A kernel call read from a connection, kept while it is parked. */
struct ksim_call {
	unsigned nr;
	uint8_t id[16];
	uint8_t *body; /* struct nx_kcall + data */
	size_t len;
	int fd; /* the fd that came with it, or -1 */
};

struct ksim_client {
	struct ksim *ks;
	int fd;
	char name[NX_TASK_NAME_MAX];
	struct nxk_caller *c;
	struct ksim_call *parked; /* a call waiting to complete */
	int retry;		  /* the kernel says the parked call can complete */
	int dead;		  /* a reply could not be sent: drop the connection */
	uint64_t first_ns;	  /* CLOCK_MONOTONIC of its first frame, 0 before */
	int seed;		  /* execd's seed connection: replies, not calls (seed_bridge.c) */
};

/* A seed request carried to a service and not yet answered. */
struct seed_pending {
	struct ksim_client *cl; /* the service's seed connection */
	uint16_t ty;
	uint32_t pid;
	uint64_t seq;
	uint8_t id[16];
};

struct ksim_watch {
	int fd;
	void (*cb)(void *arg, int fd, short revents);
	void *arg;
	int ending;   /* ksim_watch_ending */
	short events; /* POLLIN, or POLLOUT (ksim_watch_out) */
};

/* Everything the loop polls: clients, watched fds, the console when it waits. */
#define KSIM_POLL_MAX (KSIM_CLIENTS_MAX + KSIM_WATCH_MAX + 1)

struct ksim {
	struct nxk *k;
	struct nxk_opts kopts;	  /* what the kernel was made with, for ksim_reset */
	struct console *con;	  /* where tasks write now: boot_con or payload_con */
	struct console *boot_con; /* NULL when there is no boot console */
	struct console *payload_con;
	int stopped, code;
	struct ksim_client *clients[KSIM_CLIENTS_MAX];
	struct ksim_watch watch[KSIM_WATCH_MAX];
	unsigned nwatch;
	struct watchdog *wd; /* polls for the loop while a task runs alone */
	struct seed_pending seed_pend[NX_SPAWN_PENDING_MAX];
	unsigned seed_n;
	uint64_t seed_seq;
	/* One frame in, one reply body out: the loop serves one call at a time. */
	struct nx_msg *msg;
	uint8_t out[NX_FRAME_BODY_MAX];
};

int ksock_read(struct ksim_client *cl);

/* seed_bridge.c */
/* cl is a service's seed connection (NX_EXEC_SEED_CONN, NX_VFS_SEED_CONN; the first of each name):
 * mark it; 1 if so. */
void seed_bridge_claim(struct ksim *ks, struct ksim_client *cl);
int seed_bridge_send(void *arg, uint32_t pid, const struct nx_msg_hdr *hdr, const void *data,
		     int fd);
void seed_bridge_ended(void *arg, uint32_t pid, const char *name, uint64_t status,
		       const struct nx_crash *crash);
/* A frame from a seed connection: the service's answer to a request. */
void seed_bridge_reply(struct ksim_client *cl, const struct nx_msg *m);
/* cl goes: if it is the seed connection, every open request is answered -NX_EPIPE. */
void seed_bridge_gone(struct ksim *ks, struct ksim_client *cl);
void ksock_retry(struct ksim_client *cl);
void ksock_call_free(struct ksim_call *call);

#endif
