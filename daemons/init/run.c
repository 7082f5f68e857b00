/*
 * One run: install the bundle through bundlemgrd, then run it through
 * execd, as a client of both through samgrd, and answer nexus-sim with
 * the result. Both calls are asynchronous: while the payload runs, init
 * keeps supervising and keeps listening to nexus-sim.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemons/init/init.h"
#include "formats/manifest.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"

struct run {
	struct init *in;
	struct nx_frame req;
	struct nxd_conn *conn; /* to bundlemgrd, then to execd */
	int ended;	       /* answered: late completions are ignored */
	uint32_t nargs;
	size_t argslen;
	uint8_t *args;
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
	free(r->args);
	free(r);
	in->run = NULL;
	init_arm_timer(in);
}

static void run_fail(struct run *r, int64_t err, const void *msg, size_t len)
{
	if (len > NX_ERRMSG_MAX)
		len = NX_ERRMSG_MAX;
	(void)nxd_send(nxd_conn_fd(r->in->ctl), NX_CTL_RESULT, (uint64_t)err, r->req.id, msg, len,
		       -1);
	run_end(r);
}

static void run_failf(struct run *r, int err, const char *text)
{
	run_fail(r, -(int64_t)err, text, strlen(text));
}

/* A connection to a service through samgrd, owned by the loop. */
static struct nxd_conn *run_connect(struct run *r, const char *svc)
{
	struct nxd_msg *m = malloc(sizeof(*m));
	struct nxd_conn *c = NULL;
	int64_t res;
	int fd;

	if (m == NULL || r->in->registry == NULL) {
		free(m);
		return NULL;
	}
	nxd_msg_init(m);
	res = nxd_call(r->in->registry, -1, NX_SAMGR_CONNECT, 0, svc, strlen(svc), -1, m);
	fd = nxd_msg_take_fd(m);
	nxd_msg_release(m);
	free(m);
	if (res < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	c = nxd_loop_add(r->in->loop, fd, svc, NULL, 0, r);
	return c;
}

static void run_exec_done(void *arg, struct nxd_msg *reply)
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
	if (nxd_result(reply) < 0) {
		run_fail(r, nxd_result(reply), reply->body, reply->len);
		return;
	}
	if (reply->len != sizeof(struct nx_exec_result)) {
		run_failf(r, NX_EPIPE, "execd sent a result of the wrong size");
		return;
	}
	_Static_assert(sizeof(res) == sizeof(struct nx_exec_result), "exec and ctl results agree");
	memcpy(&res, reply->body, sizeof(res));
	(void)nxd_send(nxd_conn_fd(r->in->ctl), NX_CTL_RESULT, 0, r->req.id, &res, sizeof(res), -1);
	run_end(r);
}

static void run_exec(struct run *r)
{
	struct nx_exec_req er = {.argc = r->nargs + 1, .envc = 0};
	size_t nlen = strlen(r->name) + 1;
	size_t len = sizeof(er) + 2 * nlen + r->argslen;
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
	/* target, then argv[0] = the installed name, then the user's arguments. */
	memcpy(body, &er, sizeof(er));
	memcpy(body + sizeof(er), r->name, nlen);
	memcpy(body + sizeof(er) + nlen, r->name, nlen);
	if (r->argslen > 0)
		memcpy(body + sizeof(er) + 2 * nlen, r->args, r->argslen);
	err = nxd_call_async(r->conn, NX_EXEC_RUN, 0, body, len, -1, run_exec_done, r);
	free(body);
	if (err != 0)
		run_failf(r, NX_EPIPE, "cannot send the run request to execd");
}

static void run_install_done(void *arg, struct nxd_msg *reply)
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
	if (nxd_result(reply) < 0) {
		run_fail(r, nxd_result(reply), reply->body, reply->len);
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
	       const uint8_t *args, size_t argslen, uint32_t nargs)
{
	struct run *r = calloc(1, sizeof(*r));
	int err;

	if (r == NULL || (argslen > 0 && (r->args = malloc(argslen)) == NULL)) {
		free(r);
		close(dirfd);
		(void)nxd_send(nxd_conn_fd(in->ctl), NX_CTL_RESULT, (uint64_t) - (int64_t)NX_ENOMEM,
			       req->id, NULL, 0, -1);
		return;
	}
	r->in = in;
	r->req = *req;
	r->nargs = nargs;
	r->argslen = argslen;
	if (argslen > 0)
		memcpy(r->args, args, argslen);
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
