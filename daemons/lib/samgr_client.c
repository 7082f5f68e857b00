/*
 * The registry client. fd 6 carries both our calls to samgrd and
 * samgrd's ACCEPTs (connections clients opened to us), so it is a loop
 * connection: an ACCEPT that overtakes a reply is queued, not lost.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "nexus/err.h"

static void samgr_on_accept(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nxd *d = arg;
	int fd = nx_msg_take_fd(m);

	(void)c;
	if (d->svc_table == NULL) {
		/* samgrd only hands us clients after REGISTER: a broken registry. */
		nxd_say("%s: connection from %s before registering; closed", d->name,
			(const char *)m->body);
		close(fd);
		return;
	}
	if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
		close(fd);
		return;
	}
	if (nxd_loop_add(d->loop, fd, (const char *)m->body, d->svc_table, d->svc_n, d->svc_arg) ==
	    NULL)
		nxd_say("%s: too many connections; refused one from %s", d->name,
			(const char *)m->body);
}

static void samgr_on_close(void *arg, struct nxd_conn *c)
{
	struct nxd *d = arg;

	(void)c;
	d->samgr = NULL;
}

static const struct nxd_handler samgr_table[] = {
    {{NX_SAMGR_ACCEPT, 1, NX_SVC_NAME_MAX - 1, NX_FD_REQUIRED}, samgr_on_accept},
};

struct nxd_conn *nxd_samgr_attach(struct nxd *d)
{
	struct nxd_conn *c = nxd_loop_add(d->loop, NXD_FD_SAMGR, "samgrd", samgr_table, 1, d);

	if (c != NULL)
		nxd_conn_on_close(c, samgr_on_close, d);
	return c;
}

int nxd_register(struct nxd *d, const struct nxd_handler *table, size_t n, void *arg)
{
	int64_t r;

	if (d->samgr == NULL)
		return -NX_EPIPE;
	d->svc_table = table;
	d->svc_n = n;
	d->svc_arg = arg;
	r = nxd_call(d->samgr, -1, NX_SAMGR_REGISTER, 0, d->name, strlen(d->name), -1, NULL,
		     NX_DEADLINE_REGISTRY_MS);
	if (r < 0) {
		d->svc_table = NULL;
		return (int)r;
	}
	return 0;
}

static void samgr_registered(void *arg, struct nx_msg *reply, int err)
{
	struct nxd *d = arg;

	if (reply == NULL)
		fatalx("samgrd %s before answering REGISTER",
		       err == -NX_ETIMEDOUT ? "did not start" : "went away");
	if (nx_msg_result(reply) < 0)
		fatalx("samgrd refused to register %s: %.*s", d->name, (int)reply->len,
		       (const char *)reply->body);
}

int nxd_register_early(struct nxd *d, const struct nxd_handler *table, size_t n, void *arg)
{
	int err;

	if (d->samgr == NULL)
		return -NX_EPIPE;
	d->svc_table = table;
	d->svc_n = n;
	d->svc_arg = arg;
	err = nxd_call_async(d->samgr, NX_SAMGR_REGISTER, 0, d->name, strlen(d->name), -1,
			     NX_DEADLINE_BOOT_MS, samgr_registered, d);
	if (err != 0)
		d->svc_table = NULL;
	return err;
}

int nxd_connect(struct nxd *d, const char *service)
{
	struct nx_msg *m;
	int64_t r;
	int fd;

	if (!nx_svc_name_ok(service, strnlen(service, NX_SVC_NAME_MAX)))
		return -NX_EINVAL;
	if (d->samgr == NULL)
		return -NX_EPIPE;
	m = malloc(sizeof(*m));
	if (m == NULL)
		return -NX_ENOMEM;
	nx_msg_init(m);
	r = nxd_call(d->samgr, -1, NX_SAMGR_CONNECT, 0, service, strlen(service), -1, m,
		     NX_DEADLINE_REGISTRY_MS);
	fd = nx_msg_take_fd(m);
	nx_msg_release(m);
	free(m);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return (int)r;
	}
	if (fd < 0)
		return -NX_EPIPE;
	return fd;
}
