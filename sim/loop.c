/*
 * The kernel process's one loop (see ksim.h): poll the client
 * connections and watched fds, serve what arrived, run one scheduler
 * slice when a task is ready. No timers: what a task does depends only
 * on the order of events, and a run with no daemons is deterministic.
 * The one other thread, the watchdog, only polls while a task runs alone
 * and tells the kernel (preempt) or the engine (an ending fd) about it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"
#include "ksim_impl.h"
#include "nexus/err.h"
#include "watchdog.h"

enum { PFD_CLIENT, PFD_WATCH, PFD_CONSOLE };

static int console(void *arg, const char *buf, size_t len)
{
	return console_put(((struct ksim *)arg)->con, buf, len);
}

static void client_wake(void *arg)
{
	((struct ksim_client *)arg)->retry = 1;
}

static int kconnect(void *arg, const char *name)
{
	struct ksim *ks = arg;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -NX_ENOMEM;
	if (ksim_add_client(ks, sv[0], name) != 0) {
		close(sv[1]);
		return -NX_EAGAIN;
	}
	return sv[1];
}

/* Fill pfd, kind and ending with what the loop polls; returns how many. */
static nfds_t pollset(struct ksim *ks, struct pollfd *pfd, short *kind, unsigned char *ending)
{
	nfds_t n = 0;
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++) {
		if (ks->clients[i] == NULL)
			continue;
		kind[n] = PFD_CLIENT;
		ending[n] = 0;
		pfd[n++] = (struct pollfd){.fd = ks->clients[i]->fd, .events = POLLIN};
	}
	for (unsigned i = 0; i < ks->nwatch; i++) {
		kind[n] = PFD_WATCH;
		ending[n] = (unsigned char)ks->watch[i].ending;
		pfd[n++] = (struct pollfd){.fd = ks->watch[i].fd, .events = ks->watch[i].events};
	}
	int cfd = console_wait_fd(ks->con);
	if (cfd >= 0) {
		kind[n] = PFD_CONSOLE;
		ending[n] = 0;
		pfd[n++] = (struct pollfd){.fd = cfd, .events = POLLOUT};
	}
	return n;
}

/* nxk_opts.alone: the watchdog polls for the loop while the task runs alone. */
static void run_alone(void *arg, struct nxk_cpu *cpu)
{
	struct ksim *ks = arg;
	struct pollfd pfd[KSIM_POLL_MAX];
	short kind[KSIM_POLL_MAX];
	unsigned char ending[KSIM_POLL_MAX];

	if (cpu == NULL) {
		watchdog_disarm(ks->wd);
		return;
	}
	nfds_t n = pollset(ks, pfd, kind, ending);
	(void)watchdog_arm(ks->wd, cpu, pfd, ending, (unsigned)n);
}

static int preempt(void *arg)
{
	return watchdog_fired(((struct ksim *)arg)->wd);
}

struct ksim *ksim_new(const struct ksim_opts *opts)
{
	struct ksim *ks = calloc(1, sizeof(*ks));
	if (ks == NULL || (ks->msg = malloc(sizeof(*ks->msg))) == NULL) {
		free(ks);
		return NULL;
	}
	nx_msg_init(ks->msg);
	ks->kopts = (struct nxk_opts){.console = console,
				      .console_arg = ks,
				      .mem_limit = opts->mem_limit,
				      .kconnect = kconnect,
				      .kconnect_arg = ks,
				      .alone = run_alone,
				      .preempt = preempt,
				      .alone_arg = ks,
				      .trace = opts->trace,
				      .seed_send = seed_bridge_send,
				      .seed_ended = seed_bridge_ended,
				      .seed_arg = ks};
	ks->payload_con =
	    opts->console_fd >= 0 ? console_new(opts->console_fd) : console_new_capture();
	if (ks->payload_con != NULL)
		console_set_quota(ks->payload_con, opts->console_quota);
	if (opts->boot_console_fd >= 0 &&
	    (ks->boot_con = console_new(opts->boot_console_fd)) != NULL)
		console_set_quota(ks->boot_con, opts->console_quota);
	ks->con = opts->boot_console_fd >= 0 ? ks->boot_con : ks->payload_con;
	ks->wd = watchdog_new(KSIM_POLL_MAX);
	ks->k = ks->con != NULL && ks->payload_con != NULL && ks->wd != NULL ? nxk_new(&ks->kopts)
									     : NULL;
	if (ks->k == NULL) {
		if (ks->wd != NULL)
			watchdog_free(ks->wd);
		console_free(ks->boot_con);
		console_free(ks->payload_con);
		free(ks->msg);
		free(ks);
		return NULL;
	}
	return ks;
}

static void client_free(struct ksim *ks, unsigned i)
{
	struct ksim_client *cl = ks->clients[i];
	ks->clients[i] = NULL;
	seed_bridge_gone(ks, cl);
	nxk_host_free(cl->c);
	if (cl->parked != NULL)
		ksock_call_free(cl->parked);
	close(cl->fd);
	free(cl);
}

void ksim_free(struct ksim *ks)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++)
		if (ks->clients[i] != NULL)
			client_free(ks, i);
	nxk_free(ks->k);
	watchdog_free(ks->wd);
	console_free(ks->boot_con);
	console_free(ks->payload_con);
	nx_msg_release(ks->msg);
	free(ks->msg);
	free(ks);
}

int ksim_reset(struct ksim *ks)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++)
		if (ks->clients[i] != NULL)
			client_free(ks, i);
	nxk_free(ks->k);
	ks->k = nxk_new(&ks->kopts);
	return ks->k != NULL ? 0 : -1;
}

void ksim_console_switch(struct ksim *ks)
{
	int cfd;

	if (ks->con == ks->payload_con)
		return;
	while ((cfd = console_wait_fd(ks->con)) >= 0) {
		struct pollfd p = {.fd = cfd, .events = POLLOUT};
		if (poll(&p, 1, KSIM_CONSOLE_SWITCH_MS) <= 0 || !console_flush(ks->con))
			break;
	}
	ks->con = ks->payload_con;
}

const char *ksim_console_captured(struct ksim *ks, size_t *len)
{
	return console_captured(ks->payload_con, len);
}

void ksim_console_restart(struct ksim *ks)
{
	console_restart(ks->payload_con);
}

uint64_t ksim_first_call_ns(struct ksim *ks, const char *name)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++)
		if (ks->clients[i] != NULL && strcmp(ks->clients[i]->name, name) == 0)
			return ks->clients[i]->first_ns;
	return 0;
}

int ksim_add_client(struct ksim *ks, int fd, const char *name)
{
	unsigned i = 0;
	while (i < KSIM_CLIENTS_MAX && ks->clients[i] != NULL)
		i++;
	struct ksim_client *cl = i < KSIM_CLIENTS_MAX ? calloc(1, sizeof(*cl)) : NULL;
	if (cl != NULL)
		cl->c = nxk_host_new(ks->k, client_wake, cl);
	if (cl == NULL || cl->c == NULL) {
		free(cl);
		close(fd);
		return -1;
	}
	cl->ks = ks;
	cl->fd = fd;
	strncpy(cl->name, name, sizeof(cl->name) - 1);
	ks->clients[i] = cl;
	seed_bridge_claim(ks, cl);
	return 0;
}

static int watch_add(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents),
		     void *arg, int ending, short events)
{
	if (ks->nwatch == KSIM_WATCH_MAX)
		return -1;
	ks->watch[ks->nwatch++] = (struct ksim_watch){fd, cb, arg, ending, events};
	return 0;
}

int ksim_watch(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents), void *arg)
{
	return watch_add(ks, fd, cb, arg, 0, POLLIN);
}

int ksim_watch_out(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents), void *arg)
{
	return watch_add(ks, fd, cb, arg, 0, POLLOUT);
}

int ksim_watch_ending(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents),
		      void *arg)
{
	return watch_add(ks, fd, cb, arg, 1, POLLIN);
}

void ksim_unwatch(struct ksim *ks, int fd)
{
	for (unsigned i = 0; i < ks->nwatch; i++) {
		if (ks->watch[i].fd == fd) {
			ks->watch[i] = ks->watch[--ks->nwatch];
			return;
		}
	}
}

void ksim_stop(struct ksim *ks, int code)
{
	ks->stopped = 1;
	ks->code = code;
}

struct nxk *ksim_kernel(struct ksim *ks)
{
	return ks->k;
}

/* Parked calls the kernel has since let complete, and dead connections. */
static void settle(struct ksim *ks)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++) {
		struct ksim_client *cl = ks->clients[i];
		if (cl != NULL && cl->retry)
			ksock_retry(cl);
		if (cl != NULL && cl->dead)
			client_free(ks, i);
	}
}

static void serve_client(struct ksim *ks, int fd, short revents)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++) {
		struct ksim_client *cl = ks->clients[i];
		if (cl == NULL || cl->fd != fd)
			continue;
		if ((revents & POLLIN) ? ksock_read(cl) != 0 : (revents & (POLLHUP | POLLERR)) != 0)
			client_free(ks, i);
		settle(ks);
		return;
	}
}

static void serve_watch(struct ksim *ks, int fd, short revents)
{
	for (unsigned i = 0; i < ks->nwatch; i++) {
		if (ks->watch[i].fd == fd) {
			ks->watch[i].cb(ks->watch[i].arg, fd, revents);
			/* The callback may have ended tasks: parked calls may complete now. */
			settle(ks);
			return;
		}
	}
}

/* The console's fd took bytes: tasks waiting for room may go on. */
static void serve_console(struct ksim *ks)
{
	if (console_flush(ks->con)) {
		nxk_console_ready(ks->k);
		settle(ks);
	}
}

int ksim_run(struct ksim *ks)
{
	struct pollfd pfd[KSIM_POLL_MAX];
	short kind[KSIM_POLL_MAX];
	unsigned char ending[KSIM_POLL_MAX];
	ks->stopped = 0;
	while (!ks->stopped) {
		nfds_t n = pollset(ks, pfd, kind, ending);
		int ready = nxk_ready_count(ks->k) > 0;
		if (n == 0 && !ready)
			return -1;
		int r = poll(pfd, n, ready ? 0 : -1);
		if (r < 0 && errno != EINTR)
			return -1;
		for (nfds_t i = 0; r > 0 && i < n && !ks->stopped; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (kind[i] == PFD_CLIENT)
				serve_client(ks, pfd[i].fd, pfd[i].revents);
			else if (kind[i] == PFD_WATCH)
				serve_watch(ks, pfd[i].fd, pfd[i].revents);
			else
				serve_console(ks);
		}
		if (!ks->stopped && nxk_ready_count(ks->k) > 0) {
			nxk_run_slice(ks->k);
			settle(ks);
		}
	}
	return ks->code;
}

void ksim_drain_console(struct ksim *ks, int stop_fd, int stop_fd2)
{
	int cfd;

	while ((cfd = console_wait_fd(ks->con)) >= 0) {
		struct pollfd p[3] = {{.fd = cfd, .events = POLLOUT},
				      {.fd = stop_fd, .events = POLLIN},
				      {.fd = stop_fd2, .events = POLLIN}};
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return;
		if (p[1].revents != 0 || p[2].revents != 0)
			return;
		if (p[0].revents != 0)
			(void)console_flush(ks->con);
	}
}
