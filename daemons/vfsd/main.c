/*
 * vfsd: the one path namespace clients see. It checks every path against
 * the rules (vfs_path.h), turns pkg:/<name>/<file> into the newest
 * installed /packages/<name>@<version>/<file> and forwards the request to
 * packagefsd, the only file system mounted (at /packages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nxd.h"
#include "vfs_path.h"
#include "nexus/svc_vfs.h"

static struct nxd_peer pkgfs;
static struct nx_msg reply;

/* Check and resolve the path; 0 with the /packages/ form in out, or an error already replied. */
static int resolve(struct nxd_conn *c, struct nx_msg *m, const char *path, size_t len,
		   char out[NX_PATH_MAX])
{
	struct vfs_path p;
	const char *why = NULL;

	int err = vfs_path_parse(path, len, &p, &why);
	if (err != 0) {
		nxd_reply_err(c, &m->hdr, err, "'%.*s': %s", (int)(len < 200 ? len : 200), path,
			      why);
		return err;
	}
	if (p.alias) {
		int64_t r =
		    nxd_peer_call(&pkgfs, NX_PKGFS_RESOLVE, 0, p.name, strlen(p.name), -1, &reply);
		if (r == -NX_ETIMEDOUT || (r < 0 && reply.hdr.kind != NX_FRAME_REPLY)) {
			nxd_reply_err(c, &m->hdr, (int)r, "packagefsd did not answer");
			nx_msg_release(&reply);
			return (int)r;
		}
		if (r < 0) {
			nxd_reply_err(c, &m->hdr, (int)r, "%.*s", (int)reply.len,
				      (const char *)reply.body);
			nx_msg_release(&reply);
			return (int)r;
		}
		char *at = memchr(reply.body, '@', reply.len);
		if (at == NULL || reply.len >= NX_PATH_MAX) {
			nx_msg_release(&reply);
			nxd_reply_err(c, &m->hdr, -NX_EINVAL,
				      "packagefsd: malformed resolve reply");
			return -NX_EINVAL;
		}
		snprintf(p.version, sizeof(p.version), "%s", at + 1);
		nx_msg_release(&reply);
	}
	if ((err = vfs_path_format(&p, out, NX_PATH_MAX)) != 0) {
		nxd_reply_err(c, &m->hdr, err, "'%.*s': resolved path too long (NX_PATH_MAX)",
			      (int)(len < 200 ? len : 200), path);
		return err;
	}
	return 0;
}

/* Forward to packagefsd and relay its reply, fd included. */
static void forward(struct nxd_conn *c, struct nx_msg *m, uint32_t kind, const void *body,
		    size_t len)
{
	int64_t r = nxd_peer_call(&pkgfs, kind, 0, body, len, -1, &reply);
	if (r < 0 && (r == -NX_ETIMEDOUT || reply.hdr.kind != NX_FRAME_REPLY))
		nxd_reply_err(c, &m->hdr, (int)r, "packagefsd did not answer");
	else
		nxd_reply(c, &m->hdr, r, reply.body, reply.len, reply.fd);
	nx_msg_release(&reply);
}

static void on_path(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char path[NX_PATH_MAX];
	uint32_t kind = m->hdr.kind == NX_VFS_OPEN ? NX_PKGFS_OPEN : NX_PKGFS_STAT;
	(void)arg;

	if (resolve(c, m, (const char *)m->body, m->len, path) == 0)
		forward(c, m, kind, path, strlen(path));
}

static void on_read(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	uint8_t body[sizeof(struct nx_vfs_read) + NX_PATH_MAX];
	char path[NX_PATH_MAX];
	(void)arg;

	if (resolve(c, m, (const char *)m->body + sizeof(struct nx_vfs_read),
		    m->len - sizeof(struct nx_vfs_read), path) != 0)
		return;
	size_t n = strlen(path);
	memcpy(body, m->body, sizeof(struct nx_vfs_read));
	memcpy(body + sizeof(struct nx_vfs_read), path, n);
	forward(c, m, NX_PKGFS_READ, body, sizeof(struct nx_vfs_read) + n);
}

#define VFS_STAT_HANDLER                                                                           \
	{                                                                                          \
		{NX_VFS_STAT, 1, NX_PATH_MAX - 1, NX_FD_NONE}, on_path                             \
	}
#define VFS_READ_HANDLER                                                                           \
	{                                                                                          \
		{NX_VFS_READ, sizeof(struct nx_vfs_read) + 1,                                      \
		 sizeof(struct nx_vfs_read) + NX_PATH_MAX - 1, NX_FD_NONE},                        \
		    on_read                                                                        \
	}

static const struct nxd_handler handlers[] = {
    {{NX_VFS_OPEN, 1, NX_PATH_MAX - 1, NX_FD_NONE}, on_path},
    VFS_STAT_HANDLER,
    VFS_READ_HANDLER,
};

/* What payloads reach through their seed: no OPEN, whose fd a task could not take. */
static const struct nxd_handler seed_handlers[] = {VFS_STAT_HANDLER, VFS_READ_HANDLER};

int main(void)
{
	struct nxd *d = nxd_start(NX_SVC_VFSD, 0);

	nx_msg_init(&reply);
	nxd_peer_init(&pkgfs, d, NX_SVC_PACKAGEFSD, NX_DEADLINE_SERVICE_MS);
	nxd_seed_serve(d, NX_VFS_SEED_CONN, seed_handlers, NXD_COUNT(seed_handlers), NULL);
	/* vfsd opens nothing: libnxd's base list is all it needs. */
	return nxd_service(d, NULL, 0, handlers, NXD_COUNT(handlers), NULL);
}
