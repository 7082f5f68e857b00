/*
 * init and updated: one connection, made through samgrd when first
 * needed and again after updated went away, carrying one call at a
 * time: the slot query at boot (bundlemgrd and packagefsd are started
 * with its answer), nexus-sim's update operations (NX_CTL_UPDATE,
 * relayed as they are), and the health gate's verdict (gate.c).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init.h"

/* The call waiting for the connection. */
static struct {
	uint32_t kind;
	uint64_t arg;
	uint8_t *body;
	size_t len;
	int fd;
	int timeout_ms;
	nxd_done_fn done;
	void *done_arg;
} waiting = {.fd = -1};

static void waiting_clear(void)
{
	free(waiting.body);
	waiting.body = NULL;
	if (waiting.fd >= 0)
		close(waiting.fd);
	waiting.fd = -1;
}

static void upd_finish(void *arg, struct nx_msg *reply, int err)
{
	struct init *in = arg;
	nxd_done_fn done = waiting.done;
	void *done_arg = waiting.done_arg;

	in->upd_busy = 0;
	done(done_arg, reply, err);
}

static void upd_send(struct init *in)
{
	int err = nxd_call_async(in->updated, waiting.kind, waiting.arg, waiting.body, waiting.len,
				 waiting.fd, waiting.timeout_ms, upd_finish, in);

	waiting_clear();
	if (err != 0)
		upd_finish(in, NULL, err);
}

static void upd_on_close(void *arg, struct nxd_conn *c)
{
	struct init *in = arg;

	if (in->updated == c)
		in->updated = NULL;
}

static void upd_connected(void *arg, int fd, int err, const char *why)
{
	struct init *in = arg;

	(void)why;
	if (fd >= 0 && (in->updated = nxd_loop_add(in->loop, fd, NX_SVC_UPDATED, NULL, 0, in)))
		nxd_conn_on_close(in->updated, upd_on_close, in);
	if (in->updated == NULL) {
		waiting_clear();
		upd_finish(in, NULL, err != 0 ? err : -NX_EPIPE);
		return;
	}
	upd_send(in);
}

int upd_call(struct init *in, uint32_t kind, uint64_t arg, const void *body, size_t len, int fd,
	     int timeout_ms, nxd_done_fn done, void *done_arg)
{
	if (in->upd_busy)
		return -NX_EAGAIN;
	waiting.kind = kind;
	waiting.arg = arg;
	waiting.len = len;
	waiting.body = len > 0 ? malloc(len) : NULL;
	waiting.fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	waiting.timeout_ms = timeout_ms;
	waiting.done = done;
	waiting.done_arg = done_arg;
	if ((len > 0 && waiting.body == NULL) || (fd >= 0 && waiting.fd < 0)) {
		waiting_clear();
		return -NX_ENOMEM;
	}
	if (len > 0)
		memcpy(waiting.body, body, len);
	in->upd_busy = 1;
	if (in->updated != NULL) {
		upd_send(in);
		return 0;
	}
	int err = init_connect(in, NX_SVC_UPDATED, upd_connected, in);
	if (err != 0) {
		in->upd_busy = 0;
		waiting_clear();
	}
	return err;
}

static void upd_booted(void *arg, struct nx_msg *reply, int err)
{
	struct init *in = arg;

	if (!in->booting)
		return;
	if (reply == NULL || nx_msg_result(reply) < 0 || reply->len != sizeof(in->ustatus)) {
		init_boot_fail(in, reply == NULL ? -err : NX_EPIPE,
			       "updated did not say which slot boots");
		return;
	}
	memcpy(&in->ustatus, reply->body, sizeof(in->ustatus));
	in->slot = in->ustatus.booted;
	init_boot_next(in);
}

void upd_boot_status(struct init *in)
{
	if (upd_call(in, NX_UPDATE_STATUS, 0, NULL, 0, -1, NX_DEADLINE_SERVICE_MS, upd_booted,
		     in) != 0)
		init_boot_fail(in, NX_EPIPE, "cannot ask updated which slot boots");
}

struct relay {
	struct init *in;
	struct nx_frame req;
};

static void upd_relayed(void *arg, struct nx_msg *reply, int err)
{
	struct relay r = *(struct relay *)arg;
	static const char gone[] = "updated went away";
	static const char late[] = "updated did not answer in time";

	free(arg);
	if (r.in->ctl == NULL)
		return;
	if (reply == NULL)
		(void)nx_wire_send(nxd_conn_fd(r.in->ctl), NX_CTL_UPDATED, (uint64_t)(int64_t)err,
				   r.req.id, err == -NX_ETIMEDOUT ? late : gone,
				   err == -NX_ETIMEDOUT ? sizeof(late) - 1 : sizeof(gone) - 1, -1);
	else
		(void)nx_wire_send(nxd_conn_fd(r.in->ctl), NX_CTL_UPDATED, reply->hdr.arg, r.req.id,
				   reply->body, reply->len, -1);
}

void upd_ctl(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;
	struct nx_ctl_update u;
	struct relay *r;
	int err;

	memcpy(&u, m->body, sizeof(u));
	if (!in->booted || in->shutting) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EAGAIN, "the system is not up");
		return;
	}
	if (u.op != NX_UPDATE_STAGE && u.op != NX_UPDATE_SWITCH && u.op != NX_UPDATE_STATUS) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "update operation 0x%x is not relayed",
				    u.op);
		return;
	}
	if ((u.op == NX_UPDATE_STAGE) != (m->fd >= 0)) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "only a stage carries the set's fd");
		return;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		(void)nxd_reply_err(c, &m->hdr, -NX_ENOMEM, "out of memory");
		return;
	}
	*r = (struct relay){in, m->hdr};
	err = upd_call(in, u.op, u.arg, m->body + sizeof(u), m->len - sizeof(u), m->fd,
		       u.op == NX_UPDATE_STAGE ? NX_DEADLINE_STAGE_MS : NX_DEADLINE_SERVICE_MS,
		       upd_relayed, r);
	if (err != 0) {
		free(r);
		(void)nxd_reply_err(c, &m->hdr, err, "cannot reach updated");
	}
}
