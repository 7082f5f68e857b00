/*
 * libnxd framing: every malformed frame is refused with its own error,
 * no fd survives a refused frame, and a good frame's fd is handed over.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "nxd_loop.h"
#include "nexus/err.h"

struct pair {
	int a, b;
	struct nx_msg *m;
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	int sv[2];

	assert_non_null(p);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	p->a = sv[0];
	p->b = sv[1];
	p->m = malloc(sizeof(*p->m));
	assert_non_null(p->m);
	nx_msg_init(p->m);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	nx_msg_release(p->m);
	free(p->m);
	close(p->a);
	close(p->b);
	free(p);
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* Send raw bytes with `nfds` fresh fds (pipe ends) attached. */
static void send_raw(int sock, const void *buf, size_t len, int nfds)
{
	int fds[8];
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(fds))];
	} cm;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	assert_true(nfds <= 8);
	for (int i = 0; i < nfds; i += 2) {
		int p[2];

		assert_int_equal(pipe(p), 0);
		fds[i] = p[0];
		if (i + 1 < nfds)
			fds[i + 1] = p[1];
		else
			close(p[1]);
	}
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)len);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
}

static void test_frame_roundtrip_hands_over_fd(void **state)
{
	struct pair *p = *state;
	uint8_t id[16];
	int pp[2], fd;

	nx_id_new(id);
	assert_int_equal(pipe(pp), 0);
	assert_int_equal(nx_wire_send(p->a, 0x777, 42, id, "hello", 5, pp[1]), 0);
	close(pp[1]);
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), 1);
	assert_int_equal(p->m->hdr.kind, 0x777);
	assert_int_equal(p->m->hdr.arg, 42);
	assert_int_equal(p->m->len, 5);
	assert_memory_equal(p->m->body, "hello", 6); /* NUL-terminated in place */
	assert_true(nx_id_eq(p->m->hdr.id, id));
	fd = nx_msg_take_fd(p->m);
	assert_true(fd >= 0);
	assert_int_equal(p->m->fd, -1);
	/* The handed-over fd is the pipe's write end: it still works. */
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	close(pp[0]);
}

static void test_frame_refuses_short_frame(void **state)
{
	struct pair *p = *state;
	uint8_t junk[31] = {1};

	send_raw(p->a, junk, sizeof(junk), 0);
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), -NX_EINVAL);
	assert_false(p->m->have_hdr);
}

static void test_frame_refuses_len_mismatch(void **state)
{
	struct pair *p = *state;
	uint8_t buf[sizeof(struct nx_frame) + 10] = {0};
	struct nx_frame *h = (struct nx_frame *)buf;

	h->kind = 0x777;
	h->len = 11; /* one more than sent */
	send_raw(p->a, buf, sizeof(buf), 0);
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), -NX_EINVAL);
	assert_true(p->m->have_hdr);
	h->len = 9; /* one fewer */
	send_raw(p->a, buf, sizeof(buf), 0);
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), -NX_EINVAL);
}

static void test_frame_body_at_cap_passes(void **state)
{
	struct pair *p = *state;
	uint8_t *body = calloc(1, NX_FRAME_BODY_MAX);
	int sz = 4 << 20;

	assert_non_null(body);
	setsockopt(p->a, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	assert_int_equal(nx_wire_send(p->a, 0x777, 0, NULL, body, NX_FRAME_BODY_MAX, -1), 0);
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), 1);
	assert_int_equal(p->m->len, NX_FRAME_BODY_MAX);
	free(body);
}

static void test_frame_refuses_body_over_cap(void **state)
{
	struct pair *p = *state;
	size_t len = sizeof(struct nx_frame) + NX_FRAME_BODY_MAX + 1;
	uint8_t *buf = calloc(1, len);
	struct nx_frame *h = (struct nx_frame *)buf;
	int sz = 4 << 20;

	assert_non_null(buf);
	/* The sender refuses it first... */
	assert_int_equal(nx_wire_send(p->a, 0x777, 0, NULL, buf, NX_FRAME_BODY_MAX + 1, -1),
			 -NX_EMSGSIZE);
	/* ...and a peer that skips the check is refused by the receiver. */
	h->kind = 0x777;
	h->len = NX_FRAME_BODY_MAX + 1;
	setsockopt(p->a, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	send_raw(p->a, buf, len, 1);
	int before = count_fds();
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), -NX_EMSGSIZE);
	assert_int_equal(p->m->fd, -1);
	assert_int_equal(count_fds(), before);
	free(buf);
}

static void test_frame_refuses_extra_fds_and_closes_them(void **state)
{
	struct pair *p = *state;
	struct nx_frame h = {.kind = 0x777, .len = 0};
	int before;

	send_raw(p->a, &h, sizeof(h), 3);
	before = count_fds();
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), -NX_EBADF);
	assert_int_equal(p->m->fd, -1);
	assert_int_equal(count_fds(), before);
}

static void test_frame_release_closes_untaken_fd(void **state)
{
	struct pair *p = *state;
	struct nx_frame h = {.kind = 0x777, .len = 0};
	int before;

	send_raw(p->a, &h, sizeof(h), 1);
	before = count_fds();
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), 1);
	assert_true(p->m->fd >= 0);
	assert_int_equal(count_fds(), before + 1);
	nx_msg_release(p->m);
	assert_int_equal(count_fds(), before);
}

static void test_frame_eof_is_zero(void **state)
{
	struct pair *p = *state;

	close(p->a);
	p->a = -1;
	assert_int_equal(nx_wire_recv(p->b, p->m, 0), 0);
}

static void test_frame_ids_differ(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	nx_id_new(a);
	nx_id_new(b);
	assert_false(nx_id_eq(a, b));
	assert_true(nx_id_eq(a, a));
}

static void dummy(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	(void)c;
	(void)m;
	(void)arg;
}

static const struct nxd_handler table[] = {
    {{0x10, 0, 0, NX_FD_NONE}, dummy},
    {{0x11, 2, 4, NX_FD_REQUIRED}, dummy},
    {{0x12, 0, 8, NX_FD_OPTIONAL}, dummy},
};

static void test_dispatch_checks_kind_len_and_fd(void **state)
{
	struct pair *p = *state;
	const struct nxd_handler *h;
	const char *why;
	struct nx_msg *m = p->m;

	nx_msg_init(m);
	m->hdr.kind = 0x13;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), -NX_ENOSYS);
	assert_null(h);
	m->hdr.kind = 0x10;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), 0);
	assert_ptr_equal(h, &table[0]);
	m->len = 1; /* one past max 0 */
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), -NX_EINVAL);
	m->hdr.kind = 0x11;
	m->len = 2;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), -NX_EINVAL); /* fd missing */
	m->fd = 0; /* stdin stands for an fd */
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), 0);
	m->len = 1;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), -NX_EINVAL);
	m->len = 4;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), 0);
	m->len = 5;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), -NX_EINVAL);
	m->hdr.kind = 0x10;
	m->len = 0;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), -NX_EINVAL); /* fd unexpected */
	m->hdr.kind = 0x12;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), 0);
	m->fd = -1;
	assert_int_equal(nxd_dispatch_check(table, 3, m, &h, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_frame_roundtrip_hands_over_fd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_refuses_short_frame, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_refuses_len_mismatch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_body_at_cap_passes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_refuses_body_over_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_refuses_extra_fds_and_closes_them, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_frame_release_closes_untaken_fd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frame_eof_is_zero, setup, teardown),
	    cmocka_unit_test(test_frame_ids_differ),
	    cmocka_unit_test_setup_teardown(test_dispatch_checks_kind_len_and_fd, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
