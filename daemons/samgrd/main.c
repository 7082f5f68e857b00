/*
 * samgrd: the service registry. init attaches every process to it with
 * a registry connection in that process's name (NX_SVC_ATTACH); a
 * process may REGISTER only that name, and CONNECT gets it a fresh
 * socketpair with one end handed to the service (NX_SAMGR_ACCEPT). After
 * that samgrd is out of the way: the two talk directly.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nxd.h"
#include "registry.h"

static struct registry reg;

static void samgrd_on_close(void *arg, struct nxd_conn *c)
{
	(void)arg;
	registry_forget(&reg, c);
}

static void samgrd_register(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	int err = registry_register(&reg, c, (const char *)m->body, m->len);

	(void)arg;
	if (err == -NX_EPERM)
		(void)nxd_reply_err(c, &m->hdr, err, "%s may register only its own name",
				    nxd_conn_peer(c));
	else if (err == -NX_EEXIST)
		(void)nxd_reply_err(c, &m->hdr, err, "service %s is already registered",
				    (const char *)m->body);
	else if (err < 0)
		(void)nxd_reply_err(c, &m->hdr, err, "bad service name");
	else
		(void)nxd_reply(c, &m->hdr, 0, NULL, 0, -1);
}

static void samgrd_connect(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nxd_conn *svc;
	const char *peer = nxd_conn_peer(c);
	int sp[2], err;

	(void)arg;
	if (!nx_svc_name_ok(m->body, m->len)) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "bad service name");
		return;
	}
	svc = registry_lookup(&reg, (const char *)m->body);
	if (svc == NULL) {
		(void)nxd_reply_err(c, &m->hdr, -NX_ESRCH, "no service %s registered",
				    (const char *)m->body);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
		(void)nxd_reply_err(c, &m->hdr, -NX_ENOMEM, "socketpair failed");
		return;
	}
	/* The service end first: a client must never hold a half-made connection. */
	err = nx_wire_send(nxd_conn_fd(svc), NX_SAMGR_ACCEPT, 0, NULL, peer, strlen(peer), sp[0]);
	close(sp[0]);
	if (err != 0) {
		close(sp[1]);
		(void)nxd_reply_err(c, &m->hdr, -NX_EAGAIN, "service %s is not accepting",
				    (const char *)m->body);
		return;
	}
	(void)nxd_reply(c, &m->hdr, 0, NULL, 0, sp[1]);
	close(sp[1]);
}

static const struct nxd_handler samgrd_table[] = {
    {{NX_SAMGR_REGISTER, 1, NX_SVC_NAME_MAX - 1, NX_FD_NONE}, samgrd_register},
    {{NX_SAMGR_CONNECT, 1, NX_SVC_NAME_MAX - 1, NX_FD_NONE}, samgrd_connect},
};

static void samgrd_attach(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nxd *d = arg;
	struct nxd_conn *pc;
	int fd = nx_msg_take_fd(m);

	(void)c;
	if (!nx_svc_name_ok(m->body, m->len)) {
		close(fd);
		nxd_say("samgrd: init attached a connection with a bad name; closed");
		return;
	}
	/* Never block on one peer: a client that does not read must not stall the registry. */
	if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
		close(fd);
		return;
	}
	pc = nxd_loop_add(nxd_loop_of(d), fd, (const char *)m->body, samgrd_table,
			  sizeof(samgrd_table) / sizeof(samgrd_table[0]), d);
	if (pc == NULL) {
		nxd_say("samgrd: too many connections; refused %s", (const char *)m->body);
		return;
	}
	nxd_conn_on_close(pc, samgrd_on_close, NULL);
}

static const struct nxd_handler samgrd_init_table[] = {
    {{NX_SVC_STOP, 0, 0, NX_FD_NONE}, nxd_handle_stop},
    {{NX_SVC_ATTACH, 1, NX_SVC_NAME_MAX - 1, NX_FD_REQUIRED}, samgrd_attach},
};

static const int samgrd_syscalls[] = {__NR_socketpair};

int main(void)
{
	struct nxd *d = nxd_start("samgrd", NXD_START_NO_SAMGR | NXD_START_NO_LOG);

	nxd_set_init_table(d, samgrd_init_table,
			   sizeof(samgrd_init_table) / sizeof(samgrd_init_table[0]), d);
	nxd_sandbox(d, samgrd_syscalls, sizeof(samgrd_syscalls) / sizeof(samgrd_syscalls[0]));
	nxd_ready(d);
	return nxd_serve(d);
}
