/*
 * The seed bridge (docs/abi.md "The seed endpoint"): what a task sends on
 * its seed goes to execd as a frame on execd's seed connection (the one
 * it opened with KCONNECT NX_EXEC_SEED_CONN), so `strace -p $(pgrep -x
 * execd)` shows the conversation; execd's reply goes back into the task's
 * seed as a message. The kernel holds every task while a request is out
 * (kernel/seed.c); a request execd cannot answer any more (it went away)
 * is answered here with -NX_EPIPE, so no task waits forever.
 */
#include <string.h>
#include <unistd.h>

#include "ksim_impl.h"
#include "nexus/err.h"
#include "nexus/ipc.h"
#include "nexus/svc_exec.h"

static struct ksim_client *seed_client(struct ksim *ks)
{
	for (unsigned i = 0; i < KSIM_CLIENTS_MAX; i++)
		if (ks->clients[i] != NULL && ks->clients[i]->seed && !ks->clients[i]->dead)
			return ks->clients[i];
	return NULL;
}

int seed_bridge_claim(struct ksim *ks, struct ksim_client *cl)
{
	if (strcmp(cl->name, NX_EXEC_SEED_CONN) != 0 || seed_client(ks) != NULL)
		return 0;
	cl->seed = 1;
	return 1;
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
	struct ksim_client *cl = seed_client(ks);
	int err = 0;

	if (hdr->ty != NX_EXEC_SPAWN)
		err = -NX_ENOSYS;
	else if (cl == NULL)
		err = -NX_EPIPE;
	else if (ks->seed_n == NX_SPAWN_PENDING_MAX)
		err = -NX_EAGAIN;
	if (err == 0) {
		struct seed_pending *p = &ks->seed_pend[ks->seed_n];
		p->pid = pid;
		p->seq = ++ks->seed_seq;
		make_id(p->id, pid, p->seq);
		if (nx_wire_send(cl->fd, NX_EXEC_SPAWN, pid, p->id, data, hdr->len, fd) != 0)
			err = -NX_EPIPE;
		else
			ks->seed_n++;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

static void answer(struct ksim *ks, unsigned i, int64_t result)
{
	uint32_t pid = ks->seed_pend[i].pid;
	ks->seed_pend[i] = ks->seed_pend[--ks->seed_n];
	nxk_seed_reply(ks->k, pid, NX_EXEC_SPAWN, &result, sizeof(result));
}

void seed_bridge_reply(struct ksim *ks, const struct nx_msg *m)
{
	if (m->hdr.kind != NX_FRAME_REPLY)
		return;
	for (unsigned i = 0; i < ks->seed_n; i++) {
		if (memcmp(ks->seed_pend[i].id, m->hdr.id, sizeof(m->hdr.id)) == 0) {
			answer(ks, i, (int64_t)m->hdr.arg);
			return;
		}
	}
}

void seed_bridge_gone(struct ksim *ks, struct ksim_client *cl)
{
	if (!cl->seed)
		return;
	while (ks->seed_n > 0)
		answer(ks, ks->seed_n - 1, -NX_EPIPE);
}

/* nxk_opts.seed_ended */
void seed_bridge_ended(void *arg, uint32_t pid, const char *name, uint64_t status,
		       const struct nx_crash *crash)
{
	struct ksim *ks = arg;
	struct ksim_client *cl = seed_client(ks);
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
