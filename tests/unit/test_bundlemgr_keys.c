/*
 * bundlemgrd's signature checks (nxd_key_verify, daemons/lib/key_client.c) against the
 * real keystored executable, started the way init starts it (fd 3 kernel,
 * fd 4 init channel, fd 5 the trust directory fixtures/trust, fd 6
 * registry) with this test playing init and samgrd: a good signature
 * holds inline and as a sealed memfd, an untrusted key and a flipped byte
 * are refused, malformed requests get error replies, LIST names the dev
 * key, and keystored stays up under its allowlist and exits 0 on STOP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nxd.h"
#include "nxhost.h"
#include "keyfile.h"
#include "sig.h"
#include "nexus/svc.h"
#include "nexus/svc_key.h"

#define DEADLINE_S 60 /* a hung keystored fails the test instead of hanging it */

static pid_t pid;
static int kernel_end, init_end, samgr_end, log_end = -1, client = -1;
static struct nx_msg m;
static struct nx_seckey dev, untrusted;

static void on_deadline(int sig)
{
	static const char msg[] = "test_bundlemgr_keys: deadline passed, keystored killed\n";
	(void)sig;
	if (pid > 0)
		kill(pid, SIGKILL);
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static int group_setup(void **state)
{
	struct nx_fmt_err e = {0};
	int k[2], i[2], s[2], sv[2];
	char path[256];
	const char *bin = getenv("NX_BIN");
	(void)state;

	signal(SIGALRM, on_deadline);
	alarm(DEADLINE_S);
	nx_msg_init(&m);
	int keys = open("fixtures/keys", O_RDONLY | O_DIRECTORY);
	assert_true(keys >= 0);
	assert_int_equal(nx_seckey_load(keys, "dev.key", &dev, &e), 0);
	assert_int_equal(nx_seckey_load(keys, "untrusted.key", &untrusted, &e), 0);
	close(keys);
	int trust = open("fixtures/trust", O_RDONLY | O_DIRECTORY);
	assert_true(trust >= 0);

	snprintf(path, sizeof(path), "%s/daemons/keystored", bin ? bin : "bin");
	pair(k);
	pair(i);
	pair(s);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int src[4] = {k[1], i[1], trust, s[1]};
		char *const argv[] = {"keystored", NULL};
		char *const envp[] = {NULL};
		nx_exec_fds(path, argv, envp, 3, src, 4);
	}
	close(k[1]);
	close(i[1]);
	close(s[1]);
	close(trust);
	kernel_end = k[0];
	init_end = i[0];
	samgr_end = s[0];

	/* samgrd's part: its logd connection, then its registration. */
	for (;;) {
		assert_int_equal(nx_wire_recv(samgr_end, &m, 0), 1);
		if (m.hdr.kind == NX_SAMGR_REGISTER) {
			assert_memory_equal(m.body, NX_SVC_KEYSTORED, m.len);
			assert_int_equal(
			    nx_wire_send(samgr_end, NX_FRAME_REPLY, 0, m.hdr.id, NULL, 0, -1), 0);
			break;
		}
		assert_int_equal(m.hdr.kind, NX_SAMGR_CONNECT);
		pair(sv);
		log_end = sv[0];
		assert_int_equal(
		    nx_wire_send(samgr_end, NX_FRAME_REPLY, 0, m.hdr.id, NULL, 0, sv[1]), 0);
		close(sv[1]);
	}
	assert_int_equal(nx_wire_recv(init_end, &m, 0), 1);
	assert_int_equal(m.hdr.kind, NX_SVC_READY);
	pair(sv);
	assert_int_equal(nx_wire_send(samgr_end, NX_SAMGR_ACCEPT, 0, NULL, "bundlemgrd", 10, sv[0]),
			 0);
	close(sv[0]);
	client = sv[1];
	return 0;
}

static int group_teardown(void **state)
{
	int status;
	(void)state;
	nx_seckey_wipe(&dev);
	nx_seckey_wipe(&untrusted);
	close(client);
	assert_int_equal(nx_wire_send(init_end, NX_SVC_STOP, 0, NULL, NULL, 0, -1), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("keystored ended with status 0x%x", status);
	close(kernel_end);
	close(init_end);
	close(samgr_end);
	if (log_end >= 0)
		close(log_end);
	return 0;
}

static int verify(const struct nx_seckey *key, uint8_t *msg, size_t len, size_t flip, char *why)
{
	struct nx_sig sig;
	assert_int_equal(nx_sig_sign(key, msg, len, &sig), 0);
	if (flip < len)
		msg[flip] ^= 1;
	why[0] = '\0';
	/* A peer already connected: the test plays samgrd and made the connection. */
	struct nxd_peer peer = {.fd = client, .timeout_ms = NX_DEADLINE_SERVICE_MS};
	return nxd_key_verify(&peer, &sig, msg, len, why, NX_ERRMSG_MAX);
}

static void test_keystored_verifies_inline_message(void **state)
{
	uint8_t msg[100];
	char why[NX_ERRMSG_MAX];
	(void)state;
	memset(msg, 'm', sizeof(msg));
	assert_int_equal(verify(&dev, msg, sizeof(msg), SIZE_MAX, why), 0);
}

static void test_keystored_verifies_memfd_message(void **state)
{
	/* One byte over what fits a frame: it travels as a sealed memfd. */
	size_t len = NX_KEY_INLINE_MAX + 1;
	uint8_t *msg = malloc(len);
	char why[NX_ERRMSG_MAX];
	(void)state;
	memset(msg, 'b', len);
	assert_int_equal(verify(&dev, msg, len, SIZE_MAX, why), 0);
	assert_int_equal(verify(&dev, msg, len, len - 1, why), -NX_EPERM);
	assert_non_null(strstr(why, "does not verify"));
	free(msg);
}

static void test_keystored_refuses_untrusted_and_flipped(void **state)
{
	uint8_t msg[64];
	char why[NX_ERRMSG_MAX];
	(void)state;
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(verify(&untrusted, msg, sizeof(msg), SIZE_MAX, why), -NX_ESRCH);
	assert_non_null(strstr(why, "untrusted key"));
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(verify(&dev, msg, sizeof(msg), 3, why), -NX_EPERM);
	assert_non_null(strstr(why, "5d9feb163119f631"));
}

static void test_keystored_refuses_malformed_requests(void **state)
{
	struct nx_key_verify rq;
	uint8_t body[sizeof(rq) + 8];
	(void)state;

	memset(&rq, 0, sizeof(rq));
	memcpy(rq.key_id, "zzzzzzzzzzzzzzzz", NX_KEY_ID_CHARS);
	rq.msg_len = 8;
	memcpy(body, &rq, sizeof(rq));
	assert_int_equal(nxd_call(NULL, client, NX_KEY_VERIFY, 0, body, sizeof(body), -1, &m,
				  NX_DEADLINE_SERVICE_MS),
			 -NX_EINVAL);
	/* msg_len disagreeing with the bytes sent. */
	memcpy(rq.key_id, "5d9feb163119f631", NX_KEY_ID_CHARS);
	rq.msg_len = 9;
	memcpy(body, &rq, sizeof(rq));
	assert_int_equal(nxd_call(NULL, client, NX_KEY_VERIFY, 0, body, sizeof(body), -1, &m,
				  NX_DEADLINE_SERVICE_MS),
			 -NX_EINVAL);
	/* An unsealed memfd is refused: its bytes could still change. */
	int fd = memfd_create("unsealed", MFD_CLOEXEC);
	assert_int_equal(write(fd, "12345678", 8), 8);
	rq.msg_len = 8;
	memcpy(body, &rq, sizeof(rq));
	assert_int_equal(nxd_call(NULL, client, NX_KEY_VERIFY, 0, body, sizeof(rq), fd, &m,
				  NX_DEADLINE_SERVICE_MS),
			 -NX_EINVAL);
	assert_non_null(strstr((const char *)m.body, "sealed"));
	close(fd);
	/* A short request. */
	assert_int_equal(
	    nxd_call(NULL, client, NX_KEY_VERIFY, 0, body, 10, -1, &m, NX_DEADLINE_SERVICE_MS),
	    -NX_EINVAL);
	/* Over the message cap. */
	rq.msg_len = NX_KEY_MSG_MAX + 1;
	memcpy(body, &rq, sizeof(rq));
	assert_int_equal(nxd_call(NULL, client, NX_KEY_VERIFY, 0, body, sizeof(rq), -1, &m,
				  NX_DEADLINE_SERVICE_MS),
			 -NX_EMSGSIZE);
	int status;
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
}

static void test_keystored_lists_dev_key(void **state)
{
	(void)state;
	assert_int_equal(
	    nxd_call(NULL, client, NX_KEY_LIST, 0, NULL, 0, -1, &m, NX_DEADLINE_SERVICE_MS), 1);
	assert_int_equal(m.len, NX_KEY_ID_CHARS + 1);
	assert_memory_equal(m.body, "5d9feb163119f631\n", m.len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keystored_verifies_inline_message),
	    cmocka_unit_test(test_keystored_verifies_memfd_message),
	    cmocka_unit_test(test_keystored_refuses_untrusted_and_flipped),
	    cmocka_unit_test(test_keystored_refuses_malformed_requests),
	    cmocka_unit_test(test_keystored_lists_dev_key),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
