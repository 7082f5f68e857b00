/*
 * One run: install the bundle through bundlemgrd (unless it is installed
 * already), then run it through execd, as a client of both through
 * samgrd, and hand the result to whoever started the run (nexus-sim's
 * RUN, or the health gate). Every step is an asynchronous call with a
 * deadline (nexus/limits.h NX_DEADLINE_*): init never blocks on a peer,
 * and keeps supervising and listening to nexus-sim while the payload
 * runs.
 *
 *   CONNECT bundlemgrd -> INSTALL -> CONNECT execd -> RUN (reply: spawned)
 *   -> EXITED (the task ended) -> done
 *
 * A service init is restarting (it died between two runs) is not
 * registered with samgrd until it is up again: its CONNECT is repeated
 * every NX_RECONNECT_POLL_MS (from init's tick, never blocking) until
 * the step's deadline; one init will not restart fails at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init.h"
#include "manifest.h"
#include "programs.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"

struct run {
	struct init *in;
	run_done_fn done;
	struct nx_frame req;   /* the request that started the run; zero for none */
	struct nxd_conn *conn; /* to bundlemgrd, then to execd */
	const char *peer;      /* the service the current step waits on */
	int dirfd;	       /* the bundle until INSTALL took it */
	int ended;	       /* answered: late completions are ignored */
	int connecting;	       /* a CONNECT is pending on init's registry connection */
	int install_only;      /* nexus-sim's INSTALL: done after bundlemgrd's reply */
	uint64_t connect_due;  /* ms: the current step's peer must be registered by then */
	uint64_t retry_at;     /* ms: CONNECT again then (the peer is restarting); 0 = none */
	uint32_t argc, envc;
	size_t strslen;
	uint8_t *strs; /* the arguments, then the environment */
	char label[NX_PATH_MAX];
	char name[NX_PATH_MAX];		   /* execd's target: the installed name, or a path */
	char program[NX_PROGRAM_NAME_MAX]; /* the registry program run, or "" */
};

static void run_connect(struct run *r, const char *svc);
static int run_may_wait(const struct run *r);

static void run_free(struct run *r)
{
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->strs);
	free(r);
}

static void run_end(struct run *r)
{
	struct init *in = r->in;
	struct nxd_conn *c = r->conn;

	r->ended = 1;
	r->conn = NULL;
	/* Completes the pending call (if any) with NULL, which sees r->ended. */
	if (c != NULL)
		nxd_conn_drop(c);
	in->run = NULL;
	/* A CONNECT still pending on the shared registry connection frees r when it completes. */
	if (!r->connecting)
		run_free(r);
	init_arm_timer(in);
}

static void run_fail(struct run *r, int64_t err, const void *msg, size_t len)
{
	if (len > NX_ERRMSG_MAX)
		len = NX_ERRMSG_MAX;
	r->done(r->in, &r->req, err, msg, len);
	run_end(r);
}

void run_reply_ctl(struct init *in, const struct nx_frame *req, int64_t err, const void *body,
		   size_t len)
{
	if (in->ctl != NULL)
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_RESULT, (uint64_t)err, req->id,
				   body, len, -1);
}

void run_reply_installed(struct init *in, const struct nx_frame *req, int64_t err, const void *body,
			 size_t len)
{
	if (in->ctl != NULL)
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_INSTALLED, (uint64_t)err, req->id,
				   body, len, -1);
}

static void run_failf(struct run *r, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void run_failf(struct run *r, int err, const char *fmt, ...)
{
	char text[NX_ERRMSG_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	run_fail(r, -(int64_t)err, text, strlen(text));
}

/* A call that got no reply: the peer went away, or missed its deadline. */
static void run_no_reply(struct run *r, int err, int deadline_ms)
{
	r->conn = NULL;
	if (err == -NX_ETIMEDOUT)
		run_failf(r, NX_ETIMEDOUT, "%s did not answer within %d ms", r->peer, deadline_ms);
	else
		run_failf(r, NX_EPIPE, "%s went away during the run", r->peer);
}

/*
 * The reply of a refused or failed step goes to nexus-sim as it is; a
 * registry program whose bundle is not installed says how to install it.
 */
static int run_refused(struct run *r, struct nx_msg *reply)
{
	if (nx_msg_result(reply) >= 0)
		return 0;
	if (r->program[0] != 0 && nx_msg_result(reply) == -NX_ESRCH) {
		run_failf(r, NX_ESRCH,
			  "%.*s (program %s needs it: install it with --with %s.nxb, or use a "
			  "--state directory that has it)",
			  (int)reply->len, (const char *)reply->body, r->program,
			  nx_bundle_name_ok(r->name) ? r->name : "<its bundle>");
		return 1;
	}
	run_fail(r, nx_msg_result(reply), reply->body, reply->len);
	return 1;
}

static void run_exited(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct run *r = arg;

	(void)c;
	/* One RUN per connection: the EXITED on it is this run's. */
	if (r->ended)
		return;
	_Static_assert(sizeof(struct nx_ctl_result) == sizeof(struct nx_exec_result),
		       "exec and ctl results agree");
	r->done(r->in, &r->req, 0, m->body, m->len);
	run_end(r);
}

/* execd's unsolicited end of the task, on the connection the RUN went on. */
static const struct nxd_handler run_exec_table[] = {
    {{NX_EXEC_EXITED, sizeof(struct nx_exec_result), sizeof(struct nx_exec_result), NX_FD_NONE},
     run_exited},
};

static void run_spawned(void *arg, struct nx_msg *reply, int err)
{
	struct run *r = arg;

	if (r->ended)
		return;
	if (reply == NULL) {
		run_no_reply(r, err, NX_DEADLINE_EXEC_MS);
		return;
	}
	if (run_refused(r, reply))
		return;
	/* Spawned: the task runs as long as it runs; EXITED ends the run. */
	r->peer = NX_SVC_EXECD;
}

static void run_exec(struct run *r)
{
	struct nx_exec_req er = {.argc = r->argc + 1, .envc = r->envc};
	size_t nlen = strlen(r->name) + 1;
	size_t len = sizeof(er) + 2 * nlen + r->strslen;
	uint8_t *body = len <= NX_FRAME_BODY_MAX ? malloc(len) : NULL;
	int err;

	if (body == NULL) {
		run_failf(r, NX_EMSGSIZE, "arguments too long for one request");
		return;
	}
	/* target, then argv[0] = the installed name, the user's arguments, the environment. */
	memcpy(body, &er, sizeof(er));
	memcpy(body + sizeof(er), r->name, nlen);
	memcpy(body + sizeof(er) + nlen, r->name, nlen);
	if (r->strslen > 0)
		memcpy(body + sizeof(er) + 2 * nlen, r->strs, r->strslen);
	err = nxd_call_async(r->conn, NX_EXEC_RUN, 0, body, len, -1, NX_DEADLINE_EXEC_MS,
			     run_spawned, r);
	free(body);
	if (err != 0)
		run_failf(r, NX_EPIPE, "cannot send the run request to execd");
}

static void run_installed(void *arg, struct nx_msg *reply, int err)
{
	struct run *r = arg;

	if (r->ended)
		return;
	if (reply == NULL) {
		run_no_reply(r, err, NX_DEADLINE_BUNDLE_MS);
		return;
	}
	if (run_refused(r, reply))
		return;
	/* "name@version" */
	const char *at = memchr(reply->body, '@', reply->len);
	size_t n = at != NULL ? (size_t)(at - (const char *)reply->body) : 0;
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
	if (r->install_only) {
		r->done(r->in, &r->req, 0, reply->body, reply->len);
		run_end(r);
		return;
	}
	nxd_conn_drop(r->conn);
	r->conn = NULL;
	run_connect(r, NX_SVC_EXECD);
}

static void run_install(struct run *r)
{
	int err = nxd_call_async(r->conn, NX_BUNDLE_INSTALL, 0, r->label, strlen(r->label),
				 r->dirfd, NX_DEADLINE_BUNDLE_MS, run_installed, r);

	close(r->dirfd);
	r->dirfd = -1;
	if (err != 0)
		run_failf(r, NX_EPIPE, "cannot send the install request to bundlemgrd");
}

static void run_connected(void *arg, int fd, int err, const char *why)
{
	struct run *r = arg;

	r->connecting = 0;
	if (r->ended) {
		if (fd >= 0)
			close(fd);
		run_free(r);
		return;
	}
	if (fd < 0) {
		if (err == -NX_ESRCH && run_may_wait(r)) {
			r->retry_at = nxd_now_ms() + NX_RECONNECT_POLL_MS;
			init_arm_timer(r->in);
			return;
		}
		if (err == -NX_ETIMEDOUT) {
			r->peer = "samgrd";
			run_no_reply(r, err, NX_DEADLINE_REGISTRY_MS);
		} else {
			run_failf(r, NX_EPIPE, "cannot connect to %s: %s", r->peer, why);
		}
		return;
	}
	const int exec = strcmp(r->peer, NX_SVC_EXECD) == 0;
	r->conn =
	    nxd_loop_add(r->in->loop, fd, r->peer, exec ? run_exec_table : NULL, exec ? 1 : 0, r);
	if (r->conn == NULL) {
		run_failf(r, NX_EPIPE, "too many connections to reach %s", r->peer);
		return;
	}
	if (exec)
		run_exec(r);
	else
		run_install(r);
}

/* The peer is not registered: will it be again before the step's deadline? */
static int run_may_wait(const struct run *r)
{
	const struct svc *s = svc_by_name(r->in, r->peer);
	int coming = s != NULL && (s->state == SVC_STARTING || s->restart_at != 0);

	return coming && nxd_now_ms() + NX_RECONNECT_POLL_MS < r->connect_due;
}

static void run_connect_again(struct run *r)
{
	if (init_connect(r->in, r->peer, run_connected, r) != 0) {
		run_failf(r, NX_EPIPE, "cannot ask samgrd for %s", r->peer);
		return;
	}
	r->connecting = 1;
}

uint64_t run_retry_at(const struct init *in)
{
	return in->run != NULL ? in->run->retry_at : 0;
}

void run_tick(struct init *in, uint64_t now)
{
	struct run *r = in->run;

	if (r == NULL || r->retry_at == 0 || now < r->retry_at || r->connecting)
		return;
	r->retry_at = 0;
	run_connect_again(r);
}

/* CONNECT to a service through samgrd, without waiting for the answer. */
static void run_connect(struct run *r, const char *svc)
{
	r->peer = svc;
	r->connect_due = nxd_now_ms() + (strcmp(svc, NX_SVC_EXECD) == 0 ? NX_DEADLINE_EXEC_MS
									: NX_DEADLINE_BUNDLE_MS);
	if (init_connect(r->in, svc, run_connected, r) != 0) {
		run_failf(r, NX_EPIPE, "cannot ask samgrd for %s", svc);
		return;
	}
	r->connecting = 1;
}

/* A run set up, not started; NULL (done already called) when there is no memory. */
static struct run *run_new(struct init *in, const struct nx_frame *req, run_done_fn done, int dirfd,
			   const char *label, const uint8_t *strs, size_t len)
{
	struct run *r = calloc(1, sizeof(*r));

	if (r == NULL || (len > 0 && (r->strs = malloc(len)) == NULL)) {
		free(r);
		if (dirfd >= 0)
			close(dirfd);
		done(in, req, -NX_ENOMEM, "out of memory", strlen("out of memory"));
		return NULL;
	}
	r->in = in;
	r->done = done;
	if (req != NULL)
		r->req = *req;
	r->dirfd = dirfd;
	r->strslen = len;
	if (len > 0)
		memcpy(r->strs, strs, len);
	snprintf(r->label, sizeof(r->label), "%s", label);
	in->run = r;
	return r;
}

void run_install_only(struct init *in, const struct nx_frame *req, run_done_fn done, int dirfd,
		      const char *label)
{
	struct run *r = run_new(in, req, done, dirfd, label, NULL, 0);

	if (r == NULL)
		return;
	r->install_only = 1;
	run_connect(r, NX_SVC_BUNDLEMGRD);
}

void run_start(struct init *in, const struct nx_frame *req, run_done_fn done, int dirfd,
	       const char *label, const char *program, const uint8_t *strs, size_t len,
	       uint32_t argc, uint32_t envc)
{
	struct run *r = run_new(in, req, done, dirfd, label, strs, len);

	if (r == NULL)
		return;
	r->argc = argc;
	r->envc = envc;
	if (dirfd >= 0) {
		run_connect(r, NX_SVC_BUNDLEMGRD);
		return;
	}
	/* Installed already: the label is the bundle's name (a program's: execd's target). */
	if (strlen(label) >= sizeof(r->name) || (program == NULL && !nx_bundle_name_ok(label))) {
		run_failf(r, NX_EINVAL, "'%s': not a bundle name", label);
		return;
	}
	if (program != NULL)
		snprintf(r->program, sizeof(r->program), "%s", program);
	strcpy(r->name, label);
	run_connect(r, NX_SVC_EXECD);
}

void run_cancel(struct init *in)
{
	if (in->run != NULL)
		run_end(in->run);
}

void run_abort(struct init *in)
{
	if (in->run != NULL)
		run_failf(in->run, NX_EPIPE, "shutdown during the run");
}
