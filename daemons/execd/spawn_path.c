/*
 * nx_spawn_path (docs/payloads.md): a task's request, carried by the
 * kernel process over execd's seed connection (nexus/svc_exec.h
 * NX_EXEC_SPAWN). execd checks it against the spawn limits, resolves the
 * path through vfsd, and spawns the verified payload as the caller's
 * child with a seed of its own. NX_EXEC_ENDED later reports such a
 * child's crash the way a RUN's crash is reported.
 *
 * Every refusal is the errno nx_spawn_path returns: ENOENT no such
 * program, ENAMETOOLONG, E2BIG, ENOEXEC the loader refused the ELF (or
 * the payload is not one), EACCES the bundle failed verification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_req.h"
#include "exec_spawn.h"
#include "launch_log.h"
#include "spawn_path.h"
#include "vfs_path.h"
#include "nexus/spawn.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"
#include "nexus/svc_vfs.h"

static struct nxd *execd;
static struct nxd_peer *bundlemgrd;
static struct nxd_peer vfsd;

/* The request's shape against the spawn limits: 0 or the errno, with why. */
static int check_limits(const struct exec_req *r, const char **why)
{
	size_t plen = strlen(r->target);
	if (plen == 0) {
		*why = "empty path";
		return -NX_ENOENT;
	}
	if (plen > NX_SPAWN_PATH_MAX) {
		*why = "path over NX_SPAWN_PATH_MAX bytes";
		return -NX_ENAMETOOLONG;
	}
	if (r->argc > NX_SPAWN_ARGS_MAX || r->envc > NX_SPAWN_ENVS_MAX) {
		*why = "over NX_SPAWN_ARGS_MAX arguments or NX_SPAWN_ENVS_MAX env strings";
		return -NX_E2BIG;
	}
	for (size_t i = 0; i < r->argc; i++)
		if (strlen(r->argv[i]) > NX_SPAWN_STR_MAX) {
			*why = "an argument over NX_SPAWN_STR_MAX bytes";
			return -NX_E2BIG;
		}
	for (size_t i = 0; i < r->envc; i++)
		if (strlen(r->envp[i]) > NX_SPAWN_STR_MAX) {
			*why = "an env string over NX_SPAWN_STR_MAX bytes";
			return -NX_E2BIG;
		}
	return 0;
}

/*
 * pkg:/<name>, pkg:/<name>/payload.elf or /packages/<name>@<version>/
 * payload.elf -> vfsd's resolved /packages/ path -> *name and "name@version"
 * for bundlemgrd. 0 or -NX_ENOENT (or vfsd's failure) with msg.
 */
static int resolve(const char *path, struct vfs_path *p, char bundle[2 * NX_PATH_MAX], char *msg,
		   size_t cap)
{
	char vpath[NX_PATH_MAX];
	const char *why = NULL;
	struct nx_msg reply;
	struct nx_vfs_stat st;

	size_t len = strlen(path);
	int n = -1;
	if (len > 5 && memcmp(path, NX_VFS_ALIAS_PREFIX, 5) == 0 && strchr(path + 5, '/') == NULL)
		n = snprintf(vpath, sizeof(vpath), "%s/%s", path, NX_BUNDLE_PAYLOAD);
	else
		n = snprintf(vpath, sizeof(vpath), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(vpath) || vfs_path_parse(vpath, (size_t)n, p, &why) != 0 ||
	    strcmp(p->file, NX_BUNDLE_PAYLOAD) != 0) {
		snprintf(msg, cap, "%s: no such program (%s)", path,
			 why != NULL ? why : "not a bundle's " NX_BUNDLE_PAYLOAD);
		return -NX_ENOENT;
	}
	nx_msg_init(&reply);
	int64_t r = nxd_peer_call(&vfsd, NX_VFS_STAT, 0, vpath, (size_t)n, -1, &reply);
	if (r >= 0 && reply.len == sizeof(st)) {
		memcpy(&st, reply.body, sizeof(st));
		st.resolved[sizeof(st.resolved) - 1] = '\0';
		if (vfs_path_parse(st.resolved, strlen(st.resolved), p, &why) != 0 || p->alias)
			r = -NX_EINVAL;
	} else if (r >= 0) {
		r = -NX_EINVAL;
	}
	if (r == -NX_ESRCH || r == -NX_EINVAL)
		snprintf(msg, cap, "%s: no such program (%.*s)", path, (int)reply.len,
			 (const char *)reply.body);
	else if (r < 0)
		snprintf(msg, cap, "%s: vfsd did not resolve it (error %lld)", path, (long long)-r);
	nx_msg_release(&reply);
	if (r == -NX_ESRCH || r == -NX_EINVAL)
		return -NX_ENOENT;
	if (r < 0)
		return (int)r;
	snprintf(bundle, 2 * NX_PATH_MAX, "%s@%s", p->name, p->version);
	return 0;
}

/* A refusal of exec_spawn as the errno nx_spawn_path gives. */
static long spawn_errno(long err, enum exec_spawn_step step)
{
	switch (step) {
	case EXEC_STEP_BUNDLE:
		if (err == -NX_ESRCH)
			return -NX_ENOENT;
		/* Signature missing, bad or untrusted; digests that do not match: not to be run. */
		return err == -NX_EPERM || err == -NX_EINVAL ? -NX_EACCES : err;
	case EXEC_STEP_KIND:
	case EXEC_STEP_ELF:
		return -NX_ENOEXEC;
	case EXEC_STEP_STACK:
		return -NX_E2BIG;
	default:
		return err;
	}
}

/* program: what launch.v1 counts it under, the bundle's name once the path resolved. */
static long spawn(uint32_t parent, const uint8_t *req, size_t len, char *msg, size_t cap,
		  char program[NX_PATH_MAX])
{
	static struct exec_req r;
	struct vfs_path p;
	char bundle[2 * NX_PATH_MAX];
	enum exec_spawn_step step;
	const char *why = NULL;

	snprintf(program, NX_PATH_MAX, "%s", "(unreadable request)");
	int err = exec_req_parse(req, len, &r, &why);
	if (err == 0) {
		snprintf(program, NX_PATH_MAX, "%s", r.target);
		err = check_limits(&r, &why);
	}
	if (err != 0) {
		snprintf(msg, cap, "spawn: %s", why);
		return err;
	}
	if ((err = resolve(r.target, &p, bundle, msg, cap)) != 0)
		return err;
	snprintf(program, NX_PATH_MAX, "%s", p.name);
	const struct exec_spawn s = {.bundle = bundle,
				     .name = p.name,
				     .argv = r.argv,
				     .argc = r.argc,
				     .envp = r.envp,
				     .envc = r.envc,
				     .flags = NX_SPAWN_SEED | NX_SPAWN_REPORT,
				     .parent = parent};
	long pid = exec_spawn(execd, bundlemgrd, &s, &step, msg, cap);
	return pid < 0 ? spawn_errno(pid, step) : pid;
}

/* Read the request out of its memfd: what execd parses is a copy the task cannot change. */
static uint8_t *read_request(int fd, size_t bytes)
{
	uint8_t *buf = malloc(bytes + 1);
	if (buf != NULL && (fd < 0 || pread(fd, buf, bytes, 0) != (ssize_t)bytes)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void on_spawn(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nx_spawn_req sr;
	char msg[NX_ERRMSG_MAX], program[NX_PATH_MAX];
	uint32_t parent = (uint32_t)m->hdr.arg;
	(void)arg;

	memcpy(&sr, m->body, sizeof(sr));
	int fd = nx_msg_take_fd(m);
	if (sr.flags != 0 || sr.bytes < sizeof(struct nx_exec_req) ||
	    sr.bytes > NX_SPAWN_REQ_BYTES_MAX) {
		if (fd >= 0)
			close(fd);
		nxd_reply_err(c, &m->hdr,
			      sr.bytes > NX_SPAWN_REQ_BYTES_MAX ? -NX_E2BIG : -NX_EINVAL,
			      "spawn: a request of %u bytes (at most %zu)", sr.bytes,
			      (size_t)NX_SPAWN_REQ_BYTES_MAX);
		return;
	}
	uint8_t *req = read_request(fd, sr.bytes);
	if (fd >= 0)
		close(fd);
	if (req == NULL) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "spawn: the request's VMO cannot be read");
		return;
	}
	long pid = spawn(parent, req, sr.bytes, msg, sizeof(msg), program);
	free(req);
	(void)exec_launch_log(execd, program, pid, msg);
	if (pid < 0) {
		nxd_say("execd: spawn for pid %u refused: %s", parent, msg);
		nxd_reply_err(c, &m->hdr, (int)pid, "%s", msg);
		return;
	}
	(void)nxd_reply(c, &m->hdr, pid, NULL, 0, -1);
}

static void on_ended(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nx_exec_result res;
	(void)c;
	(void)arg;

	memcpy(&res, m->body, sizeof(res));
	res.crash.name[sizeof(res.crash.name) - 1] = '\0';
	execd_report_end(res.pid, res.crash.name, res.status, &res.crash);
}

static const struct nxd_handler seed_handlers[] = {
    {{NX_EXEC_SPAWN, sizeof(struct nx_spawn_req), sizeof(struct nx_spawn_req), NX_FD_REQUIRED},
     on_spawn},
    {{NX_EXEC_ENDED, sizeof(struct nx_exec_result), sizeof(struct nx_exec_result), NX_FD_NONE},
     on_ended},
};

void spawn_path_start(struct nxd *d, struct nxd_peer *bm)
{
	execd = d;
	bundlemgrd = bm;
	nxd_peer_init(&vfsd, d, NX_SVC_VFSD, NX_DEADLINE_SERVICE_MS);
	nxd_seed_serve(d, NX_EXEC_SEED_CONN, seed_handlers, NXD_COUNT(seed_handlers), NULL);
}
