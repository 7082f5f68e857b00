/*
 * The gdb stub's I/O (gdb.h): a listening TCP socket, one gdb connection
 * at a time and an eventfd, all watched by the kernel loop. Packets are
 * answered as they arrive (gdb_cmd.c) except those about the task before
 * it is first held: the first of those waits, with what follows it, until
 * the kernel says the task is held. Kernel events (kernel/debug.h) arrive
 * from inside the kernel, so they only record, send a stop reply gdb is
 * waiting for, and kick the eventfd for the loop to carry on from there.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cli.h"
#include "gdb_impl.h"
#include "ksim.h"

/*
 * sendmsg and recvmsg, not send and recv (sendto, recvfrom): the loop's
 * sandbox allows those already for the kernel sockets (docs/security.md).
 */
static ssize_t send_bytes(int fd, const void *buf, size_t len)
{
	struct iovec iov = {(void *)buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	return sendmsg(fd, &m, MSG_NOSIGNAL);
}

static ssize_t recv_bytes(int fd, void *buf, size_t len)
{
	struct iovec iov = {buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	return recvmsg(fd, &m, MSG_DONTWAIT);
}

static void send_frame(struct gdb_stub *g, const char *data, size_t len)
{
	static char frame[2 * GDB_PKT_MAX + 4];
	size_t n = gdb_frame(data, len, frame);
	/* gdb reads what it asked for: a blocking send of one reply is short. */
	if (g->cfd >= 0 && send_bytes(g->cfd, frame, n) != (ssize_t)n)
		fprintf(stderr, "nexus-sim: gdb: lost a reply: %s\n", strerror(errno));
}

static void send_stop(struct gdb_stub *g)
{
	char reply[64];
	g->running = 0;
	send_frame(g, reply, gdb_stop_reply(g, reply));
}

/*
 * The connection closes. The kernel knows one debugger per run, gone with
 * it: the stub stops listening too.
 */
static void disconnect(struct gdb_stub *g)
{
	if (g->cfd >= 0) {
		ksim_unwatch(g->ks, g->cfd);
		close(g->cfd);
		g->cfd = -1;
	}
	if (g->lfd >= 0) {
		ksim_unwatch(g->ks, g->lfd);
		close(g->lfd);
		g->lfd = -1;
	}
	g->in.len = 0;
	g->pending_len = 0;
	g->running = 0;
}

/* Answer one packet; 0, or -1 when it waits for the task (it is kept) or gdb is gone. */
static int answer(struct gdb_stub *g, const char *pkt, size_t len)
{
	static char reply[GDB_PKT_MAX + 1];
	size_t rlen;
	enum gdb_cmd_result r = gdb_cmd(g, pkt, len, reply, &rlen);

	if (r == GDB_WAIT_HELD) {
		if (pkt != g->pending) {
			memcpy(g->pending, pkt, len + 1);
			g->pending_len = len;
		}
		return -1;
	}
	g->pending_len = 0;
	if (r == GDB_REPLY || r == GDB_DETACHED)
		send_frame(g, reply, rlen);
	if (r == GDB_DETACHED)
		disconnect(g);
	return g->cfd >= 0 ? 0 : -1;
}

/* Answer what has arrived, up to a packet that must wait for the task. */
static void serve(struct gdb_stub *g)
{
	static char pkt[GDB_PKT_MAX + 1];
	size_t len;

	if (g->pending_len > 0 && answer(g, g->pending, g->pending_len) != 0)
		return;
	while (g->cfd >= 0) {
		enum gdb_item it = gdb_in_next(&g->in, pkt, &len);
		if (it == GDB_NONE)
			return;
		if (it == GDB_BREAK && g->running)
			nxk_dbg_stop(gdb_kernel(g));
		/* Acked at once, even a packet that must wait: gdb would send it again. */
		if ((it == GDB_BAD || it == GDB_PACKET) &&
		    send_bytes(g->cfd, it == GDB_BAD ? "-" : "+", 1) != 1) {
			disconnect(g);
			return;
		}
		if (it == GDB_PACKET && answer(g, pkt, len) != 0)
			return;
	}
}

static void on_client(void *arg, int fd, short revents)
{
	struct gdb_stub *g = arg;
	ssize_t n = 0;
	if (revents & POLLIN)
		n = recv_bytes(fd, g->in.buf + g->in.len, gdb_in_room(&g->in));
	if (n > 0) {
		g->in.len += (size_t)n;
		serve(g);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* gdb went away without detaching: the task goes on without it. */
	nxk_dbg_detach(gdb_kernel(g));
	g->held = 0;
	disconnect(g);
}

static void on_listen(void *arg, int fd, short revents)
{
	struct gdb_stub *g = arg;
	(void)revents;
	/* The one call the sandbox allows for the stub alone: this fd, these flags. */
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	/* One gdb at a time. */
	if (g->cfd >= 0 || ksim_watch(g->ks, c, on_client, g) != 0) {
		close(c);
		return;
	}
	g->cfd = c;
}

static void on_kick(void *arg, int fd, short revents)
{
	uint64_t v;
	(void)revents;
	(void)!read(fd, &v, sizeof(v));
	serve(arg);
}

static void on_event(void *arg, const struct nxk_dbg_event *ev)
{
	struct gdb_stub *g = arg;
	uint64_t one = 1;

	g->last = *ev;
	g->held = ev->why != NXK_DBG_EXITED;
	g->gone = ev->why == NXK_DBG_EXITED;
	if (ev->why == NXK_DBG_ENTRY && g->cfd < 0)
		fprintf(stderr,
			"nexus-sim: gdb: pid %u held at its entry 0x%llx: waiting for gdb on %s\n",
			ev->pid, (unsigned long long)ev->pc, g->where);
	if (g->running)
		send_stop(g);
	/* Packets that waited for the task are served from the loop, not from in here. */
	(void)!write(g->kick, &one, sizeof(one));
}

/* HOST:PORT (checked by sim/opts.c) to a listening socket; -1 with a message. */
static int listen_on(const char *addr, char *where, size_t cap)
{
	char host[256];
	const char *colon = strrchr(addr, ':');
	size_t hlen = (size_t)(colon - addr);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res, *ai;
	int one = 1, fd = -1, e;

	if (hlen >= sizeof(host))
		hlen = sizeof(host) - 1;
	/* [v6]:PORT, as the address is said back. */
	const char *h0 = addr;
	if (hlen >= 2 && h0[0] == '[' && h0[hlen - 1] == ']') {
		h0++;
		hlen -= 2;
	}
	memcpy(host, h0, hlen);
	host[hlen] = 0;
	/* No host: the loopback address, not every interface. */
	if ((e = getaddrinfo(hlen > 0 ? host : "127.0.0.1", colon + 1, &hints, &res)) != 0) {
		fprintf(stderr, "nexus-sim run: --gdb '%s': %s\n", addr, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		/* TCP_NODELAY here: the connection inherits it, and the sandbox allows no
		 * setsockopt. Small replies, each awaited: no delaying them. */
		if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
				bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0)) {
			e = errno;
			close(fd);
			fd = -1;
			errno = e;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "nexus-sim run: --gdb '%s': cannot listen there: %s\n", addr,
			strerror(errno));
		return -1;
	}
	struct sockaddr_storage sa;
	socklen_t sl = sizeof(sa);
	char h[NI_MAXHOST], p[NI_MAXSERV];
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&sa, sl, h, sizeof(h), p, sizeof(p),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		close(fd);
		return -1;
	}
	snprintf(where, cap, strchr(h, ':') != NULL ? "[%s]:%s" : "%s:%s", h, p);
	return fd;
}

int gdb_stub_open(struct ksim *ks, const char *addr, struct gdb_stub **out)
{
	struct gdb_stub *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NX_EXIT_INTERNAL;
	g->ks = ks;
	g->cfd = -1;
	g->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	g->lfd = listen_on(addr, g->where, sizeof(g->where));
	if (g->lfd < 0 || g->kick < 0) {
		int code = g->lfd < 0 ? NX_EXIT_USAGE : NX_EXIT_INTERNAL;
		if (g->lfd >= 0)
			close(g->lfd);
		if (g->kick >= 0)
			close(g->kick);
		free(g);
		return code;
	}
	if (ksim_watch(ks, g->lfd, on_listen, g) != 0 || ksim_watch(ks, g->kick, on_kick, g) != 0) {
		gdb_stub_close(g);
		return NX_EXIT_INTERNAL;
	}
	fprintf(stderr, "nexus-sim: gdb: listening on %s\n", g->where);
	*out = g;
	return 0;
}

struct nxk *gdb_kernel(const struct gdb_stub *g)
{
	return ksim_kernel(g->ks);
}

int gdb_stub_arm(struct gdb_stub *g)
{
	struct nxk_dbg_ops ops = {on_event, g};
	return nxk_dbg_attach_next(gdb_kernel(g), &ops) == 0 ? 0 : NX_EXIT_INTERNAL;
}

int gdb_stub_listen_fd(const struct gdb_stub *g)
{
	return g != NULL ? g->lfd : -1;
}

void gdb_stub_close(struct gdb_stub *g)
{
	if (g == NULL)
		return;
	/* No more events into g: the kernel outlives it. */
	nxk_dbg_detach(gdb_kernel(g));
	disconnect(g);
	ksim_unwatch(g->ks, g->kick);
	close(g->kick);
	free(g);
}
