/*
 * The seed bridge (docs/abi.md "The seed endpoint"): what a task sends on
 * its seed goes, by the message's ty, to the service that serves it, as a
 * frame on the seed connection that service opened (KCONNECT of
 * NX_EXEC_SEED_CONN, NX_VFS_SEED_CONN), so `strace -p $(pgrep -x execd)`
 * shows the conversation; the reply goes back into the task's seed as a
 * message: the int64 result, then the reply's body. The kernel holds
 * every task while a request is out (kernel/seed.c); a request a service
 * cannot answer any more (it went away) is answered here with -NX_EPIPE,
 * so no task waits forever.
 */
#include <string.h>
#include <unistd.h>

#include "ksim_impl.h"
#include "nexus/err.h"
#include "nexus/ipc.h"
#include "nexus/svc_exec.h"
#include "nexus/svc_vfs.h"

/* Which service's seed connection carries a message of each ty. */
static const struct {
	uint16_t ty;
	const char *conn;
} routes[] = {
    {NX_EXEC_SPAWN, NX_EXEC_SEED_CONN},
    {NX_VFS_STAT, NX_VFS_SEED_CONN},
    {NX_VFS_READ, NX_VFS_SEED_CONN},
};

static struct ksim_client *seed_client(struct ksim *ks, const char *conn)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++) {
		struct ksim_client *cl = ks->clients[i];
		if (cl != NULL && cl->seed && !cl->dead && strcmp(cl->name, conn) == 0)
			return cl;
	}
	return NULL;
}

void seed_bridge_claim(struct ksim *ks, struct ksim_client *cl)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(cl->name, routes[i].conn) != 0)
			continue;
		/*
		 * The newest connection of a name wins: a restarted service opens its
		 * own while the kernel process may not yet have seen the old one go.
		 */
		struct ksim_client *old = seed_client(ks, cl->name);
		if (old != NULL) {
			seed_bridge_gone(ks, old);
			old->seed = 0;
		}
		cl->seed = 1;
		return;
	}
}

/* The request id: the task's pid, then a sequence number of this kernel process. */
static void make_id(uint8_t id[16], uint32_t pid, uint64_t seq)
{
	memset(id, 0, 16);
	memcpy(id, &pid, sizeof(pid));
	memcpy(id + 8, &seq, sizeof(seq));
}

/* nxk_opts.seed_send */
int seed_bridge_send(void *arg, uint32_t pid, const struct nx_msg_hdr *hdr, const void *data,
		     int fd)
{
	struct ksim *ks = arg;
	struct ksim_client *cl = NULL;
	int err = -NX_ENOSYS;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].ty == hdr->ty) {
			cl = seed_client(ks, routes[i].conn);
			err = cl != NULL ? 0 : -NX_EPIPE;
		}
	}
	if (err == 0 && ks->seed_n == NX_SPAWN_PENDING_MAX)
		err = -NX_EAGAIN;
	if (err == 0) {
		struct seed_pending *p = &ks->seed_pend[ks->seed_n];
		p->cl = cl;
		p->ty = hdr->ty;
		p->pid = pid;
		p->seq = ++ks->seed_seq;
		make_id(p->id, pid, p->seq);
		if (nx_wire_send(cl->fd, hdr->ty, pid, p->id, data, hdr->len, fd) != 0)
			err = -NX_EPIPE;
		else
			ks->seed_n++;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

/* The answer: the result, then as much of the reply's body as a message holds. */
static void answer(struct ksim *ks, unsigned i, int64_t result, const void *body, size_t len)
{
	uint8_t data[NX_CHAN_MSG_BYTES_MAX];
	struct seed_pending p = ks->seed_pend[i];

	ks->seed_pend[i] = ks->seed_pend[--ks->seed_n];
	if (len > sizeof(data) - sizeof(result))
		len = sizeof(data) - sizeof(result);
	memcpy(data, &result, sizeof(result));
	if (len > 0)
		memcpy(data + sizeof(result), body, len);
	nxk_seed_reply(ks->k, p.pid, p.ty, data, (uint32_t)(sizeof(result) + len));
}

void seed_bridge_reply(struct ksim_client *cl, const struct nx_msg *m)
{
	struct ksim *ks = cl->ks;

	if (m->hdr.kind != NX_FRAME_REPLY)
		return;
	for (unsigned i = 0; i < ks->seed_n; i++) {
		if (ks->seed_pend[i].cl == cl &&
		    memcmp(ks->seed_pend[i].id, m->hdr.id, sizeof(m->hdr.id)) == 0) {
			answer(ks, i, (int64_t)m->hdr.arg, m->body, m->len);
			return;
		}
	}
}

void seed_bridge_gone(struct ksim *ks, struct ksim_client *cl)
{
	if (!cl->seed)
		return;
	for (unsigned i = ks->seed_n; i-- > 0;)
		if (ks->seed_pend[i].cl == cl)
			answer(ks, i, -NX_EPIPE, NULL, 0);
}

/* nxk_opts.seed_ended */
void seed_bridge_ended(void *arg, uint32_t pid, const char *name, uint64_t status,
		       const struct nx_crash *crash)
{
	struct ksim *ks = arg;
	struct ksim_client *cl = seed_client(ks, NX_EXEC_SEED_CONN);
	struct nx_exec_result res = {.status = status, .pid = pid};
	static const uint8_t no_id[16];

	if (cl == NULL)
		return;
	if (crash != NULL)
		res.crash = *crash;
	else
		memcpy(res.crash.name, name, strnlen(name, sizeof(res.crash.name) - 1));
	if (nx_wire_send(cl->fd, NX_EXEC_ENDED, pid, no_id, &res, sizeof(res), -1) != 0)
		cl->dead = 1;
}
