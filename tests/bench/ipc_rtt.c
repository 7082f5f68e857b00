/*
 * ipc-rtt: the cost of one daemon IPC round trip (a libnxd call: 32-byte
 * frame header, id matching, a served dispatch table, a reply) beside a
 * raw SOCK_SEQPACKET socketpair round trip of the same 32 bytes, both
 * between two processes. Printed by `make bench`; asserts nothing.
 *
 * Both processes are pinned to one CPU: on this VM a wake-up across
 * vCPUs costs ~50 us each way and would swamp what is measured.
 *
 *   ipc-rtt [N]
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"
#include "nxd_loop.h"
#include "nexus/frame.h"

#define RTT_KIND 0x7f01u /* a kind of this benchmark's own */
#define RTT_DEFAULT_N 100000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void raw_echo(int fd)
{
	struct nx_frame f;

	while (read(fd, &f, sizeof(f)) == (ssize_t)sizeof(f))
		if (write(fd, &f, sizeof(f)) != (ssize_t)sizeof(f))
			break;
}

static void on_ping(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	(void)arg;
	nxd_reply(c, &m->hdr, 0, NULL, 0, -1);
}

static void on_close(void *arg, struct nxd_conn *c)
{
	(void)c;
	nxd_loop_stop(arg, 0);
}

static void nxd_echo(int fd)
{
	static const struct nxd_handler table[] = {{{RTT_KIND, 0, 0, NX_FD_NONE}, on_ping}};
	struct nxd_loop *l = nxd_loop_new();

	if (l == NULL)
		_exit(1);
	struct nxd_conn *c = nxd_loop_add(l, fd, "bench", table, 1, NULL);
	if (c == NULL)
		_exit(1);
	nxd_conn_on_close(c, on_close, l);
	nxd_loop_run(l);
	nxd_loop_free(l);
}

/* Fork a server running `serve` on one end; return the other end. */
static int start_server(void (*serve)(int), pid_t *pid)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		perror("ipc-rtt: socketpair");
		exit(1);
	}
	*pid = fork();
	if (*pid < 0) {
		perror("ipc-rtt: fork");
		exit(1);
	}
	if (*pid == 0) {
		close(sv[0]);
		serve(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	return sv[0];
}

static void stop_server(int fd, pid_t pid)
{
	close(fd);
	waitpid(pid, NULL, 0);
}

static double raw_rtt(long n)
{
	struct nx_frame f = {.kind = RTT_KIND};
	pid_t pid;
	int fd = start_server(raw_echo, &pid);
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (write(fd, &f, sizeof(f)) != (ssize_t)sizeof(f) ||
		    read(fd, &f, sizeof(f)) != (ssize_t)sizeof(f)) {
			fprintf(stderr, "ipc-rtt: raw round trip %ld failed\n", i);
			exit(1);
		}
	double t = (now_ns() - t0) / (double)n;
	stop_server(fd, pid);
	return t;
}

static double nxd_rtt(long n)
{
	pid_t pid;
	int fd = start_server(nxd_echo, &pid);
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (nxd_call(NULL, fd, RTT_KIND, 0, NULL, 0, -1, NULL, NX_DEADLINE_SERVICE_MS) !=
		    0) {
			fprintf(stderr, "ipc-rtt: libnxd call %ld failed\n", i);
			exit(1);
		}
	double t = (now_ns() - t0) / (double)n;
	stop_server(fd, pid);
	return t;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : RTT_DEFAULT_N;

	if (argc > 2 || n <= 0) {
		fprintf(stderr, "usage: ipc-rtt [N]\n");
		return 64;
	}
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		perror("ipc-rtt: sched_setaffinity (measuring unpinned)");
	double raw = raw_rtt(n), nxd = nxd_rtt(n);
	printf("raw socketpair round trip   %8.0f ns\n", raw);
	printf("libnxd call round trip      %8.0f ns  (%.2fx raw)\n", nxd, nxd / raw);
	return 0;
}
