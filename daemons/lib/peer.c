/*
 * A service this daemon calls synchronously (bundlemgrd -> keystored,
 * execd -> bundlemgrd, vfsd -> packagefsd). The connection is made
 * through samgrd when first needed and made again when the service went
 * away (init restarted it): a call that finds its connection broken
 * reconnects once and repeats itself; a service that is not registered
 * yet is asked for again every NX_RECONNECT_POLL_MS until the deadline.
 * Every request a peer serves is idempotent (a verify, a lookup, the
 * install of the very same bundle), so repeating one is safe.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "nexus/err.h"

void nxd_peer_init(struct nxd_peer *p, struct nxd *d, const char *service, int timeout_ms)
{
	int fd;

	p->d = d;
	p->fd = -1;
	p->timeout_ms = timeout_ms;
	snprintf(p->service, sizeof(p->service), "%s", service);
	/* Connected now when the service is up (the usual start order), else at first use. */
	if ((fd = nxd_connect(d, service)) >= 0)
		p->fd = fd;
}

void nxd_peer_close(struct nxd_peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Connect by `due`; 0 or -NX_E* (-NX_ETIMEDOUT while it stays unregistered). */
static int peer_connect(struct nxd_peer *p, uint64_t due)
{
	for (;;) {
		int fd = nxd_connect(p->d, p->service);

		if (fd >= 0) {
			p->fd = fd;
			return 0;
		}
		if (fd != -NX_ESRCH)
			return fd;
		uint64_t now = nxd_now_ms();
		if (now + NX_RECONNECT_POLL_MS >= due)
			return -NX_ETIMEDOUT;
		(void)poll(NULL, 0, NX_RECONNECT_POLL_MS);
	}
}

int64_t nxd_peer_call(struct nxd_peer *p, uint32_t kind, uint64_t arg, const void *body, size_t len,
		      int fd_in, struct nx_msg *reply)
{
	uint64_t due = nxd_now_ms() + (uint64_t)p->timeout_ms;
	int64_t r = -NX_EPIPE;

	for (int attempt = 0; attempt < 2 && r == -NX_EPIPE; attempt++) {
		uint64_t now = nxd_now_ms();

		if (p->fd < 0 && (r = peer_connect(p, due)) != 0)
			break;
		if (now >= due) {
			r = -NX_ETIMEDOUT;
			break;
		}
		r = nxd_call(NULL, p->fd, kind, arg, body, len, fd_in, reply, (int)(due - now));
		/* A broken or silent connection is never used again. */
		if (r == -NX_EPIPE || r == -NX_ETIMEDOUT)
			nxd_peer_close(p);
	}
	return r;
}
