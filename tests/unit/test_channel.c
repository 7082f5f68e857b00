/*
 * Channels through the syscall table: host callers of an in-process
 * kernel and tiny tasks. Order, NONBLOCK, TRUNCATE, EPIPE, deadlines in
 * the deterministic clock, handles moved and copied with their rights
 * shrunk, cap_transfer, wakes by send, receive and close, and every limit
 * at N and N+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "nexus/err.h"
#include "nexus/ipc.h"
#include "nexus/limits.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"
#include "rvcode.h"
#include "tinytask.h"

struct env {
	struct tiny_env t;
	struct nxh_direct d2; /* a second host caller of the same kernel */
};

static int setup(void **state)
{
	struct env *e = test_calloc(1, sizeof(*e));
	if (tiny_env_init(&e->t) != 0)
		return -1;
	if (nxh_direct_init(&e->d2, e->t.k) != 0)
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	nxh_direct_fini(&e->d2);
	tiny_env_fini(&e->t);
	test_free(e);
	return 0;
}

#define D(e) (&(e)->t.d)
#define CALL(d, nr, ...) tiny_call(d, nr, __VA_ARGS__)

static void chan(struct nxh_direct *d, uint32_t h[2])
{
	const uint64_t a[6] = {0};
	assert_int_equal(d->kc.call(d, NX_SYS_CHANNEL_CREATE, a, NULL, 0, h, 8, -1, NULL), 0);
	assert_true(h[0] > 0 && h[1] > 0 && h[0] != h[1]);
}

/* ipc_send from a host: the input is [hdr][handles][data]. */
static long send_msg(struct nxh_direct *d, uint32_t h, uint16_t ty, uint16_t flags,
		     const void *data, uint32_t len, const struct nx_ipc_handle *it, uint32_t n,
		     uint64_t deadline)
{
	static uint8_t in[sizeof(struct nx_msg_hdr) + 16 * sizeof(struct nx_ipc_handle) +
			  NX_CHAN_MSG_BYTES_MAX + 16];
	struct nx_msg_hdr hdr = {.src = 99, .dst = 7, .ty = ty, .flags = flags, .len = len};
	size_t ho = sizeof(hdr), dof = ho + n * sizeof(*it);
	memcpy(in, &hdr, sizeof(hdr));
	if (n > 0)
		memcpy(in + ho, it, n * sizeof(*it));
	if (len > 0)
		memcpy(in + dof, data, len);
	const uint64_t a[6] = {h, 0, dof, ho, n, deadline};
	return d->kc.call(d, NX_SYS_IPC_SEND, a, in, dof + len, NULL, 0, -1, NULL);
}

static long send0(struct nxh_direct *d, uint32_t h, uint16_t ty, uint16_t flags)
{
	return send_msg(d, h, ty, flags, NULL, 0, NULL, 0, 0);
}

struct got {
	struct nx_msg_hdr hdr;
	struct nx_ipc_handle h[NX_CHAN_HANDLES_MAX + 1];
	uint8_t data[NX_CHAN_MSG_BYTES_MAX + 1];
};

/* ipc_recv into a host's reply: [hdr][handles][data]. */
static long recv_msg(struct nxh_direct *d, uint32_t h, uint16_t flags, uint32_t room,
		     uint32_t hroom, uint64_t deadline, struct got *g)
{
	struct nx_msg_hdr in = {.flags = flags, .len = room};
	memset(g, 0xee, sizeof(*g));
	const uint64_t a[6] = {h,     0,       offsetof(struct got, data), offsetof(struct got, h),
			       hroom, deadline};
	return d->kc.call(d, NX_SYS_IPC_RECV, a, &in, sizeof(in), g, sizeof(*g), -1, NULL);
}

static long vmo(struct nxh_direct *d)
{
	long v = CALL(d, NX_SYS_VMO_CREATE, NX_PAGE_SIZE, 0, 0, 0, 0, 0);
	assert_true(v > 0);
	return v;
}

static long vmo_write1(struct nxh_direct *d, long v)
{
	const uint64_t a[6] = {(uint64_t)v, 0, 0, 1};
	return d->kc.call(d, NX_SYS_VMO_WRITE, a, "x", 1, NULL, 0, -1, NULL);
}

static void test_order_and_header(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	for (uint16_t i = 0; i < 3; i++) {
		char b[4] = {'m', (char)('0' + i)};
		assert_int_equal(send_msg(D(e), h[0], (uint16_t)(10 + i), 0, b, 2, NULL, 0, 0), 0);
	}
	for (uint16_t i = 0; i < 3; i++) {
		assert_int_equal(recv_msg(D(e), h[1], 0, 16, 0, 0, &g), 0);
		assert_int_equal(g.hdr.ty, 10 + i);
		assert_int_equal(g.hdr.len, 2);
		assert_int_equal(g.hdr.src, 0); /* a host caller; the sender's 99 is not believed */
		assert_int_equal(g.hdr.dst, 7);
		assert_int_equal(g.hdr.flags, 0);
		assert_int_equal(g.data[1], '0' + i);
	}
	/* Both directions are separate queues. */
	assert_int_equal(send0(D(e), h[1], 5, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_NONBLOCK, 0, 0, 0, &g), -NX_EAGAIN);
	assert_int_equal(recv_msg(D(e), h[0], 0, 0, 0, 0, &g), 0);
	assert_int_equal(g.hdr.ty, 5);
}

static void test_nonblock(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_NONBLOCK, 0, 0, 0, &g), -NX_EAGAIN);
	for (unsigned i = 0; i < NX_CHAN_MSGS_MAX; i++)
		assert_int_equal(send0(D(e), h[0], (uint16_t)i, NX_IPC_NONBLOCK), 0);
	/* The queue at NX_CHAN_MSGS_MAX: one more does not fit. */
	assert_int_equal(send0(D(e), h[0], 0, NX_IPC_NONBLOCK), -NX_EAGAIN);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 0, 0, &g), 0);
	assert_int_equal(send0(D(e), h[0], 99, NX_IPC_NONBLOCK), 0);
	for (unsigned i = 1; i <= NX_CHAN_MSGS_MAX; i++) {
		assert_int_equal(recv_msg(D(e), h[1], NX_IPC_NONBLOCK, 0, 0, 0, &g), 0);
		assert_int_equal(g.hdr.ty, i < NX_CHAN_MSGS_MAX ? i : 99);
	}
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_NONBLOCK, 0, 0, 0, &g), -NX_EAGAIN);
}

static void test_bad_flags_and_handles(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	assert_int_equal(send0(D(e), h[0], 0, NX_IPC_TRUNCATE), -NX_EINVAL);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_CAP_MOVE, 0, 0, 0, &g), -NX_EINVAL);
	assert_int_equal(send0(D(e), 0, 0, 0), -NX_EBADF);
	assert_int_equal(send0(D(e), NX_HANDLES_MAX + 1, 0, 0), -NX_EBADF);
	long v = vmo(D(e));
	assert_int_equal(send0(D(e), (uint32_t)v, 0, 0), -NX_EBADF);
	assert_int_equal(recv_msg(D(e), (uint32_t)v, 0, 0, 0, 0, &g), -NX_EBADF);
	/* An empty data buffer or handle list is not read, whatever its pointer. */
	const uint64_t far[6] = {h[0], 0, 1u << 20, 1u << 20, 0, 0};
	struct nx_msg_hdr z = {0};
	assert_int_equal(
	    D(e)->kc.call(D(e), NX_SYS_IPC_SEND, far, &z, sizeof(z), NULL, 0, -1, NULL), 0);
	/* A header outside the request is a bad pointer. */
	const uint64_t a[6] = {h[0], 4096};
	assert_int_equal(D(e)->kc.call(D(e), NX_SYS_IPC_SEND, a, NULL, 0, NULL, 0, -1, NULL),
			 -NX_EFAULT);
}

static void test_message_bytes_limit(void **state)
{
	struct env *e = *state;
	static uint8_t big[NX_CHAN_MSG_BYTES_MAX + 1];
	uint32_t h[2];
	static struct got g;
	chan(D(e), h);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	assert_int_equal(send_msg(D(e), h[0], 1, 0, big, NX_CHAN_MSG_BYTES_MAX, NULL, 0, 0), 0);
	assert_int_equal(send_msg(D(e), h[0], 1, 0, big, NX_CHAN_MSG_BYTES_MAX + 1, NULL, 0, 0),
			 -NX_EMSGSIZE);
	assert_int_equal(recv_msg(D(e), h[1], 0, NX_CHAN_MSG_BYTES_MAX, 0, 0, &g), 0);
	assert_int_equal(g.hdr.len, NX_CHAN_MSG_BYTES_MAX);
	assert_memory_equal(g.data, big, NX_CHAN_MSG_BYTES_MAX);
	assert_int_equal(g.data[NX_CHAN_MSG_BYTES_MAX], 0xee);
}

static void test_truncate(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	assert_int_equal(send_msg(D(e), h[0], 1, 0, "0123456789abcdef", 16, NULL, 0, 0), 0);
	/* Without TRUNCATE: refused, the header tells the size, the message stays. */
	assert_int_equal(recv_msg(D(e), h[1], 0, 10, 0, 0, &g), -NX_EMSGSIZE);
	assert_int_equal(g.hdr.len, 16);
	assert_int_equal(g.data[0], 0xee);
	/* With room for exactly the message it is whole. */
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_TRUNCATE, 16, 0, 0, &g), 0);
	assert_int_equal(g.hdr.flags, 0);
	assert_memory_equal(g.data, "0123456789abcdef", 16);
	/* One byte short: cut, flagged, and the rest is gone. */
	assert_int_equal(send_msg(D(e), h[0], 1, 0, "0123456789abcdef", 16, NULL, 0, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_TRUNCATE, 15, 0, 0, &g), 0);
	assert_int_equal(g.hdr.len, 16);
	assert_int_equal(g.hdr.flags, NX_IPC_TRUNCATE);
	assert_memory_equal(g.data, "0123456789abcde", 15);
	assert_int_equal(g.data[15], 0xee);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_NONBLOCK, 64, 0, 0, &g), -NX_EAGAIN);
}

static void test_truncate_drops_handles(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	uint64_t before = nxk_mem_used(e->t.k);
	struct nx_ipc_handle it[2] = {{(uint32_t)vmo(D(e)), NX_RIGHT_READ | NX_RIGHT_TRANSFER},
				      {(uint32_t)vmo(D(e)), NX_RIGHT_READ | NX_RIGHT_TRANSFER}};
	assert_int_equal(send_msg(D(e), h[0], 1, NX_IPC_CAP_MOVE, NULL, 0, it, 2, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 1, 0, &g), -NX_EMSGSIZE);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_TRUNCATE, 0, 1, 0, &g), 1);
	assert_int_equal(g.hdr.flags, NX_IPC_TRUNCATE);
	/* The second VMO went with the message; only the first is left. */
	assert_int_equal(nxk_mem_used(e->t.k), before + NX_PAGE_SIZE);
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, g.h[0].handle, 0, 0, 0, 0, 0), 0);
	assert_int_equal(nxk_mem_used(e->t.k), before);
}

static void test_epipe(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	assert_int_equal(send0(D(e), h[0], 1, 0), 0);
	assert_int_equal(send0(D(e), h[1], 2, 0), 0);
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, h[1], 0, 0, 0, 0, 0), 0);
	assert_int_equal(send0(D(e), h[0], 3, 0), -NX_EPIPE);
	/* What the peer sent before it went is still received, then EPIPE. */
	assert_int_equal(recv_msg(D(e), h[0], 0, 0, 0, 0, &g), 0);
	assert_int_equal(g.hdr.ty, 2);
	assert_int_equal(recv_msg(D(e), h[0], 0, 0, 0, 0, &g), -NX_EPIPE);
	assert_int_equal(recv_msg(D(e), h[0], NX_IPC_NONBLOCK, 0, 0, 0, &g), -NX_EPIPE);
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, h[0], 0, 0, 0, 0, 0), 0);
	assert_int_equal(nxk_mem_used(e->t.k), 0);
}

static void test_handle_move_and_copy(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	long v = vmo(D(e));
	struct nx_ipc_handle it = {(uint32_t)v, NX_RIGHTS_VMO_NEW};
	/* Without CAP_MOVE the sender keeps its handle. */
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &it, 1, 0), 0);
	assert_int_equal(vmo_write1(D(e), v), 0);
	assert_int_equal(recv_msg(&e->d2, h[1], 0, 0, 0, 0, &g), -NX_EBADF); /* not d2's */
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 1, 0, &g), 1);
	assert_int_equal(g.h[0].rights, NX_RIGHTS_VMO_NEW);
	assert_true(g.h[0].handle != (uint32_t)v);
	assert_int_equal(vmo_write1(D(e), g.h[0].handle), 0);
	/* With CAP_MOVE it is gone from the sender. */
	assert_int_equal(send_msg(D(e), h[0], 1, NX_IPC_CAP_MOVE, NULL, 0, &it, 1, 0), 0);
	assert_int_equal(vmo_write1(D(e), v), -NX_EBADF);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 1, 0, &g), 1);
	assert_int_equal(vmo_write1(D(e), g.h[0].handle), 0);
}

static void test_rights_only_shrink(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	long v = vmo(D(e));
	struct nx_ipc_handle it = {(uint32_t)v, NX_RIGHT_READ | NX_RIGHT_MAP | NX_RIGHT_TRANSFER};
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &it, 1, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 1, 0, &g), 1);
	uint32_t ro = g.h[0].handle;
	assert_int_equal(g.h[0].rights, it.rights);
	assert_int_equal(vmo_write1(D(e), ro), -NX_EACCES);
	/* Passing it on with a right it lacks is refused, nothing sent. */
	it = (struct nx_ipc_handle){ro, NX_RIGHT_READ | NX_RIGHT_WRITE | NX_RIGHT_TRANSFER};
	assert_int_equal(send_msg(D(e), h[0], 1, NX_IPC_CAP_MOVE, NULL, 0, &it, 1, 0), -NX_EPERM);
	assert_int_equal(recv_msg(D(e), h[1], NX_IPC_NONBLOCK, 0, 1, 0, &g), -NX_EAGAIN);
	/* Without TRANSFER it cannot travel at all. */
	it = (struct nx_ipc_handle){ro, NX_RIGHT_READ};
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &it, 1, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 1, 0, &g), 1);
	it = (struct nx_ipc_handle){g.h[0].handle, NX_RIGHT_READ};
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &it, 1, 0), -NX_EACCES);
	/* A channel end with WRITE only can send but not receive. */
	uint32_t c2[2];
	chan(D(e), c2);
	it = (struct nx_ipc_handle){c2[1], NX_RIGHT_WRITE};
	assert_int_equal(send_msg(D(e), h[0], 1, NX_IPC_CAP_MOVE, NULL, 0, &it, 1, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 1, 0, &g), 1);
	assert_int_equal(send0(D(e), g.h[0].handle, 4, 0), 0);
	assert_int_equal(recv_msg(D(e), g.h[0].handle, 0, 0, 0, 0, &g), -NX_EACCES);
}

static void test_handles_per_message_limit(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	struct nx_ipc_handle it[NX_CHAN_HANDLES_MAX + 1];
	for (unsigned i = 0; i <= NX_CHAN_HANDLES_MAX; i++)
		it[i] = (struct nx_ipc_handle){(uint32_t)vmo(D(e)), NX_RIGHT_READ};
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, it, NX_CHAN_HANDLES_MAX + 1, 0),
			 -NX_EMSGSIZE);
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, it, NX_CHAN_HANDLES_MAX, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, NX_CHAN_HANDLES_MAX + 1, 0, &g),
			 NX_CHAN_HANDLES_MAX);
	assert_int_equal(g.h[NX_CHAN_HANDLES_MAX].handle, 0xeeeeeeeeu);
}

static void test_bad_items(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	chan(D(e), h);
	long v = vmo(D(e));
	struct nx_ipc_handle dup[2] = {{(uint32_t)v, NX_RIGHT_READ}, {(uint32_t)v, NX_RIGHT_READ}};
	assert_int_equal(send_msg(D(e), h[0], 1, NX_IPC_CAP_MOVE, NULL, 0, dup, 2, 0), -NX_EINVAL);
	/* An end of the channel itself would keep its own queue alive. */
	struct nx_ipc_handle self = {h[1], NX_RIGHT_READ};
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &self, 1, 0), -NX_EINVAL);
	self.handle = h[0];
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &self, 1, 0), -NX_EINVAL);
	struct nx_ipc_handle none = {200, NX_RIGHT_READ};
	assert_int_equal(send_msg(D(e), h[0], 1, 0, NULL, 0, &none, 1, 0), -NX_EBADF);
	/* Nothing was taken: the VMO is still the sender's. */
	assert_int_equal(vmo_write1(D(e), v), 0);
}

static void test_create_needs_two_slots(void **state)
{
	struct env *e = *state;
	for (unsigned i = 0; i < NX_HANDLES_MAX - 2; i++)
		(void)vmo(D(e));
	uint32_t h[2];
	chan(D(e), h); /* the last two slots */
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, h[1], 0, 0, 0, 0, 0), 0);
	const uint64_t a[6] = {0};
	assert_int_equal(D(e)->kc.call(D(e), NX_SYS_CHANNEL_CREATE, a, NULL, 0, h, 8, -1, NULL),
			 -NX_ENOSPC);
	/* The out pointer is checked too, and nothing is left behind. */
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, h[0], 0, 0, 0, 0, 0), 0);
	assert_int_equal(D(e)->kc.call(D(e), NX_SYS_CHANNEL_CREATE, a, NULL, 0, h, 4, -1, NULL),
			 -NX_EFAULT);
	chan(D(e), h);
}

/* A receiver with fewer free slots than the message brings is refused; the message waits. */
static void test_recv_needs_free_slots(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(&e->d2, h);
	struct nx_ipc_handle it[2] = {{(uint32_t)vmo(&e->d2), NX_RIGHT_READ},
				      {(uint32_t)vmo(&e->d2), NX_RIGHT_READ}};
	assert_int_equal(send_msg(&e->d2, h[0], 1, NX_IPC_CAP_MOVE, NULL, 0, it, 2, 0), 0);
	/* d2 holds h[0], h[1] and two free slots; fill all but one. */
	for (unsigned i = 0; i < NX_HANDLES_MAX - 3; i++)
		(void)vmo(&e->d2);
	assert_int_equal(recv_msg(&e->d2, h[1], 0, 0, 2, 0, &g), -NX_ENOSPC);
	assert_int_equal(CALL(&e->d2, NX_SYS_HANDLE_CLOSE, 3, 0, 0, 0, 0, 0), 0);
	assert_int_equal(recv_msg(&e->d2, h[1], 0, 0, 2, 0, &g), 2);
	/* cap_transfer into a full table. */
	uint32_t spin[] = {rv_jal(RV_ZERO, 0)};
	long pid = tiny_spawn(D(e), spin, sizeof(spin), "spin");
	long v = vmo(D(e));
	for (unsigned i = 0; i < NX_HANDLES_MAX; i++)
		assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, v, NX_RIGHT_READ, 0, 0, 0),
				 i + 1);
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, v, NX_RIGHT_READ, 0, 0, 0),
			 -NX_ENOSPC);
	assert_int_equal(CALL(D(e), NX_SYS_TASK_KILL, (uint64_t)pid, 0, 0, 0, 0, 0), 0);
	(void)tiny_wait(D(e), pid, NULL);
}

static void test_deadline_host(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	uint64_t now = (uint64_t)CALL(D(e), NX_SYS_CLOCK, 0, 0, 0, 0, 0, 0);
	/* A deadline to come, with nothing that could run, moves the clock to it. */
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 0, now + 5, &g), -NX_ETIMEDOUT);
	assert_int_equal(CALL(D(e), NX_SYS_CLOCK, 0, 0, 0, 0, 0, 0), now + 5);
	/* One that has come fails at once, the clock unmoved. */
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 0, now + 5, &g), -NX_ETIMEDOUT);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 0, 1, &g), -NX_ETIMEDOUT);
	assert_int_equal(CALL(D(e), NX_SYS_CLOCK, 0, 0, 0, 0, 0, 0), now + 5);
	/* A message in the queue is received whatever the deadline. */
	assert_int_equal(send0(D(e), h[0], 1, 0), 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 0, 1, &g), 0);
}

/* exit(result): a tiny task that makes one ipc call on its handle 1. */
static long ipc_task(struct env *e, unsigned nr, int32_t deadline, const char *name)
{
	uint32_t code[] = {rv_addi(RV_A7, RV_ZERO, (int32_t)nr),
			   rv_addi(RV_A0, RV_ZERO, 1),
			   rv_lui(RV_A1, 0x20),
			   rv_lui(RV_A2, 0x20),
			   rv_lui(RV_A3, 0x20),
			   rv_addi(RV_A4, RV_ZERO, 0),
			   rv_addi(RV_A5, RV_ZERO, deadline),
			   RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(D(e), code, sizeof(code), name);
	assert_true(pid > 0);
	return pid;
}

static long give(struct env *e, long pid, uint32_t h, uint32_t rights)
{
	return CALL(D(e), NX_SYS_CAP_TRANSFER, (uint64_t)pid, h, rights, NX_CAP_MOVE, 0, 0);
}

static void test_receiver_woken_by_send(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	long pid = ipc_task(e, NX_SYS_IPC_SEND, 0, "sender");
	assert_int_equal(give(e, pid, h[1], NX_RIGHT_WRITE), 1);
	/* The host blocks; the task's send wakes it. */
	assert_int_equal(recv_msg(D(e), h[0], 0, 0, 0, 0, &g), 0);
	assert_int_equal(g.hdr.src, (uint32_t)pid);
	assert_int_equal(tiny_wait(D(e), pid, NULL), 0);
}

static void test_receiver_woken_by_close(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	chan(D(e), h);
	long pid = ipc_task(e, NX_SYS_IPC_RECV, 0, "recv");
	assert_int_equal(give(e, pid, h[1], NX_RIGHTS_CHAN_NEW), 1);
	while (nxk_run_slice(e->t.k))
		; /* until the task is blocked in ipc_recv */
	assert_int_equal(nxk_task_count(e->t.k), 1);
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, h[0], 0, 0, 0, 0, 0), 0);
	assert_int_equal(tiny_wait(D(e), pid, NULL), (uint8_t)-NX_EPIPE);
}

static void test_sender_woken_by_receive(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	for (unsigned i = 0; i < NX_CHAN_MSGS_MAX; i++)
		assert_int_equal(send0(D(e), h[1], (uint16_t)i, 0), 0);
	long pid = ipc_task(e, NX_SYS_IPC_SEND, 0, "sender");
	assert_int_equal(give(e, pid, h[1], NX_RIGHT_WRITE), 1);
	while (nxk_run_slice(e->t.k))
		; /* the task is blocked: the queue toward h[0] is full */
	assert_int_equal(recv_msg(D(e), h[0], 0, 0, 0, 0, &g), 0);
	assert_int_equal(tiny_wait(D(e), pid, NULL), 0);
	for (unsigned i = 1; i <= NX_CHAN_MSGS_MAX; i++) {
		assert_int_equal(recv_msg(D(e), h[0], NX_IPC_NONBLOCK, 0, 0, 0, &g), 0);
		assert_int_equal(g.hdr.src, i < NX_CHAN_MSGS_MAX ? 0 : (uint32_t)pid);
	}
}

static void test_deadline_task_idle(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	chan(D(e), h);
	long pid = ipc_task(e, NX_SYS_IPC_RECV, 40, "late");
	assert_int_equal(give(e, pid, h[1], NX_RIGHTS_CHAN_NEW), 1);
	assert_int_equal(tiny_wait(D(e), pid, NULL), (uint8_t)-NX_ETIMEDOUT);
	assert_int_equal(CALL(D(e), NX_SYS_CLOCK, 0, 0, 0, 0, 0, 0), 40);
}

/* A deadline is counted in budgeted slices of whatever else runs. */
static void test_deadline_counts_slices(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	uint32_t spin[] = {rv_jal(RV_ZERO, 0)};
	long pid = tiny_spawn(D(e), spin, sizeof(spin), "spin");
	assert_true(pid > 0);
	uint64_t now = (uint64_t)CALL(D(e), NX_SYS_CLOCK, 0, 0, 0, 0, 0, 0);
	assert_int_equal(recv_msg(D(e), h[1], 0, 0, 0, now + 3, &g), -NX_ETIMEDOUT);
	assert_int_equal(CALL(D(e), NX_SYS_CLOCK, 0, 0, 0, 0, 0, 0), now + 3);
	assert_int_equal(CALL(D(e), NX_SYS_TASK_KILL, (uint64_t)pid, 0, 0, 0, 0, 0), 0);
	assert_true(NX_WAIT_IS_CRASH(tiny_wait(D(e), pid, NULL)));
}

static void test_cap_transfer_rules(void **state)
{
	struct env *e = *state;
	uint32_t spin[] = {rv_jal(RV_ZERO, 0)};
	long pid = tiny_spawn(D(e), spin, sizeof(spin), "spin");
	long v = vmo(D(e));
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, 9999, v, NX_RIGHT_READ, 0, 0, 0),
			 -NX_ESRCH);
	assert_int_equal(CALL(&e->d2, NX_SYS_CAP_TRANSFER, pid, 1, NX_RIGHT_READ, 0, 0, 0),
			 -NX_EPERM);
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, v, NX_RIGHT_READ, 2, 0, 0),
			 -NX_EINVAL);
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, 200, NX_RIGHT_READ, 0, 0, 0),
			 -NX_EBADF);
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, v, 1u << 20, 0, 0, 0), -NX_EPERM);
	/* A copy, then the handle itself. */
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, v, NX_RIGHT_READ, 0, 0, 0), 1);
	assert_int_equal(vmo_write1(D(e), v), 0);
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, v, NX_RIGHT_WRITE, NX_CAP_MOVE, 0, 0),
			 2);
	assert_int_equal(vmo_write1(D(e), v), -NX_EBADF);
	assert_int_equal(CALL(D(e), NX_SYS_TASK_KILL, (uint64_t)pid, 0, 0, 0, 0, 0), 0);
	(void)tiny_wait(D(e), pid, NULL);
	assert_int_equal(CALL(D(e), NX_SYS_CAP_TRANSFER, pid, 1, 0, 0, 0, 0), -NX_ESRCH);
	assert_int_equal(nxk_mem_used(e->t.k), 0);
}

/* Messages are charged to the memory limit and given back when received. */
static void test_queued_bytes_are_charged(void **state)
{
	struct env *e = *state;
	uint32_t h[2];
	struct got g;
	chan(D(e), h);
	assert_int_equal(nxk_mem_used(e->t.k), 0);
	assert_int_equal(send_msg(D(e), h[0], 1, 0, "abc", 3, NULL, 0, 0), 0);
	assert_true(nxk_mem_used(e->t.k) > 3);
	assert_int_equal(recv_msg(D(e), h[1], 0, 8, 0, 0, &g), 0);
	assert_int_equal(nxk_mem_used(e->t.k), 0);
}

/* Past the run's memory limit a send fails with -NX_ENOMEM and the run goes on. */
static void test_send_past_memory_limit(void **state)
{
	(void)state;
	struct nxk_opts o = {.mem_limit = 3 * NX_PAGE_SIZE};
	struct nxk *k = nxk_new(&o);
	struct nxh_direct d;
	static uint8_t big[NX_CHAN_MSG_BYTES_MAX];
	assert_non_null(k);
	assert_int_equal(nxh_direct_init(&d, k), 0);
	uint32_t h[2];
	chan(&d, h);
	assert_true(CALL(&d, NX_SYS_VMO_CREATE, 2 * NX_PAGE_SIZE, 0, 0, 0, 0, 0) > 0);
	assert_int_equal(send_msg(&d, h[0], 1, 0, big, NX_CHAN_MSG_BYTES_MAX, NULL, 0, 0),
			 -NX_ENOMEM);
	assert_int_equal(nxk_mem_used(k), 2 * NX_PAGE_SIZE);
	assert_int_equal(send_msg(&d, h[0], 1, 0, big, NX_CHAN_MSG_BYTES_MAX / 2, NULL, 0, 0), 0);
	nxh_direct_fini(&d);
	nxk_free(k);
}

/*
 * Two ends in flight inside each other's queues: no handle reaches them,
 * so they live until the kernel ends, which frees them (ASan runs check).
 */
static void test_cycle_lives_until_kernel_ends(void **state)
{
	struct env *e = *state;
	uint32_t x[2], y[2];
	chan(D(e), x);
	chan(D(e), y);
	struct nx_ipc_handle it = {x[1], NX_RIGHTS_CHAN_NEW};
	assert_int_equal(send_msg(D(e), y[0], 1, NX_IPC_CAP_MOVE, NULL, 0, &it, 1, 0), 0);
	it.handle = y[1];
	assert_int_equal(send_msg(D(e), x[0], 1, NX_IPC_CAP_MOVE, NULL, 0, &it, 1, 0), 0);
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, x[0], 0, 0, 0, 0, 0), 0);
	assert_int_equal(CALL(D(e), NX_SYS_HANDLE_CLOSE, y[0], 0, 0, 0, 0, 0), 0);
	assert_true(nxk_mem_used(e->t.k) > 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_order_and_header),
	    T(test_nonblock),
	    T(test_bad_flags_and_handles),
	    T(test_message_bytes_limit),
	    T(test_truncate),
	    T(test_truncate_drops_handles),
	    T(test_epipe),
	    T(test_handle_move_and_copy),
	    T(test_rights_only_shrink),
	    T(test_handles_per_message_limit),
	    T(test_bad_items),
	    T(test_create_needs_two_slots),
	    T(test_recv_needs_free_slots),
	    T(test_deadline_host),
	    T(test_receiver_woken_by_send),
	    T(test_receiver_woken_by_close),
	    T(test_sender_woken_by_receive),
	    T(test_deadline_task_idle),
	    T(test_deadline_counts_slices),
	    T(test_cap_transfer_rules),
	    T(test_queued_bytes_are_charged),
	    T(test_cycle_lives_until_kernel_ends),
	    T(test_send_past_memory_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
