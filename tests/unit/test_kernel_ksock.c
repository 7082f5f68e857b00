/*
 * The kernel socket and event loop: a forked child plays a host daemon on
 * a SOCK_SEQPACKET connection to ksim_run in the parent. It sends
 * malformed frames (each must earn an error reply, the kernel staying up),
 * loads a fixture through nx_elf_spawn over the socket and waits for it,
 * parks a wait while another call on the same connection is served,
 * opens a second connection with KCONNECT, and is served while a task
 * that never ends runs alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf_spawn.h"
#include "nexus/caps.h"
#include "nexus/err.h"
#include "nexus/frame.h"
#include "nexus/limits.h"
#include "nexus/syscall.h"
#include "nexus/task.h"
#include "ksim.h"

/* The child's side: one request id counter, frames by hand. */
static uint8_t next_id;

static int send_frame(int s, uint32_t kind, uint32_t len, uint64_t arg, const void *body,
		      size_t blen, const int *fds, int nfds, uint8_t id)
{
	struct nx_frame h = {.kind = kind, .len = len, .arg = arg};
	h.id[0] = id;
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)body, blen}};
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} u;
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = blen ? 2 : 1};
	if (nfds > 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return sendmsg(s, &m, 0) < 0 ? -1 : 0;
}

/* The next reply: its result; body into out (outcap), its fd into *fd. */
static long recv_reply(int s, uint8_t *id, void *out, size_t outcap, int *fd)
{
	static uint8_t buf[sizeof(struct nx_frame) + NX_FRAME_BODY_MAX];
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = u.buf,
			   .msg_controllen = sizeof(u.buf)};
	ssize_t n = recvmsg(s, &m, 0);
	if (n < (ssize_t)sizeof(struct nx_frame))
		return -9999;
	struct nx_frame h;
	memcpy(&h, buf, sizeof(h));
	if (h.kind != NX_FRAME_REPLY || h.len != n - sizeof(h))
		return -9998;
	if (id != NULL)
		*id = h.id[0];
	if (out != NULL)
		memcpy(out, buf + sizeof(h), h.len < outcap ? h.len : outcap);
	if (fd != NULL) {
		*fd = -1;
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		if (c != NULL && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	return (long)(int64_t)h.arg;
}

static long sock_call(void *ctx, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
		      void *out, size_t outcap, int fd_in, int *fd_out)
{
	int s = *(int *)ctx;
	static uint8_t body[NX_FRAME_BODY_MAX];
	struct nx_kcall k = {{0}};
	memcpy(k.a, a, sizeof(k.a));
	memcpy(body, &k, sizeof(k));
	if (inlen > 0)
		memcpy(body + sizeof(k), in, inlen);
	uint8_t id = ++next_id, got;
	size_t len = sizeof(k) + inlen;
	if (send_frame(s, NX_FRAME_KCALL, (uint32_t)len, nr, body, len, &fd_in, fd_in >= 0, id) !=
	    0)
		return -9997;
	long r = recv_reply(s, &got, out, outcap, fd_out);
	return got == id ? r : -9996;
}

static long call(int s, unsigned nr, uint64_t a0, uint64_t a1, void *out, size_t outcap)
{
	const uint64_t a[6] = {a0, a1};
	return sock_call(&s, nr, a, NULL, 0, out, outcap, -1, NULL);
}

static void *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0)
		return NULL;
	void *p = malloc((size_t)st.st_size);
	if (p == NULL || read(fd, p, (size_t)st.st_size) != st.st_size)
		return NULL;
	close(fd);
	*len = (size_t)st.st_size;
	return p;
}

static long spawn_fixture(int *s, const char *name, const char *arg)
{
	char path[256];
	const char *b = getenv("NX_BUILD");
	snprintf(path, sizeof(path), "%s/payloads/%s.elf", b ? b : "build", name);
	size_t len;
	void *elf = slurp(path, &len);
	if (elf == NULL)
		return -1;
	const char *argv[] = {name, arg};
	struct nx_kcaller kc = {s, sock_call};
	struct nx_elf_spawn_req req = {.elf = elf,
				       .len = len,
				       .argv = argv,
				       .argc = arg ? 2 : 1,
				       .name = name,
				       .caps = NX_CAPS_ALL};
	struct nx_elf_spawn_result res;
	int r = nx_elf_spawn(&kc, &req, &res);
	free(elf);
	return r == 0 ? res.pid : -2;
}

/* Each step's number is the exit code when it fails. */
static int child(int s)
{
	uint8_t id;
	static uint8_t big[sizeof(struct nx_frame) + NX_FRAME_BODY_MAX + 1];
	struct nx_kcall k = {{0}};

	/* 1: shorter than a header. */
	if (send(s, "short", 5, 0) != 5 || recv_reply(s, NULL, NULL, 0, NULL) != -NX_EINVAL)
		return 1;
	/* 2: len disagrees with what arrived. */
	if (send_frame(s, NX_FRAME_KCALL, 100, NX_SYS_GETPID, &k, sizeof(k), NULL, 0, 2) != 0 ||
	    recv_reply(s, &id, NULL, 0, NULL) != -NX_EINVAL || id != 2)
		return 2;
	/* 3: unknown kind. */
	if (send_frame(s, 0x999, sizeof(k), 0, &k, sizeof(k), NULL, 0, 3) != 0 ||
	    recv_reply(s, &id, NULL, 0, NULL) != -NX_ENOSYS || id != 3)
		return 3;
	/* 4: over the body cap. */
	struct nx_frame h = {.kind = NX_FRAME_KCALL, .len = NX_FRAME_BODY_MAX + 1};
	memcpy(big, &h, sizeof(h));
	if (send(s, big, sizeof(big), 0) != (ssize_t)sizeof(big) ||
	    recv_reply(s, NULL, NULL, 0, NULL) != -NX_EMSGSIZE)
		return 4;
	/* 5: a body without the six arguments. */
	if (send_frame(s, NX_FRAME_KCALL, 8, NX_SYS_GETPID, &k, 8, NULL, 0, 5) != 0 ||
	    recv_reply(s, NULL, NULL, 0, NULL) != -NX_EINVAL)
		return 5;
	/* 6: two fds where one is allowed. */
	int two[2] = {0, 1};
	if (send_frame(s, NX_FRAME_KCALL, sizeof(k), NX_SYS_GETPID, &k, sizeof(k), two, 2, 6) !=
		0 ||
	    recv_reply(s, NULL, NULL, 0, NULL) != -NX_EBADF)
		return 6;
	/* 7: vmo_import with its fd missing. */
	if (call(s, NX_SYS_VMO_IMPORT, 0, 0, NULL, 0) != -NX_EBADF)
		return 7;
	/* 8: a fixture through the loader plan over the socket, then wait for it. */
	long pid = spawn_fixture(&s, "hello", "sock");
	uint32_t status = 1;
	if (pid <= 0 || call(s, NX_SYS_WAIT, (uint64_t)pid, 0, &status, 4) != pid || status != 0)
		return 8;
	/* 9: a parked wait; a kill on the same connection is served meanwhile. */
	pid = spawn_fixture(&s, "busy", "1000000000");
	const uint64_t wa[6] = {(uint64_t)pid, 0}, ka[6] = {(uint64_t)pid};
	uint8_t body[sizeof(struct nx_kcall)];
	memcpy(body, wa, sizeof(body));
	if (pid <= 0 || send_frame(s, NX_FRAME_KCALL, sizeof(body), NX_SYS_WAIT, body, sizeof(body),
				   NULL, 0, 90) != 0)
		return 9;
	memcpy(body, ka, sizeof(body));
	if (send_frame(s, NX_FRAME_KCALL, sizeof(body), NX_SYS_TASK_KILL, body, sizeof(body), NULL,
		       0, 91) != 0 ||
	    recv_reply(s, &id, NULL, 0, NULL) != 0 || id != 91)
		return 10;
	if (recv_reply(s, &id, &status, 4, NULL) != pid || id != 90 ||
	    status != NX_WAIT_STATUS_CRASH(NX_CRASH_KILLED))
		return 11;
	/* 12: a second connection, a host caller of its own. */
	const uint64_t ca[6] = {0, 5};
	int s2 = -1;
	if (sock_call(&s, NX_SYS_KCONNECT, ca, "other", 5, NULL, 0, -1, &s2) != 0 || s2 < 0)
		return 12;
	long p3 = spawn_fixture(&s, "exit42", NULL);
	if (p3 <= 0 || call(s2, NX_SYS_WAIT, (uint64_t)p3, 0, &status, 4) != -NX_ECHILD ||
	    call(s2, NX_SYS_GETPID, 0, 0, NULL, 0) != 0)
		return 13;
	if (call(s, NX_SYS_WAIT, (uint64_t)p3, 0, &status, 4) != p3 || status != 42)
		return 14;
	/*
	 * 15: a task alone runs with no budget, and this one (waiter, a yield
	 * every ~10^6 instructions, for longer than any test) never ends by
	 * itself: a call is served at its next kernel call all the same, within
	 * the deadline of a kernel call.
	 */
	struct timeval tv = {NX_DEADLINE_KERNEL_MS / 1000, (NX_DEADLINE_KERNEL_MS % 1000) * 1000};
	pid = spawn_fixture(&s, "waiter", "1000000000");
	if (pid <= 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    call(s, NX_SYS_GETPID, 0, 0, NULL, 0) != 0)
		return 15;
	if (call(s, NX_SYS_TASK_KILL, (uint64_t)pid, 0, NULL, 0) != 0 ||
	    call(s, NX_SYS_WAIT, (uint64_t)pid, 0, &status, 4) != pid ||
	    status != NX_WAIT_STATUS_CRASH(NX_CRASH_KILLED))
		return 16;
	return 0;
}

static void on_child_gone(void *arg, int fd, short revents)
{
	(void)fd;
	(void)revents;
	ksim_stop(arg, 0);
}

static void test_ksock_serves_a_daemon(void **state)
{
	(void)state;
	int sv[2], done[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(done), 0);
	int console = memfd_create("console", 0);
	assert_true(console >= 0);
	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		close(sv[0]);
		close(done[0]);
		_exit(child(sv[1]));
	}
	close(sv[1]);
	close(done[1]);
	struct ksim_opts o = {.console_fd = console, .boot_console_fd = -1};
	struct ksim *ks = ksim_new(&o);
	assert_non_null(ks);
	assert_int_equal(ksim_add_client(ks, sv[0], "test"), 0);
	assert_int_equal(ksim_watch(ks, done[0], on_child_gone, ks), 0);
	assert_int_equal(ksim_run(ks), 0);
	ksim_free(ks);
	int st;
	assert_int_equal(waitpid(kid, &st, 0), kid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char out[256] = {0};
	assert_true(pread(console, out, sizeof(out) - 1, 0) > 0);
	assert_non_null(strstr(out, "Hello from demo.hello\nsock\n"));
	close(console);
	close(done[0]);
}

static void test_ksim_run_without_anything_returns(void **state)
{
	(void)state;
	struct ksim_opts o = {.console_fd = 1, .boot_console_fd = -1};
	struct ksim *ks = ksim_new(&o);
	assert_int_equal(ksim_run(ks), -1);
	ksim_free(ks);
}

static void noop(void *arg, int fd, short revents)
{
	(void)arg;
	(void)fd;
	(void)revents;
}

static void test_ksim_limits(void **state)
{
	(void)state;
	struct ksim_opts o = {.console_fd = 1, .boot_console_fd = -1};
	struct ksim *ks = ksim_new(&o);
	int p[2];
	assert_int_equal(pipe(p), 0);
	for (unsigned i = 0; i < KSIM_WATCH_MAX; i++)
		assert_int_equal(ksim_watch(ks, p[0], noop, NULL), 0);
	assert_int_equal(ksim_watch(ks, p[0], noop, NULL), -1);
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++)
		assert_int_equal(ksim_add_client(ks, dup(p[1]), "c"), 0);
	assert_int_equal(ksim_add_client(ks, dup(p[1]), "c"), -1);
	ksim_free(ks);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ksock_serves_a_daemon),
	    cmocka_unit_test(test_ksim_run_without_anything_returns),
	    cmocka_unit_test(test_ksim_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
