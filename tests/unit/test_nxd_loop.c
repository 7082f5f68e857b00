/*
 * libnxd loop: malformed and unknown requests get error replies and the
 * connection survives; asynchronous calls complete (or fail when the
 * peer goes); a synchronous call queues what overtakes its reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nxd.h"

#define K_ECHO 0x7701
#define K_STOP 0x7702
#define K_NEEDFD 0x7703
#define K_LATER 0x7704

struct fx {
	struct nxd_loop *l;
	struct nxd_conn *c;
	int peer; /* the test's end */
	struct nx_msg *m;
	int order[8];
	int norder;
};

static void h_echo(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	(void)arg;
	assert_int_equal(nxd_reply(c, &m->hdr, 7, m->body, m->len, -1), 0);
}

static void h_stop(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct fx *f = arg;

	f->order[f->norder++] = K_STOP;
	assert_int_equal(nxd_reply(c, &m->hdr, 0, NULL, 0, -1), 0);
	nxd_loop_stop(f->l, 5);
}

static void h_needfd(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	(void)arg;
	assert_true(m->fd >= 0);
	assert_int_equal(nxd_reply(c, &m->hdr, 0, NULL, 0, -1), 0);
}

static const struct nxd_handler table[] = {
    {{K_ECHO, 0, 16, NX_FD_NONE}, h_echo},
    {{K_STOP, 0, 0, NX_FD_NONE}, h_stop},
    {{K_NEEDFD, 0, 0, NX_FD_REQUIRED}, h_needfd},
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int sv[2];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	f->l = nxd_loop_new();
	assert_non_null(f->l);
	f->c = nxd_loop_add(f->l, sv[0], "peer", table, 3, f);
	assert_non_null(f->c);
	f->peer = sv[1];
	f->m = malloc(sizeof(*f->m));
	nx_msg_init(f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nxd_loop_free(f->l);
	if (f->peer >= 0)
		close(f->peer);
	nx_msg_release(f->m);
	free(f->m);
	free(f);
	return 0;
}

static void send_req(struct fx *f, uint32_t kind, const void *body, size_t len, int fd,
		     uint8_t id[16])
{
	nx_id_new(id);
	assert_int_equal(nx_wire_send(f->peer, kind, 0, id, body, len, fd), 0);
}

static int64_t read_reply(struct fx *f, const uint8_t id[16])
{
	assert_int_equal(nx_wire_recv(f->peer, f->m, 0), 1);
	assert_int_equal(f->m->hdr.kind, NX_FRAME_REPLY);
	assert_true(nx_id_eq(f->m->hdr.id, id));
	return nx_msg_result(f->m);
}

static void test_loop_unknown_kind_gets_error_and_conn_survives(void **state)
{
	struct fx *f = *state;
	uint8_t a[16], b[16], s[16];

	send_req(f, 0x7799, NULL, 0, -1, a);
	send_req(f, K_ECHO, "hi", 2, -1, b);
	send_req(f, K_STOP, NULL, 0, -1, s);
	assert_int_equal(nxd_loop_run(f->l), 5);
	assert_int_equal(read_reply(f, a), -NX_ENOSYS);
	assert_true(f->m->len > 0); /* a message says why */
	assert_int_equal(read_reply(f, b), 7);
	assert_memory_equal(f->m->body, "hi", 2);
	assert_int_equal(read_reply(f, s), 0);
}

static void test_loop_malformed_frame_gets_error_reply(void **state)
{
	struct fx *f = *state;
	uint8_t buf[sizeof(struct nx_frame) + 4] = {0};
	struct nx_frame *h = (struct nx_frame *)buf;
	uint8_t s[16];

	h->kind = K_ECHO;
	h->len = 5; /* 4 arrive */
	nx_id_new(h->id);
	assert_int_equal(send(f->peer, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	send_req(f, K_STOP, NULL, 0, -1, s);
	assert_int_equal(nxd_loop_run(f->l), 5);
	assert_int_equal(read_reply(f, h->id), -NX_EINVAL);
	assert_int_equal(read_reply(f, s), 0);
}

static void test_loop_body_over_range_and_missing_fd_refused(void **state)
{
	struct fx *f = *state;
	uint8_t a[16], b[16], c[16], s[16];
	char big[17] = {0};
	int p[2];

	assert_int_equal(pipe(p), 0);
	send_req(f, K_ECHO, big, 17, -1, a); /* max_len 16, one past */
	send_req(f, K_NEEDFD, NULL, 0, -1, b);
	send_req(f, K_NEEDFD, NULL, 0, p[0], c);
	send_req(f, K_STOP, NULL, 0, -1, s);
	close(p[0]);
	close(p[1]);
	assert_int_equal(nxd_loop_run(f->l), 5);
	assert_int_equal(read_reply(f, a), -NX_EINVAL);
	assert_int_equal(read_reply(f, b), -NX_EINVAL);
	assert_int_equal(read_reply(f, c), 0);
	assert_int_equal(read_reply(f, s), 0);
}

/* Records the reply's result, or the error of a call that got none. */
static void done_stop(void *arg, struct nx_msg *reply, int err)
{
	struct fx *f = arg;

	f->order[f->norder++] = reply != NULL ? (int)nx_msg_result(reply) : err;
	nxd_loop_stop(f->l, 9);
}

static void test_loop_async_call_completes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    nxd_call_async(f->c, K_LATER, 0, "q", 1, -1, NX_DEADLINE_SERVICE_MS, done_stop, f), 0);
	assert_int_equal(nx_wire_recv(f->peer, f->m, 0), 1);
	assert_int_equal(f->m->hdr.kind, K_LATER);
	assert_int_equal(nx_wire_send(f->peer, NX_FRAME_REPLY, 33, f->m->hdr.id, NULL, 0, -1), 0);
	assert_int_equal(nxd_loop_run(f->l), 9);
	assert_int_equal(f->norder, 1);
	assert_int_equal(f->order[0], 33);
}

static void test_loop_async_call_fails_when_peer_goes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    nxd_call_async(f->c, K_LATER, 0, NULL, 0, -1, NX_DEADLINE_SERVICE_MS, done_stop, f), 0);
	close(f->peer);
	f->peer = -1;
	assert_int_equal(nxd_loop_run(f->l), 9);
	assert_int_equal(f->order[0], -NX_EPIPE);
}

/* A peer that reads the call and never answers: the deadline ends it and drops the connection. */
static void test_loop_async_call_times_out(void **state)
{
	struct fx *f = *state;
	uint64_t t0 = nxd_now_ms();

	assert_int_equal(nxd_call_async(f->c, K_LATER, 0, NULL, 0, -1, 50, done_stop, f), 0);
	assert_int_equal(nxd_loop_run(f->l), 9);
	assert_int_equal(f->order[0], -NX_ETIMEDOUT);
	assert_true(nxd_now_ms() - t0 >= 50);
	/* Dropped: a late reply can never be taken for another call's. */
	assert_int_equal(nxd_call_async(f->c, K_LATER, 0, NULL, 0, -1, 50, done_stop, f),
			 -NX_EPIPE);
}

static void test_loop_sync_call_times_out(void **state)
{
	struct fx *f = *state;

	assert_int_equal(nxd_call(f->c, -1, K_LATER, 0, NULL, 0, -1, f->m, 50), -NX_ETIMEDOUT);
	assert_int_equal(nxd_call(f->c, -1, K_LATER, 0, NULL, 0, -1, f->m, 50), -NX_EPIPE);
}

static void test_loop_sync_call_queues_overtaking_request(void **state)
{
	struct fx *f = *state;
	uint8_t s[16];
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		/* The peer: answer the call, but send a request of its own first. */
		struct nx_msg *m = malloc(sizeof(*m));

		nx_msg_init(m);
		if (nx_wire_recv(f->peer, m, 0) != 1 || m->hdr.kind != K_LATER)
			_exit(1);
		nx_id_new(s);
		if (nx_wire_send(f->peer, K_STOP, 0, s, NULL, 0, -1) != 0 ||
		    nx_wire_send(f->peer, NX_FRAME_REPLY, 44, m->hdr.id, "ok", 2, -1) != 0)
			_exit(2);
		_exit(0);
	}
	assert_int_equal(nxd_call(f->c, -1, K_LATER, 0, NULL, 0, -1, f->m, NX_DEADLINE_SERVICE_MS),
			 44);
	assert_memory_equal(f->m->body, "ok", 2);
	/* The request that overtook the reply was not handled inside the call... */
	assert_int_equal(f->norder, 0);
	/* ...but by the loop afterwards. */
	assert_int_equal(nxd_loop_run(f->l), 5);
	assert_int_equal(f->norder, 1);
	assert_int_equal(f->order[0], K_STOP);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_loop_held_conn_outlives_drop(void **state)
{
	struct fx *f = *state;

	nxd_conn_hold(f->c);
	nxd_conn_drop(f->c);
	struct nx_frame req = {0};
	assert_int_equal(nxd_reply(f->c, &req, 0, NULL, 0, -1), -NX_EPIPE);
	assert_int_equal(
	    nxd_call_async(f->c, K_LATER, 0, NULL, 0, -1, NX_DEADLINE_SERVICE_MS, done_stop, f),
	    -NX_EPIPE);
	nxd_conn_put(f->c);
}

static void test_loop_sync_call_on_bare_socket_refuses_stray_frame(void **state)
{
	struct fx *f = *state;
	int sv[2];
	pid_t pid;

	(void)f;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct nx_msg *m = malloc(sizeof(*m));
		uint8_t id[16];

		nx_msg_init(m);
		if (nx_wire_recv(sv[1], m, 0) != 1)
			_exit(1);
		nx_id_new(id);
		/* A reply to some other request. */
		_exit(nx_wire_send(sv[1], NX_FRAME_REPLY, 0, id, NULL, 0, -1) == 0 ? 0 : 2);
	}
	assert_int_equal(
	    nxd_call(NULL, sv[0], K_LATER, 0, NULL, 0, -1, NULL, NX_DEADLINE_SERVICE_MS),
	    -NX_EINVAL);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_loop_unknown_kind_gets_error_and_conn_survives,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_malformed_frame_gets_error_reply, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_loop_body_over_range_and_missing_fd_refused, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_loop_async_call_completes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_async_call_times_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_sync_call_times_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_async_call_fails_when_peer_goes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_loop_sync_call_queues_overtaking_request, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_loop_held_conn_outlives_drop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_sync_call_on_bare_socket_refuses_stray_frame,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
