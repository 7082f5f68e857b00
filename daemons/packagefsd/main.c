/*
 * packagefsd: serves the installed bundles read-only as
 * /packages/<name>@<version>/<file>, from the slot directory beneath the
 * state directory (fd 5). Its one client is vfsd, which resolves pkg:/
 * aliases through NX_PKGFS_RESOLVE first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nxd.h"
#include "nexus/state.h"
#include "pkgfs.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_vfs.h"

static int slot_fd = -1;

static void on_resolve(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX], out[NX_PATH_MAX];
	(void)arg;

	if (memchr(m->body, '\0', m->len) != NULL) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "resolve: NUL inside the name");
		return;
	}
	int err = pkgfs_resolve(slot_fd, (const char *)m->body, out, msg, sizeof(msg));
	if (err != 0)
		nxd_reply_err(c, &m->hdr, err, "%s", msg);
	else
		nxd_reply(c, &m->hdr, 0, out, strlen(out), -1);
}

static void on_open(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX];
	uint64_t size = 0;
	(void)arg;

	int fd = pkgfs_open(slot_fd, (const char *)m->body, m->len, &size, msg, sizeof(msg));
	if (fd < 0) {
		nxd_reply_err(c, &m->hdr, fd, "%s", msg);
		return;
	}
	int mfd = pkgfs_sealed_copy(fd, size);
	close(fd);
	if (mfd < 0) {
		nxd_reply_err(c, &m->hdr, mfd, "%.*s: copying failed", (int)m->len,
			      (const char *)m->body);
		return;
	}
	nxd_reply(c, &m->hdr, (int64_t)size, m->body, m->len, mfd);
	close(mfd);
}

static void on_read(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	static uint8_t buf[NX_VFS_READ_MAX];
	struct nx_vfs_read rq;
	char msg[NX_ERRMSG_MAX];
	uint64_t size = 0;
	(void)arg;

	memcpy(&rq, m->body, sizeof(rq));
	if (rq.count > NX_VFS_READ_MAX || rq.pad != 0) {
		nxd_reply_err(c, &m->hdr, -NX_EMSGSIZE, "read: count over %u bytes or pad not zero",
			      NX_VFS_READ_MAX);
		return;
	}
	const char *path = (const char *)m->body + sizeof(rq);
	int fd = pkgfs_open(slot_fd, path, m->len - sizeof(rq), &size, msg, sizeof(msg));
	if (fd < 0) {
		nxd_reply_err(c, &m->hdr, fd, "%s", msg);
		return;
	}
	ssize_t n = 0;
	if (rq.offset < size) {
		size_t want = rq.count;
		if (size - rq.offset < want)
			want = (size_t)(size - rq.offset);
		n = pread(fd, buf, want, (off_t)rq.offset);
	}
	close(fd);
	if (n < 0)
		nxd_reply_err(c, &m->hdr, -NX_ENOMEM, "read: %.*s: failed",
			      (int)(m->len - sizeof(rq)), path);
	else
		nxd_reply(c, &m->hdr, n, buf, (size_t)n, -1);
}

static void on_stat(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nx_vfs_stat st = {0};
	char msg[NX_ERRMSG_MAX];
	(void)arg;

	int fd = pkgfs_open(slot_fd, (const char *)m->body, m->len, &st.size, msg, sizeof(msg));
	if (fd < 0) {
		nxd_reply_err(c, &m->hdr, fd, "%s", msg);
		return;
	}
	close(fd);
	st.kind = NX_VFS_KIND_FILE;
	memcpy(st.resolved, m->body, m->len);
	nxd_reply(c, &m->hdr, 0, &st, sizeof(st), -1);
}

static const struct nxd_handler handlers[] = {
    {{NX_PKGFS_RESOLVE, 1, NX_PATH_MAX - 1, NX_FD_NONE}, on_resolve},
    {{NX_PKGFS_OPEN, 1, NX_PATH_MAX - 1, NX_FD_NONE}, on_open},
    {{NX_PKGFS_READ, sizeof(struct nx_vfs_read) + 1, sizeof(struct nx_vfs_read) + NX_PATH_MAX - 1,
      NX_FD_NONE},
     on_read},
    {{NX_PKGFS_STAT, 1, NX_PATH_MAX - 1, NX_FD_NONE}, on_stat},
};

/*
 * Beyond libnxd's base list: reading the slot (openat, getdents64, dup for
 * fdopendir, pread64) and the sealed copies (memfd_create).
 */
static const int extra_syscalls[] = {SYS_openat, SYS_getdents64, SYS_dup, SYS_pread64,
				     SYS_memfd_create};

int main(int argc, char **argv)
{
	struct nxd *d = nxd_start(NX_SVC_PACKAGEFSD, NXD_START_DIR_RO);
	int slot = nxd_slot_arg(argc, argv);

	/* updated made sure the slot exists before its boot decision; packagefsd never writes. */
	slot_fd = openat(nxd_dir_fd(d), nx_state_slot(slot),
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (slot_fd < 0)
		fatal("state directory: %s", nx_state_slot(slot));
	close(nxd_dir_fd(d));
	return nxd_service(d, extra_syscalls, NXD_COUNT(extra_syscalls), handlers,
			   NXD_COUNT(handlers), NULL);
}
