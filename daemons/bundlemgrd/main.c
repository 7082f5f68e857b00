/*
 * bundlemgrd: installs signed bundles into the slot this boot runs
 * (argv[1]: "a" or "b", as updated decided; init passes it) of the state
 * directory (fd 5) and hands verified payloads to execd. All signature
 * checks go to keystored; this process holds no key. argv[2] says whether
 * the state directory persists ("statefs") or is nexus-sim's temporary one
 * ("non-persistent").
 */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sodium.h>

#include "nxd.h"
#include "manifest.h"
#include "semver.h"
#include "nexus/state.h"
#include "nexus/svc_bundle.h"
#include "bm.h"

static struct bm bm;
static struct nxd_peer keystored;

static int name_ok(struct nxd_conn *c, struct nx_msg *m)
{
	/* body[len] is a NUL (libnxd), so the body reads as a string once it holds none. */
	if (memchr(m->body, '\0', m->len) != NULL || !nx_bundle_name_ok((const char *)m->body)) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "'%.*s': not a bundle name", (int)m->len,
			      (const char *)m->body);
		return 0;
	}
	return 1;
}

/* GET_PAYLOAD's body: a bundle name, or "name@version" with a well-formed version. */
static int id_ok(struct nxd_conn *c, struct nx_msg *m)
{
	const char *body = (const char *)m->body;
	const char *at = memchr(body, '@', m->len);
	struct nx_semver v;
	char name[NX_BUNDLE_NAME_MAX];

	if (at == NULL)
		return name_ok(c, m);
	size_t nlen = (size_t)(at - body);
	snprintf(name, sizeof(name), "%.*s", (int)nlen, body);
	if (memchr(body, '\0', m->len) != NULL || nlen >= sizeof(name) ||
	    !nx_bundle_name_ok(name) || nx_semver_parse(at + 1, &v) != 0) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "'%.*s': not a bundle name or name@version",
			      (int)m->len, body);
		return 0;
	}
	return 1;
}

static void on_install(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX], id[BM_ID_MAX], label[NX_PATH_MAX];
	(void)arg;

	if (m->len == 0 || memchr(m->body, '\0', m->len) != NULL)
		strcpy(label, "bundle");
	else
		snprintf(label, sizeof(label), "%.*s", (int)m->len, (const char *)m->body);
	int dirfd = nx_msg_take_fd(m);
	int err = bm_install(&bm, dirfd, label, id, msg, sizeof(msg));
	close(dirfd);
	if (err != 0)
		nxd_reply_err(c, &m->hdr, err, "%s", msg);
	else
		nxd_reply(c, &m->hdr, 0, id, strlen(id), -1);
}

static void on_uninstall(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX];
	(void)arg;

	if (!name_ok(c, m))
		return;
	int n = bm_uninstall(&bm, (const char *)m->body, msg, sizeof(msg));
	if (n < 0)
		nxd_reply_err(c, &m->hdr, n, "%s", msg);
	else
		nxd_reply(c, &m->hdr, n, NULL, 0, -1);
}

static void on_list(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	static char buf[NX_FRAME_BODY_MAX];
	char msg[NX_ERRMSG_MAX];
	size_t len = 0;
	(void)arg;

	int n = bm_list(&bm, buf, sizeof(buf), &len, msg, sizeof(msg));
	if (n < 0)
		nxd_reply_err(c, &m->hdr, n, "%s", msg);
	else
		nxd_reply(c, &m->hdr, n, buf, len, -1);
}

static void on_get_payload(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX], id[BM_ID_MAX];
	struct {
		struct nx_bundle_payload info;
		char id[BM_ID_MAX];
	} body = {0};
	uint64_t size = 0;
	(void)arg;

	if (!id_ok(c, m))
		return;
	int fd =
	    bm_get_payload(&bm, (const char *)m->body, id, &size, &body.info, msg, sizeof(msg));
	if (fd < 0) {
		nxd_reply_err(c, &m->hdr, fd, "%s", msg);
		return;
	}
	memcpy(body.id, id, strlen(id));
	nxd_reply(c, &m->hdr, (int64_t)size, &body, sizeof(body.info) + strlen(id), fd);
	close(fd);
}

static const struct nxd_handler handlers[] = {
    {{NX_BUNDLE_INSTALL, 0, NX_PATH_MAX - 1, NX_FD_REQUIRED}, on_install},
    {{NX_BUNDLE_UNINSTALL, 1, NX_BUNDLE_NAME_MAX - 1, NX_FD_NONE}, on_uninstall},
    {{NX_BUNDLE_LIST, 0, 0, NX_FD_NONE}, on_list},
    {{NX_BUNDLE_GET_PAYLOAD, 1, BM_ID_MAX - 1, NX_FD_NONE}, on_get_payload},
};

/*
 * Beyond libnxd's base list: reading bundle directories (openat,
 * getdents64, dup for fdopendir, pread64), writing the store (mkdirat,
 * unlinkat, renameat2, fsync) and the payload memfds (memfd_create).
 */
static const int extra_syscalls[] = {SYS_openat,    SYS_getdents64, SYS_dup,
				     SYS_pread64,   SYS_mkdirat,    SYS_unlinkat,
				     SYS_renameat2, SYS_fsync,	    SYS_memfd_create};

/*
 * nexus-sim's temporary state directory is removed when the session ends:
 * an install there need not outlive a power cut, so it is not fsynced (each
 * fsync made the run wait for the disk).
 */
static int no_fsync(int fd)
{
	(void)fd;
	return 0;
}

static void note_quarantined(void *arg, const char *name, const char *why)
{
	(void)arg;
	nxd_say("bundlemgrd: moved %s to %s/: %s", name, NX_STATE_QUARANTINE, why);
}

int main(int argc, char **argv)
{
	static struct bstore_io io;
	struct nxd *d = nxd_start(NX_SVC_BUNDLEMGRD, NXD_START_DIR_RW | NXD_START_BUNDLE);

	if (argc != 3 ||
	    (strcmp(argv[2], "statefs") != 0 && strcmp(argv[2], "non-persistent") != 0))
		fatalx("usage: bundlemgrd a|b statefs|non-persistent");
	int slot = nxd_slot_arg(2, argv);
	io = bstore_io_host;
	if (strcmp(argv[2], "non-persistent") == 0)
		io.fsync = no_fsync;
	int err = bstore_open(&bm.store, nxd_dir_fd(d), nx_state_slot(slot), NX_BUNDLE_STAGING_DIR,
			      &io, note_quarantined, NULL);
	if (err != 0)
		fatalx("state directory: %s", strerror(-err));
	nxd_say("bundlemgrd: slot %c active", 'a' + slot);
	nxd_peer_init(&keystored, d, NX_SVC_KEYSTORED, NX_DEADLINE_SERVICE_MS);
	bm.sig.ctx = &keystored;
	bm.sig.verify = nxd_key_verify;
	/* libsodium reads its entropy source once, here, not under the sandbox. */
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	return nxd_service(d, extra_syscalls, NXD_COUNT(extra_syscalls), handlers,
			   NXD_COUNT(handlers), NULL);
}
