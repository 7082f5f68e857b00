/*
 * init's restart throttle and samgrd's registry: the two pieces of
 * policy that are pure enough to test without processes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "restart.h"
#include "nxd.h"
#include "registry.h"

static void test_restart_waits_gap_after_last_start(void **state)
{
	struct restart r = {0};
	uint64_t at = 0;

	(void)state;
	restart_started(&r, 10000);
	/* Died 100 ms after starting: comes back a full gap after that start. */
	assert_int_equal(restart_plan(&r, 10100, &at), 1);
	assert_int_equal(at, 10000 + INIT_RESTART_GAP_MS);
	/* Died long after starting: comes back at once. */
	restart_started(&r, 20000);
	assert_int_equal(restart_plan(&r, 30000, &at), 1);
	assert_int_equal(at, 30000);
}

static void test_restart_gives_up_at_death_cap(void **state)
{
	struct restart r = {0};
	uint64_t at, now = 0;

	(void)state;
	for (int i = 1; i < INIT_DEATHS_MAX; i++) {
		restart_started(&r, now);
		assert_int_equal(restart_plan(&r, now + 1, &at), 1);
		assert_true(at >= now + INIT_RESTART_GAP_MS);
		now = at;
	}
	restart_started(&r, now);
	assert_int_equal(restart_plan(&r, now + 1, &at), 0);
	assert_int_equal(r.deaths, INIT_DEATHS_MAX);
}

static struct nxd_conn *conn(struct nxd_loop *l, const char *peer)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	close(sv[1]);
	return nxd_loop_add(l, sv[0], peer, NULL, 0, NULL);
}

static void test_registry_only_own_name_once(void **state)
{
	struct nxd_loop *l = nxd_loop_new();
	static struct registry reg;
	struct nxd_conn *a = conn(l, "keystored"), *b = conn(l, "keystored"), *c = conn(l, "execd");

	(void)state;
	assert_int_equal(registry_register(&reg, c, "keystored", 9), -NX_EPERM);
	assert_int_equal(registry_register(&reg, a, "keystored", 9), 0);
	assert_ptr_equal(registry_lookup(&reg, "keystored"), a);
	assert_int_equal(registry_register(&reg, b, "keystored", 9), -NX_EEXIST);
	assert_null(registry_lookup(&reg, "execd"));
	/* The registration dies with its connection: a restarted daemon registers again. */
	registry_forget(&reg, a);
	assert_null(registry_lookup(&reg, "keystored"));
	assert_int_equal(registry_register(&reg, b, "keystored", 9), 0);
	assert_int_equal(registry_register(&reg, c, "Bad!", 4), -NX_EINVAL);
	nxd_loop_free(l);
}

static void test_svc_name_limit(void **state)
{
	char name[NX_SVC_NAME_MAX + 1];

	(void)state;
	memset(name, 'a', sizeof(name));
	assert_true(nx_svc_name_ok(name, NX_SVC_NAME_MAX - 1));
	assert_false(nx_svc_name_ok(name, NX_SVC_NAME_MAX));
	assert_false(nx_svc_name_ok(name, 0));
	assert_false(nx_svc_name_ok("a/b", 3));
	assert_false(nx_svc_name_ok("a\0b", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_restart_waits_gap_after_last_start),
	    cmocka_unit_test(test_restart_gives_up_at_death_cap),
	    cmocka_unit_test(test_registry_only_own_name_once),
	    cmocka_unit_test(test_svc_name_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
