/*
 * One run: install the bundle through bundlemgrd, then run it through
 * execd, as a client of both through samgrd, and answer nexus-sim with
 * the result. Both calls are asynchronous: while the payload runs, init
 * keeps supervising and keeps listening to nexus-sim.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init.h"
#include "manifest.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"

struct run {
	struct init *in;
	struct nx_frame req;
	struct nxd_conn *conn; /* to bundlemgrd, then to execd */
	int ended;	       /* answered: late completions are ignored */
	uint32_t argc, envc;
	size_t strslen;
	uint8_t *strs; /* the arguments, then the environment */
	char name[NX_BUNDLE_NAME_MAX + NX_PATH_MAX];
};

static void run_end(struct run *r)
{
	struct init *in = r->in;
	struct nxd_conn *c = r->conn;

	r->ended = 1;
	r->conn = NULL;
	/* Completes the pending call (if any) with NULL, which sees r->ended. */
	if (c != NULL)
		nxd_conn_drop(c);
	free(r->strs);
	free(r);
	in->run = NULL;
	init_arm_timer(in);
}

static void run_fail(struct run *r, int64_t err, const void *msg, size_t len)
{
	if (len > NX_ERRMSG_MAX)
		len = NX_ERRMSG_MAX;
	(void)nx_wire_send(nxd_conn_fd(r->in->ctl), NX_CTL_RESULT, (uint64_t)err, r->req.id, msg,
			   len, -1);
	run_end(r);
}

static void run_failf(struct run *r, int err, const char *text)
{
	run_fail(r, -(int64_t)err, text, strlen(text));
}

/* A connection to a service through samgrd, owned by the loop. */
static struct nxd_conn *run_connect(struct run *r, const char *svc)
{
	struct nx_msg *m = malloc(sizeof(*m));
	struct nxd_conn *c = NULL;
	int64_t res;
	int fd;

	if (m == NULL || r->in->registry == NULL) {
		free(m);
		return NULL;
	}
	nx_msg_init(m);
	res = nxd_call(r->in->registry, -1, NX_SAMGR_CONNECT, 0, svc, strlen(svc), -1, m);
	fd = nx_msg_take_fd(m);
	nx_msg_release(m);
	free(m);
	if (res < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	c = nxd_loop_add(r->in->loop, fd, svc, NULL, 0, r);
	return c;
}

static void run_exec_done(void *arg, struct nx_msg *reply)
{
	struct run *r = arg;
	struct nx_ctl_result res;

	if (r->ended)
		return;
	if (reply == NULL) {
		r->conn = NULL;
		run_failf(r, NX_EPIPE, "execd went away during the run");
		return;
	}
	if (nx_msg_result(reply) < 0) {
		run_fail(r, nx_msg_result(reply), reply->body, reply->len);
		return;
	}
	if (reply->len != sizeof(struct nx_exec_result)) {
		run_failf(r, NX_EPIPE, "execd sent a result of the wrong size");
		return;
	}
	_Static_assert(sizeof(res) == sizeof(struct nx_exec_result), "exec and ctl results agree");
	memcpy(&res, reply->body, sizeof(res));
	(void)nx_wire_send(nxd_conn_fd(r->in->ctl), NX_CTL_RESULT, 0, r->req.id, &res, sizeof(res),
			   -1);
	run_end(r);
}

static void run_exec(struct run *r)
{
	struct nx_exec_req er = {.argc = r->argc + 1, .envc = r->envc};
	size_t nlen = strlen(r->name) + 1;
	size_t len = sizeof(er) + 2 * nlen + r->strslen;
	uint8_t *body;
	int err;

	if (len > NX_FRAME_BODY_MAX) {
		run_failf(r, NX_EMSGSIZE, "arguments too long for one request");
		return;
	}
	body = malloc(len);
	r->conn = run_connect(r, NX_SVC_EXECD);
	if (body == NULL || r->conn == NULL) {
		free(body);
		run_failf(r, NX_EPIPE, "cannot connect to execd");
		return;
	}
	/* target, then argv[0] = the installed name, the user's arguments, the environment. */
	memcpy(body, &er, sizeof(er));
	memcpy(body + sizeof(er), r->name, nlen);
	memcpy(body + sizeof(er) + nlen, r->name, nlen);
	if (r->strslen > 0)
		memcpy(body + sizeof(er) + 2 * nlen, r->strs, r->strslen);
	err = nxd_call_async(r->conn, NX_EXEC_RUN, 0, body, len, -1, run_exec_done, r);
	free(body);
	if (err != 0)
		run_failf(r, NX_EPIPE, "cannot send the run request to execd");
}

static void run_install_done(void *arg, struct nx_msg *reply)
{
	struct run *r = arg;
	char *at;

	if (r->ended)
		return;
	if (reply == NULL) {
		r->conn = NULL;
		run_failf(r, NX_EPIPE, "bundlemgrd went away during the install");
		return;
	}
	if (nx_msg_result(reply) < 0) {
		run_fail(r, nx_msg_result(reply), reply->body, reply->len);
		return;
	}
	/* "name@version" */
	at = memchr(reply->body, '@', reply->len);
	size_t n = at ? (size_t)(at - (char *)reply->body) : 0;
	if (n == 0 || n >= NX_BUNDLE_NAME_MAX) {
		run_failf(r, NX_EPIPE, "bundlemgrd sent a malformed install reply");
		return;
	}
	memcpy(r->name, reply->body, n);
	r->name[n] = 0;
	if (!nx_bundle_name_ok(r->name)) {
		run_failf(r, NX_EPIPE, "bundlemgrd sent a malformed install reply");
		return;
	}
	nxd_conn_drop(r->conn);
	r->conn = NULL;
	run_exec(r);
}

void run_start(struct init *in, const struct nx_frame *req, int dirfd, const char *label,
	       const uint8_t *strs, size_t len, uint32_t argc, uint32_t envc)
{
	struct run *r = calloc(1, sizeof(*r));
	int err;

	if (r == NULL || (len > 0 && (r->strs = malloc(len)) == NULL)) {
		free(r);
		close(dirfd);
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_RESULT,
				   (uint64_t) - (int64_t)NX_ENOMEM, req->id, NULL, 0, -1);
		return;
	}
	r->in = in;
	r->req = *req;
	r->argc = argc;
	r->envc = envc;
	r->strslen = len;
	if (len > 0)
		memcpy(r->strs, strs, len);
	in->run = r;
	r->conn = run_connect(r, NX_SVC_BUNDLEMGRD);
	if (r->conn == NULL) {
		close(dirfd);
		run_failf(r, NX_EPIPE, "cannot connect to bundlemgrd");
		return;
	}
	err = nxd_call_async(r->conn, NX_BUNDLE_INSTALL, 0, label, strlen(label), dirfd,
			     run_install_done, r);
	close(dirfd);
	if (err != 0)
		run_failf(r, NX_EPIPE, "cannot send the install request to bundlemgrd");
}

void run_abort(struct init *in)
{
	if (in->run != NULL)
		run_failf(in->run, NX_EPIPE, "shutdown during the run");
}
