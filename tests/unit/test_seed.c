/*
 * The seed endpoint and spawn_attrs version 2 (kernel/seed.c, sys_task.c):
 * a child spawned for another task is that task's, not the spawner's; a
 * seed send reaches the platform and parks the sender; no task runs
 * until the answer; the answer completes the send and queues the reply;
 * a seeded task's end is reported. Plus ucopy's host refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kernel.h"
#include "nexus/err.h"
#include "nexus/ipc.h"
#include "nexus/spawn.h"
#include "nexus/syscall.h"
#include "rvcode.h"
#include "tinytask.h"

struct env {
	struct nxk *k;
	struct nxh_direct d;
	unsigned sent, ended;
	uint32_t sent_pid, ended_pid;
	struct nx_msg_hdr sent_hdr;
	uint64_t ended_status;
};

static int seed_send(void *arg, uint32_t pid, const struct nx_msg_hdr *hdr, const void *data,
		     int fd)
{
	struct env *e = arg;
	(void)data;
	assert_int_equal(fd, -1);
	e->sent++;
	e->sent_pid = pid;
	e->sent_hdr = *hdr;
	return hdr->ty == 0xbad ? -NX_ENOSYS : 0;
}

static void seed_ended(void *arg, uint32_t pid, const char *name, uint64_t status,
		       const struct nx_crash *crash)
{
	struct env *e = arg;
	(void)name;
	(void)crash;
	e->ended++;
	e->ended_pid = pid;
	e->ended_status = status;
}

static int setup(void **state)
{
	struct env *e = test_calloc(1, sizeof(*e));
	struct nxk_opts o = {.seed_send = seed_send, .seed_ended = seed_ended, .seed_arg = e};
	if ((e->k = nxk_new(&o)) == NULL || nxh_direct_init(&e->d, e->k) != 0)
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	nxh_direct_fini(&e->d);
	nxk_free(e->k);
	test_free(e);
	return 0;
}

/* Loops forever. */
static const uint32_t spin[] = {0x0000006fu /* jal zero, 0 */};

/* ipc_send(NX_SEED_HANDLE, hdr at the data page (ty 0x77, len 0), ...), then exit(a0 + 40). */
static uint32_t sender[16];

static size_t sender_code(void)
{
	size_t n = 0;
	sender[n++] = rv_lui(RV_A1, TINY_DATA_VA >> 12);
	sender[n++] = rv_addi(RV_T0, RV_ZERO, 0x77);
	sender[n++] = 0x00559423u; /* sh t0, 8(a1): hdr.ty */
	sender[n++] = rv_addi(RV_A0, RV_ZERO, 1);
	sender[n++] = rv_addi(RV_A2, RV_ZERO, 0);
	sender[n++] = rv_addi(RV_A3, RV_ZERO, 0);
	sender[n++] = rv_addi(RV_A4, RV_ZERO, 0);
	sender[n++] = rv_addi(RV_A5, RV_ZERO, 0);
	sender[n++] = rv_addi(RV_A7, RV_ZERO, NX_SYS_IPC_SEND);
	sender[n++] = RV_ECALL;
	sender[n++] = rv_addi(RV_A0, RV_A0, 40);
	sender[n++] = rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT);
	sender[n++] = RV_ECALL;
	return n * sizeof(uint32_t);
}

/* spawn_attrs from the host: version, flags, parent as given. */
static long spawn_attrs(struct env *e, const void *code, size_t len, uint32_t version,
			uint32_t flags, uint32_t parent)
{
	struct nx_spawn_attrs at = {.version = version, .flags = flags, .parent = parent};
	strcpy(at.name, "t");
	long as = tiny_as(&e->d, code, len);
	assert_true(as > 0);
	const uint64_t a[6] = {(uint64_t)as, TINY_CODE_VA, TINY_STACK_TOP, 0, 0, sizeof(at)};
	long pid = e->d.kc.call(&e->d, NX_SYS_SPAWN_ATTRS, a, &at, sizeof(at), NULL, 0, -1, NULL);
	(void)tiny_call(&e->d, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	return pid;
}

static void test_attrs_checks(void **state)
{
	struct env *e = *state;
	long p = tiny_spawn(&e->d, spin, sizeof(spin), "parent");
	assert_true(p > 0);
	assert_int_equal(spawn_attrs(e, spin, sizeof(spin), 1, NX_SPAWN_SEED, 0), -NX_EINVAL);
	assert_int_equal(spawn_attrs(e, spin, sizeof(spin), 1, 0, (uint32_t)p), -NX_EINVAL);
	assert_int_equal(spawn_attrs(e, spin, sizeof(spin), 2, 4, 0), -NX_EINVAL);
	assert_int_equal(spawn_attrs(e, spin, sizeof(spin), 3, 0, 0), -NX_EINVAL);
	assert_int_equal(spawn_attrs(e, spin, sizeof(spin), 2, 0, 999), -NX_ESRCH);
	assert_true(spawn_attrs(e, spin, sizeof(spin), 1, 0, 0) > 0);
	assert_true(spawn_attrs(e, spin, sizeof(spin), 2, NX_SPAWN_SEED, 0) > 0);
}

static void test_child_of_parent(void **state)
{
	struct env *e = *state;
	uint32_t status;
	long p = tiny_spawn(&e->d, spin, sizeof(spin), "parent");
	long c = spawn_attrs(e, spin, sizeof(spin), 2, 0, (uint32_t)p);
	assert_true(c > p);
	/* The host that spawned it is not its parent: no wait, no kill, no transfer. */
	const uint64_t a[6] = {(uint64_t)c, 0};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_WAIT, a, NULL, 0, &status, 4, -1, NULL),
			 -NX_ECHILD);
	assert_int_equal(tiny_call(&e->d, NX_SYS_TASK_KILL, (uint64_t)c, 0, 0, 0, 0, 0), -NX_EPERM);
	/* Its parent's end orphans it; killing the parent from its spawner works. */
	assert_int_equal(tiny_call(&e->d, NX_SYS_TASK_KILL, (uint64_t)p, 0, 0, 0, 0, 0), 0);
	assert_true(NX_WAIT_IS_CRASH(tiny_wait(&e->d, p, NULL)));
}

static void test_seed_send_parks_and_freezes(void **state)
{
	struct env *e = *state;
	size_t len = sender_code();
	long other = tiny_spawn(&e->d, spin, sizeof(spin), "other");
	long s = spawn_attrs(e, sender, len, 2, NX_SPAWN_SEED | NX_SPAWN_REPORT, 0);
	assert_true(other > 0 && s > other);
	/* other runs a slice, then the sender sends on its seed and is parked. */
	for (int i = 0; i < 4 && e->sent == 0; i++)
		assert_int_equal(nxk_run_slice(e->k), 1);
	assert_int_equal(e->sent, 1);
	assert_int_equal(e->sent_pid, (uint32_t)s);
	assert_int_equal(e->sent_hdr.ty, 0x77);
	assert_int_equal(e->sent_hdr.src, (uint32_t)s);
	/* other is ready, yet nothing runs while the request is out. */
	assert_int_equal(nxk_ready_count(e->k), 0);
	assert_int_equal(nxk_run_slice(e->k), 0);
	uint64_t answer = 5;
	nxk_seed_reply(e->k, (uint32_t)s, 0x77, &answer, sizeof(answer));
	assert_int_equal(nxk_ready_count(e->k), 2);
	/* The send returned 0: the sender exits 40 and its end is reported. */
	for (int i = 0; i < 8 && e->ended == 0; i++)
		(void)nxk_run_slice(e->k);
	assert_int_equal(e->ended, 1);
	assert_int_equal(e->ended_pid, (uint32_t)s);
	assert_int_equal(e->ended_status, 40);
	assert_int_equal(tiny_wait(&e->d, s, NULL), 40);
	/* An answer for a task that has gone changes nothing. */
	nxk_seed_reply(e->k, (uint32_t)s, 0x77, &answer, sizeof(answer));
	assert_int_equal(nxk_ready_count(e->k), 1);
}

static void test_unseeded_send_is_ebadf_and_ucopy_host(void **state)
{
	struct env *e = *state;
	size_t len = sender_code();
	long s = spawn_attrs(e, sender, len, 2, 0, 0);
	assert_true(s > 0);
	while (nxk_run_slice(e->k) == 1 && nxk_task_count(e->k) > 0 && nxk_ready_count(e->k) > 0)
		;
	/* No seed: handle 1 does not exist, exit(-EBADF + 40). */
	assert_int_equal(tiny_wait(&e->d, s, NULL), (uint32_t)(40 - NX_EBADF));
	assert_int_equal(e->sent, 0);
	assert_int_equal(tiny_call(&e->d, NX_SYS_UCOPY, 0, 0, 1, 0, 0, 0), -NX_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_attrs_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_child_of_parent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_seed_send_parks_and_freezes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unseeded_send_is_ebadf_and_ucopy_host, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
