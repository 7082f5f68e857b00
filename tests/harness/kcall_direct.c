/* The in-process kernel caller (see kcall_direct.h). */
#include <fcntl.h>
#include <unistd.h>

#include "nexus/err.h"
#include "kcall_direct.h"

static void direct_wake(void *arg)
{
	((struct nxh_direct *)arg)->woken = 1;
}

static long direct_call(void *ctx, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
			void *out, size_t outcap, int fd_in, int *fd_out)
{
	struct nxh_direct *d = ctx;
	struct nxk_req req = {.nr = nr, .in = in, .inlen = inlen, .out = out, .outcap = outcap};
	for (unsigned i = 0; i < 6; i++)
		req.a[i] = a[i];
	/* The kernel may keep the fd it is given; ours stays ours (kcall.h). */
	req.fd_in = fd_in >= 0 ? fcntl(fd_in, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd_in >= 0 && req.fd_in < 0)
		return -NX_ENOMEM;
	long r;
	for (;;) {
		d->woken = 0;
		r = nxk_host_call(d->c, &req);
		if (r != NXK_BLOCKED)
			break;
		while (!d->woken)
			if (!nxk_run_slice(d->k))
				break;
		if (!d->woken) {
			/* Blocked with nothing left to run: it can never complete. */
			r = -NX_EAGAIN;
			break;
		}
	}
	if (req.fd_in >= 0)
		close(req.fd_in);
	if (fd_out != NULL)
		*fd_out = req.fd_out;
	else if (req.fd_out >= 0)
		close(req.fd_out);
	return r;
}

int nxh_direct_init(struct nxh_direct *d, struct nxk *k)
{
	d->k = k;
	d->woken = 0;
	d->c = nxk_host_new(k, direct_wake, d);
	d->kc.ctx = d;
	d->kc.call = direct_call;
	return d->c != NULL ? 0 : -1;
}

void nxh_direct_fini(struct nxh_direct *d)
{
	nxk_host_free(d->c);
}
