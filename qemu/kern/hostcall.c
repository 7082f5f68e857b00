/* The kernel side's host caller (hostcall.h). */
#include "hostcall.h"
#include "nexus/err.h"
#include "nexus/syscall.h"
#include "nexus/task.h"
#include "port.h"

static void host_wake(void *arg)
{
	((struct nxq_host *)arg)->woken = 1;
}

int nxq_host_init(struct nxq_host *h, struct nxk *k)
{
	h->k = k;
	h->woken = 0;
	h->c = nxk_host_new(k, host_wake, h);
	return h->c != NULL ? 0 : -1;
}

long nxq_host_call(struct nxq_host *h, unsigned nr, const uint64_t a[6], const void *in,
		   size_t inlen, void *out, size_t outcap)
{
	struct nxk_req req = {
	    .nr = nr, .in = in, .inlen = inlen, .out = out, .outcap = outcap, .fd_in = -1};

	memcpy(req.a, a, sizeof(req.a));
	for (;;) {
		h->woken = 0;
		long r = nxk_host_call(h->c, &req);
		if (r != NXK_BLOCKED)
			return r;
		while (!h->woken)
			if (!nxk_run_slice(h->k))
				return -NX_EAGAIN; /* nothing left to run can end the wait */
	}
}

long nxq_host_call0(struct nxq_host *h, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
	return nxq_host_call(h, nr, a, NULL, 0, NULL, 0);
}

long nxq_host_wait(struct nxq_host *h, long pid, struct nx_crash *crash)
{
	uint32_t status;
	/* For a host caller the status pointer is an offset into the reply: 0. */
	const uint64_t a[6] = {(uint64_t)pid, 0};
	long r = nxq_host_call(h, NX_SYS_WAIT, a, NULL, 0, &status, sizeof(status));

	if (r < 0)
		return r;
	memset(crash, 0, sizeof(*crash));
	if (NX_WAIT_IS_CRASH(status)) {
		r = nxq_host_call(h, NX_SYS_TASK_CRASH, a, NULL, 0, crash, sizeof(*crash));
		if (r < 0)
			return r;
	}
	return status;
}
