/*
 * libFuzzer target for the channel calls (kernel/chan.c, sys_ipc.c,
 * clock.c) through the syscall table, as two host callers of an
 * in-process kernel make them. The input is a program: each operation
 * is an opcode byte (its top bit picks the caller) and the bytes its
 * arguments are read from; a short input reads zeros. Handles, flags,
 * lengths, rights and deadlines come from the input unchecked, so every
 * refusal is reached as well as every success.
 *
 * Oracles: each call returns a value its documentation allows (a
 * handle pair in range, a handle count within the room, a header whose
 * length fits unless TRUNCATE cut it, or one of the call's documented
 * errors); a parked call wakes at most as often as something happened;
 * src is 0 for a host sender; after both callers are freed and the
 * kernel ends, nothing is left (LeakSanitizer).
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "kernel.h"
#include "nexus/err.h"
#include "nexus/ipc.h"
#include "nexus/limits.h"
#include "nexus/syscall.h"

#define FZ_OPS_MAX 256 /* operations per input */
#define FZ_HANDLE_SPAN                                                                             \
	24 /* handle numbers tried: the low ones, where the handles are, and a few past */
#define FZ_IN_MAX                                                                                  \
	(sizeof(struct nx_msg_hdr) + (NX_CHAN_HANDLES_MAX + 1) * sizeof(struct nx_ipc_handle) +    \
	 NX_CHAN_MSG_BYTES_MAX + 64)
#define FZ_OUT_HANDLES 16
#define FZ_OUT_DATA (FZ_OUT_HANDLES + (NX_CHAN_HANDLES_MAX + 1) * sizeof(struct nx_ipc_handle))
#define FZ_OUT_MAX (FZ_OUT_DATA + NX_CHAN_MSG_BYTES_MAX + 64)

struct fz_caller {
	struct nxk_caller *c;
	int woken;
	int parked;	     /* a call returned NXK_BLOCKED and is not yet repeated */
	struct nxk_req park; /* that call, repeated when woken */
	uint8_t in[FZ_IN_MAX], out[FZ_OUT_MAX];
	uint8_t tin[FZ_IN_MAX], tout[FZ_OUT_MAX]; /* a call made while parked */
};

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static uint8_t next8(struct fz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t next16(struct fz_in *in)
{
	uint16_t lo = next8(in);
	return (uint16_t)(lo | (uint16_t)next8(in) << 8);
}

static void on_wake(void *arg)
{
	((struct fz_caller *)arg)->woken = 1;
}

static int allowed(unsigned nr, long r)
{
	static const long send_err[] = {NX_EBADF,    NX_EACCES,	   NX_EFAULT, NX_EINVAL,
					NX_EMSGSIZE, NX_EPERM,	   NX_EPIPE,  NX_EAGAIN,
					NX_ENOMEM,   NX_ETIMEDOUT, NX_ENOSPC};
	if (r >= 0)
		return 1;
	if (nr == NX_SYS_CHANNEL_CREATE)
		return r == -NX_ENOSPC || r == -NX_EFAULT || r == -NX_ENOMEM;
	if (nr == NX_SYS_HANDLE_CLOSE)
		return r == -NX_EBADF;
	if (nr == NX_SYS_VMO_CREATE)
		return r == -NX_ENOSPC;
	for (unsigned i = 0; i < sizeof(send_err) / sizeof(send_err[0]); i++)
		if (r == -send_err[i])
			return nr == NX_SYS_IPC_RECV || send_err[i] != NX_ENOSPC;
	return 0;
}

/* What a completed call's output must look like. */
static void check_result(const struct nxk_req *q, long r)
{
	FUZZ_CHECK(r != NXK_BLOCKED || q->nr == NX_SYS_IPC_SEND || q->nr == NX_SYS_IPC_RECV,
		   "only ipc calls block");
	if (r == NXK_BLOCKED)
		return;
	FUZZ_CHECK(allowed(q->nr, r), "a result the call does not document");
	if (q->nr == NX_SYS_CHANNEL_CREATE && r == 0) {
		uint32_t h[2];
		memcpy(h, (const uint8_t *)q->out + q->a[0], sizeof(h));
		FUZZ_CHECK(h[0] >= 1 && h[0] <= NX_HANDLES_MAX && h[1] >= 1 &&
			       h[1] <= NX_HANDLES_MAX && h[0] != h[1],
			   "channel_create's handles");
	}
	if (q->nr == NX_SYS_IPC_RECV && r >= 0) {
		struct nx_msg_hdr in, out;
		memcpy(&in, q->in, sizeof(in));
		memcpy(&out, q->out, sizeof(out));
		FUZZ_CHECK((uint64_t)r <= q->a[4] && r <= NX_CHAN_HANDLES_MAX,
			   "more handles than room");
		FUZZ_CHECK(out.len <= NX_CHAN_MSG_BYTES_MAX, "a message over the limit");
		FUZZ_CHECK(out.src == 0, "a host's message has src 0");
		FUZZ_CHECK(out.len <= in.len || (in.flags & NX_IPC_TRUNCATE),
			   "a cut message without TRUNCATE");
		FUZZ_CHECK(!(out.flags & NX_IPC_TRUNCATE) || (in.flags & NX_IPC_TRUNCATE),
			   "TRUNCATE flagged without being asked");
	}
}

static void call(struct fz_caller *fc, struct nxk_req *q)
{
	long r = nxk_host_call(fc->c, q);
	check_result(q, r);
	if (r == NXK_BLOCKED) {
		FUZZ_CHECK(!fc->parked, "a second parked call");
		fc->parked = 1;
	}
}

/* Repeat the parked calls that were woken, as a daemon's loop would. */
static void retry(struct fz_caller *fcs)
{
	for (unsigned i = 0; i < 2; i++) {
		struct fz_caller *fc = &fcs[i];
		if (!fc->woken)
			continue;
		FUZZ_CHECK(fc->parked, "woken with nothing parked");
		fc->woken = 0;
		fc->parked = 0;
		call(fc, &fc->park);
	}
}

static uint64_t deadline(struct fz_in *in, struct nxk_caller *c)
{
	uint8_t d = next8(in);
	if (d < 128)
		return 0;
	struct nxk_req q = {.nr = NX_SYS_CLOCK, .fd_in = -1};
	return (uint64_t)nxk_host_call(c, &q) + (d & 3);
}

static void op(struct fz_in *in, struct nxk *k, struct fz_caller *fcs)
{
	uint8_t o = next8(in);
	struct fz_caller *fc = &fcs[o >> 7];
	/* A parked caller's request must stay as it was: others use the spare buffers. */
	uint8_t *ib = fc->parked ? fc->tin : fc->in, *ob = fc->parked ? fc->tout : fc->out;
	struct nxk_req tmp, *q = fc->parked ? &tmp : &fc->park;
	memset(q, 0, sizeof(*q));
	q->in = ib;
	q->out = ob;
	q->outcap = FZ_OUT_MAX;
	q->fd_in = -1;
	switch (o % 7) {
	case 0:
		q->nr = NX_SYS_CHANNEL_CREATE;
		q->a[0] = next8(in) % 12; /* past 8 bytes from the end: -NX_EFAULT */
		q->outcap = 16;
		break;
	case 1:
		q->nr = NX_SYS_VMO_CREATE;
		q->a[0] = NX_PAGE_SIZE;
		break;
	case 2:
		q->nr = NX_SYS_HANDLE_CLOSE;
		q->a[0] = next8(in) % FZ_HANDLE_SPAN;
		break;
	case 3: {
		struct nx_msg_hdr h = {.dst = next8(in), .ty = next16(in), .flags = next8(in) % 8};
		h.len = next16(in) % (NX_CHAN_MSG_BYTES_MAX + 16);
		uint32_t n = next8(in) % (NX_CHAN_HANDLES_MAX + 2);
		size_t off = sizeof(h);
		memcpy(ib, &h, sizeof(h));
		for (uint32_t i = 0; i < n; i++) {
			struct nx_ipc_handle it = {next8(in) % FZ_HANDLE_SPAN, next8(in) % 64};
			memcpy(ib + off, &it, sizeof(it));
			off += sizeof(it);
		}
		memset(ib + off, 0x5a, h.len);
		q->nr = NX_SYS_IPC_SEND;
		q->a[0] = next8(in) % FZ_HANDLE_SPAN;
		q->a[2] = off;
		q->a[3] = sizeof(h);
		q->a[4] = n;
		q->a[5] = deadline(in, fc->c);
		q->inlen = off + h.len - (next8(in) == 255); /* now and then a byte short */
		break;
	}
	case 4: {
		struct nx_msg_hdr h = {.flags = next8(in) % 8};
		h.len = next16(in) % (NX_CHAN_MSG_BYTES_MAX + 16);
		memcpy(ib, &h, sizeof(h));
		q->nr = NX_SYS_IPC_RECV;
		q->a[0] = next8(in) % FZ_HANDLE_SPAN;
		q->a[2] = FZ_OUT_DATA;
		q->a[3] = FZ_OUT_HANDLES;
		q->a[4] = next8(in) % (NX_CHAN_HANDLES_MAX + 2);
		q->a[5] = deadline(in, fc->c);
		q->inlen = sizeof(h);
		break;
	}
	case 5:
		/* Nothing runs: only a deadline can end a parked call. */
		(void)nxk_run_slice(k);
		retry(fcs);
		return;
	default:
		q->nr = NX_SYS_CLOCK;
		break;
	}
	call(fc, q);
	retry(fcs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_caller fcs[2];
	struct nxk *k = nxk_new(NULL);
	FUZZ_CHECK(k != NULL, "nxk_new");
	for (unsigned i = 0; i < 2; i++) {
		fcs[i].woken = fcs[i].parked = 0;
		fcs[i].c = nxk_host_new(k, on_wake, &fcs[i]);
		FUZZ_CHECK(fcs[i].c != NULL, "nxk_host_new");
	}
	struct fz_in in = {data, size};
	for (unsigned i = 0; i < FZ_OPS_MAX && in.n > 0; i++)
		op(&in, k, fcs);
	nxk_host_free(fcs[0].c);
	fcs[0].woken = 0;
	/* A call of the other caller parked on an end the first held is woken: EPIPE. */
	retry(fcs);
	nxk_host_free(fcs[1].c);
	nxk_free(k);
	return 0;
}
