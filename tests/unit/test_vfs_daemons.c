/*
 * The real packagefsd and vfsd executables, started the way init starts
 * them (fd 3 kernel, fd 4 init channel, fd 5 state directory, fd 6
 * registry), with this test playing init, samgrd and, for vfsd's seed
 * connection, the kernel: paths through vfsd reach packagefsd and come
 * back as sealed memfds, bytes and stats; payloads' STAT and READ are
 * served on the seed connection, OPEN is not; bad paths are refused; both
 * daemons stay alive under their seccomp allowlists and exit 0 when told
 * to stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nexus/state.h"
#include "nxd.h"
#include "nxhost.h"
#include "nexus/svc.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_vfs.h"
#include "nexus/syscall.h"

struct daemon {
	pid_t pid;
	int kernel, init, samgr; /* our ends */
	int log;		 /* our end of its logd connection */
	int seed;		 /* our end of its seed connection (vfsd), or -1 */
};

static char dir[64];
static struct daemon pkgfs, vfsd;
static int client = -1;
static struct nx_msg m;

/*
 * A daemon that hangs must fail the test, not hang it: past the deadline
 * both daemons are killed and the test exits non-zero.
 */
#define DEADLINE_S 60

static void on_deadline(int sig)
{
	static const char msg[] = "test_vfs_daemons: deadline passed, daemons killed\n";
	(void)sig;
	if (pkgfs.pid > 0)
		kill(pkgfs.pid, SIGKILL);
	if (vfsd.pid > 0)
		kill(vfsd.pid, SIGKILL);
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void put(int at, const char *path, const char *text)
{
	int fd = openat(at, path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), strlen(text));
	close(fd);
}

static void start(struct daemon *d, const char *name, int dirfd)
{
	int k[2], i[2], s[2];
	char path[256];
	const char *bin = getenv("NX_BIN");

	snprintf(path, sizeof(path), "%s/daemons/%s", bin ? bin : "bin", name);
	pair(k);
	pair(i);
	pair(s);
	d->pid = fork();
	assert_true(d->pid >= 0);
	if (d->pid == 0) {
		int src[4] = {k[1], i[1], dirfd, s[1]};
		/* packagefsd serves the slot this boot runs: a, here. */
		char *const argv[] = {(char *)name, strcmp(name, "packagefsd") == 0 ? "a" : NULL,
				      NULL};
		char *const envp[] = {NULL};
		nx_exec_fds(path, argv, envp, 3, src, 4);
	}
	close(k[1]);
	close(i[1]);
	close(s[1]);
	d->kernel = k[0];
	d->init = i[0];
	d->samgr = s[0];
	d->log = -1;
	d->seed = -1;
}

/* Act as the kernel for the one call a daemon makes here: KCONNECT of its seed connection. */
static void serve_kconnect(struct daemon *d)
{
	int sv[2];

	assert_int_equal(nx_wire_recv(d->kernel, &m, 0), 1);
	assert_int_equal(m.hdr.kind, NX_FRAME_KCALL);
	assert_int_equal(m.hdr.arg, NX_SYS_KCONNECT);
	pair(sv);
	d->seed = sv[0];
	assert_int_equal(nx_wire_send(d->kernel, NX_FRAME_REPLY, 0, m.hdr.id, NULL, 0, sv[1]), 0);
	close(sv[1]);
}

/* Act as samgrd for one request from d; returns its kind. */
static uint32_t serve_samgr(struct daemon *d, struct daemon *accepting)
{
	int sv[2];

	assert_int_equal(nx_wire_recv(d->samgr, &m, 0), 1);
	uint32_t kind = m.hdr.kind;
	if (kind == NX_SAMGR_CONNECT && m.len == 4 && memcmp(m.body, "logd", 4) == 0) {
		pair(sv);
		d->log = sv[0];
		assert_int_equal(
		    nx_wire_send(d->samgr, NX_FRAME_REPLY, 0, m.hdr.id, NULL, 0, sv[1]), 0);
		close(sv[1]);
	} else if (kind == NX_SAMGR_CONNECT) {
		assert_non_null(accepting);
		pair(sv);
		assert_int_equal(
		    nx_wire_send(accepting->samgr, NX_SAMGR_ACCEPT, 0, NULL, "vfsd", 4, sv[0]), 0);
		assert_int_equal(
		    nx_wire_send(d->samgr, NX_FRAME_REPLY, 0, m.hdr.id, NULL, 0, sv[1]), 0);
		close(sv[0]);
		close(sv[1]);
	} else {
		assert_int_equal(kind, NX_SAMGR_REGISTER);
		assert_int_equal(nx_wire_send(d->samgr, NX_FRAME_REPLY, 0, m.hdr.id, NULL, 0, -1),
				 0);
	}
	return kind;
}

static void until_ready(struct daemon *d, struct daemon *accepting)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = d->samgr, .events = POLLIN},
				      {.fd = d->kernel, .events = POLLIN}};
		assert_true(poll(p, 2, -1) > 0);
		if (p[1].revents & POLLIN)
			serve_kconnect(d);
		if ((p[0].revents & POLLIN) && serve_samgr(d, accepting) == NX_SAMGR_REGISTER)
			break;
	}
	assert_int_equal(nx_wire_recv(d->init, &m, 0), 1);
	assert_int_equal(m.hdr.kind, NX_SVC_READY);
}

static int group_setup(void **state)
{
	int sv[2];
	(void)state;

	signal(SIGALRM, on_deadline);
	alarm(DEADLINE_S);
	nx_msg_init(&m);
	strcpy(dir, "/tmp/test_vfs_daemons.XXXXXX");
	assert_non_null(mkdtemp(dir));
	int st = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(mkdirat(st, NX_STATE_SLOT_A, 0700), 0);
	assert_int_equal(mkdirat(st, "slot-a/demo@1.9.0", 0700), 0);
	assert_int_equal(mkdirat(st, "slot-a/demo@1.10.0", 0700), 0);
	put(st, "slot-a/demo@1.9.0/payload.elf", "older");
	put(st, "slot-a/demo@1.10.0/payload.elf", "newest");
	start(&pkgfs, "packagefsd", st);
	close(st);
	until_ready(&pkgfs, NULL);
	start(&vfsd, "vfsd", -1);
	until_ready(&vfsd, &pkgfs);
	/* Our own connection to vfsd, as samgrd would broker it. */
	pair(sv);
	assert_int_equal(nx_wire_send(vfsd.samgr, NX_SAMGR_ACCEPT, 0, NULL, "test", 4, sv[0]), 0);
	close(sv[0]);
	client = sv[1];
	return 0;
}

static void stop(struct daemon *d)
{
	int status;
	assert_int_equal(nx_wire_send(d->init, NX_SVC_STOP, 0, NULL, NULL, 0, -1), 0);
	assert_int_equal(waitpid(d->pid, &status, 0), d->pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("daemon pid %d ended with status 0x%x (signal %d)", (int)d->pid, status,
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	close(d->kernel);
	close(d->init);
	close(d->samgr);
	if (d->log >= 0)
		close(d->log);
	if (d->seed >= 0)
		close(d->seed);
}

static int group_teardown(void **state)
{
	char cmd[128];
	(void)state;
	close(client);
	stop(&vfsd);
	stop(&pkgfs);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int64_t call(uint32_t kind, const void *body, size_t len)
{
	nx_msg_release(&m);
	return nxd_call(NULL, client, kind, 0, body, len, -1, &m, NX_DEADLINE_SERVICE_MS);
}

static void test_vfsd_open_alias_gives_sealed_newest(void **state)
{
	const char *p = "pkg:/demo/payload.elf";
	char buf[16] = {0};
	(void)state;

	assert_int_equal(call(NX_VFS_OPEN, p, strlen(p)), strlen("newest"));
	assert_int_equal(m.len, strlen("/packages/demo@1.10.0/payload.elf"));
	assert_memory_equal(m.body, "/packages/demo@1.10.0/payload.elf", m.len);
	int fd = nx_msg_take_fd(&m);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GET_SEALS), NX_BUNDLE_SEALS);
	assert_int_equal(pread(fd, buf, sizeof(buf), 0), 6);
	assert_string_equal(buf, "newest");
	close(fd);
}

static void test_vfsd_read_and_stat_versioned_path(void **state)
{
	const char *p = "/packages/demo@1.9.0/payload.elf";
	uint8_t body[sizeof(struct nx_vfs_read) + 64];
	struct nx_vfs_read rq = {.offset = 1, .count = 3};
	struct nx_vfs_stat st;
	(void)state;

	memcpy(body, &rq, sizeof(rq));
	memcpy(body + sizeof(rq), p, strlen(p));
	assert_int_equal(call(NX_VFS_READ, body, sizeof(rq) + strlen(p)), 3);
	assert_memory_equal(m.body, "lde", 3);
	rq.offset = 5;
	memcpy(body, &rq, sizeof(rq));
	assert_int_equal(call(NX_VFS_READ, body, sizeof(rq) + strlen(p)), 0);
	rq.count = NX_VFS_READ_MAX + 1;
	memcpy(body, &rq, sizeof(rq));
	assert_int_equal(call(NX_VFS_READ, body, sizeof(rq) + strlen(p)), -NX_EMSGSIZE);

	assert_int_equal(call(NX_VFS_STAT, p, strlen(p)), 0);
	assert_int_equal(m.len, sizeof(st));
	memcpy(&st, m.body, sizeof(st));
	assert_int_equal(st.size, 5);
	assert_int_equal(st.kind, NX_VFS_KIND_FILE);
	assert_string_equal(st.resolved, p);
}

/* The seed connection serves what a payload may ask: STAT and READ, not OPEN. */
static void test_vfsd_seed_connection(void **state)
{
	const char *p = "pkg:/demo/payload.elf";
	struct nx_vfs_stat st;
	(void)state;

	assert_true(vfsd.seed >= 0);
	nx_msg_release(&m);
	assert_int_equal(
	    nxd_call(NULL, vfsd.seed, NX_VFS_STAT, 7, p, strlen(p), -1, &m, NX_DEADLINE_SERVICE_MS),
	    0);
	memcpy(&st, m.body, sizeof(st));
	assert_int_equal(st.size, 6);
	nx_msg_release(&m);
	assert_int_equal(
	    nxd_call(NULL, vfsd.seed, NX_VFS_OPEN, 7, p, strlen(p), -1, &m, NX_DEADLINE_SERVICE_MS),
	    -NX_ENOSYS);
}

static void test_vfsd_refuses_bad_paths(void **state)
{
	char longp[NX_PATH_MAX + 1];
	(void)state;

	assert_int_equal(call(NX_VFS_OPEN, "pkg:/../payload.elf", 19), -NX_EINVAL);
	assert_non_null(strstr((const char *)m.body, "'..'"));
	assert_int_equal(call(NX_VFS_STAT, "pkg://x", 7), -NX_EINVAL);
	assert_int_equal(call(NX_VFS_OPEN, "pkg:/absent/payload.elf", 23), -NX_ESRCH);
	assert_int_equal(call(NX_VFS_OPEN, "/packages/demo@1.9.0/absent", 27), -NX_ESRCH);
	/* NX_PATH_MAX - 1 bytes passes the rules (no such file); NX_PATH_MAX bytes does not. */
	memcpy(longp, "/packages/demo@1.9.0/", 21);
	memset(longp + 21, 'f', sizeof(longp) - 21);
	assert_int_equal(call(NX_VFS_STAT, longp, NX_PATH_MAX - 1), -NX_ESRCH);
	assert_int_equal(call(NX_VFS_STAT, longp, NX_PATH_MAX), -NX_EINVAL);
}

static void test_vfsd_survives_malformed_frames(void **state)
{
	uint8_t id[16] = {1};
	(void)state;

	/* Unknown kind, then an empty path: error replies, and the daemon keeps serving. */
	assert_int_equal(call(0x09ff, "x", 1), -NX_ENOSYS);
	assert_int_equal(nx_wire_send(client, NX_VFS_OPEN, 0, id, NULL, 0, -1), 0);
	nx_msg_release(&m);
	assert_int_equal(nx_wire_recv(client, &m, 0), 1);
	assert_true(nx_msg_result(&m) < 0);
	assert_int_equal(call(NX_VFS_STAT, "pkg:/demo/payload.elf", 21), 0);
	int status;
	assert_int_equal(waitpid(vfsd.pid, &status, WNOHANG), 0);
	assert_int_equal(waitpid(pkgfs.pid, &status, WNOHANG), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vfsd_open_alias_gives_sealed_newest),
	    cmocka_unit_test(test_vfsd_read_and_stat_versioned_path),
	    cmocka_unit_test(test_vfsd_seed_connection),
	    cmocka_unit_test(test_vfsd_refuses_bad_paths),
	    cmocka_unit_test(test_vfsd_survives_malformed_frames),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
