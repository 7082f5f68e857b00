/*
 * execd's request decoding, target rules and end-of-task report
 * (daemons/execd/exec_req.c, exec_report.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_report.h"
#include "exec_req.h"
#include "nexus/err.h"
#include "nexus/svc_exec.h"

static uint8_t buf[NX_FRAME_BODY_MAX];

static void test_exec_req_round_trip(void **state)
{
	const char *argv[] = {"demo.hello", "a b", ""};
	const char *envp[] = {"K=V"};
	struct exec_req r;
	const char *why = NULL;
	(void)state;

	int n = exec_req_encode(buf, sizeof(buf), "demo.hello", argv, 3, envp, 1);
	assert_true(n > 0);
	assert_int_equal(exec_req_parse(buf, (size_t)n, &r, &why), 0);
	assert_string_equal(r.target, "demo.hello");
	assert_int_equal(r.argc, 3);
	assert_string_equal(r.argv[1], "a b");
	assert_string_equal(r.argv[2], "");
	assert_null(r.argv[3]);
	assert_int_equal(r.envc, 1);
	assert_string_equal(r.envp[0], "K=V");
	assert_null(r.envp[1]);
}

static void test_exec_req_refuses_malformed(void **state)
{
	const char *argv[] = {"x", "y"};
	struct exec_req r;
	const char *why = NULL;
	(void)state;

	int n = exec_req_encode(buf, sizeof(buf), "demo.hello", argv, 2, NULL, 0);
	assert_true(n > 0);
	/* Short header. */
	assert_int_equal(exec_req_parse(buf, 7, &r, &why), -NX_EINVAL);
	/* Last string cut: its NUL missing. */
	assert_int_equal(exec_req_parse(buf, (size_t)n - 1, &r, &why), -NX_EINVAL);
	assert_non_null(strstr(why, "argv"));
	/* A trailing byte. */
	buf[n] = 'z';
	assert_int_equal(exec_req_parse(buf, (size_t)n + 1, &r, &why), -NX_EINVAL);
	assert_non_null(strstr(why, "after"));
	/* argc claiming more strings than sent. */
	struct nx_exec_req h = {.argc = 3, .envc = 0};
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(exec_req_parse(buf, (size_t)n, &r, &why), -NX_EINVAL);
	/* No target at all. */
	assert_int_equal(exec_req_parse(buf, sizeof(h), &r, &why), -NX_EINVAL);
	assert_non_null(strstr(why, "target"));
}

static void test_exec_req_argc_limit(void **state)
{
	static const char *argv[NX_ARGC_MAX + 1];
	struct exec_req r;
	const char *why = NULL;
	(void)state;

	for (size_t i = 0; i <= NX_ARGC_MAX; i++)
		argv[i] = "a";
	int n = exec_req_encode(buf, sizeof(buf), "t", argv, NX_ARGC_MAX, argv, NX_ENVC_MAX);
	assert_true(n > 0);
	assert_int_equal(exec_req_parse(buf, (size_t)n, &r, &why), 0);
	assert_int_equal(r.argc, NX_ARGC_MAX);
	assert_int_equal(r.envc, NX_ENVC_MAX);
	assert_int_equal(exec_req_encode(buf, sizeof(buf), "t", argv, NX_ARGC_MAX + 1, NULL, 0),
			 -NX_EINVAL);
	/* A header claiming one past the cap is refused before any string is read. */
	struct nx_exec_req h = {.argc = NX_ARGC_MAX + 1, .envc = 0};
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(exec_req_parse(buf, (size_t)n, &r, &why), -NX_EINVAL);
	h.argc = 0;
	h.envc = NX_ENVC_MAX + 1;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(exec_req_parse(buf, (size_t)n, &r, &why), -NX_EINVAL);
}

static void test_exec_req_encode_refuses_overflow(void **state)
{
	uint8_t small[16];
	(void)state;
	assert_int_equal(exec_req_encode(small, sizeof(small), "a-long-target", NULL, 0, NULL, 0),
			 -NX_EMSGSIZE);
}

static void test_exec_target_rules(void **state)
{
	char name[NX_BUNDLE_NAME_MAX], version[NX_SEMVER_MAX];
	const char *why = NULL;
	(void)state;

	assert_int_equal(exec_target("demo.hello", name, version, &why), 0);
	assert_string_equal(name, "demo.hello");
	assert_string_equal(version, "");
	assert_int_equal(exec_target("pkg:/test.exit42/payload.elf", name, version, &why), 0);
	assert_string_equal(name, "test.exit42");
	assert_string_equal(version, "");
	assert_int_equal(exec_target("pkg:/test.exit42/manifest.nxb", name, version, &why),
			 -NX_EINVAL);
	assert_non_null(strstr(why, "payload.elf"));
	assert_int_equal(exec_target("pkg:/../payload.elf", name, version, &why), -NX_EINVAL);
	assert_int_equal(
	    exec_target("/packages/test.exit42@1.0.0/payload.elf", name, version, &why), 0);
	assert_string_equal(name, "test.exit42");
	assert_string_equal(version, "1.0.0");
	assert_int_equal(
	    exec_target("/packages/test.exit42@1.0.0/manifest.nxb", name, version, &why),
	    -NX_EINVAL);
	assert_int_equal(exec_target("Demo/../x", name, version, &why), -NX_EINVAL);
	assert_int_equal(exec_target("", name, version, &why), -NX_EINVAL);
}

static void test_exec_report_exit_and_crash(void **state)
{
	struct nx_crash cr = {.cause = NX_CRASH_WRITE_PROT, .pc = 0x10abc, .addr = 0x12000};
	struct exec_report_fields f;
	char line[160];
	(void)state;

	assert_int_equal(exec_end_code(42, &cr), 42);
	assert_false(exec_end_reported(0));
	assert_true(exec_end_reported(42));
	uint64_t st = NX_WAIT_STATUS_CRASH(NX_CRASH_WRITE_PROT);
	assert_true(exec_end_reported(st));
	assert_int_equal(exec_end_code(st, &cr), 128 + 11);
	assert_true(exec_report_line(line, sizeof(line), 7, 139, "test.fault_rodata_store") > 0);
	assert_string_equal(line,
			    "execd: crash report pid=7 code=139 name=test.fault_rodata_store");

	exec_report_fields(&f, 7, st, &cr, "test.fault_rodata_store");
	const char *want[EXEC_REPORT_FIELDS][2] = {
	    {"addr", "0x12000"},
	    {"cause", "write_prot"},
	    {"code", "139"},
	    {"event", "crash.v1"},
	    {"name", "test.fault_rodata_store"},
	    {"pc", "0x10abc"},
	    {"pid", "7"},
	};
	for (int i = 0; i < EXEC_REPORT_FIELDS; i++) {
		assert_string_equal(f.f[i].key, want[i][0]);
		assert_string_equal(f.f[i].value, want[i][1]);
		if (i > 0)
			assert_true(strcmp(f.f[i - 1].key, f.f[i].key) < 0);
	}
	exec_report_fields(&f, 3, 42, &cr, "test.exit42");
	assert_string_equal(f.f[1].value, "exit");
	assert_string_equal(f.f[2].value, "42");
	assert_string_equal(f.f[0].value, "0x0");
	assert_string_equal(f.f[5].value, "0x0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exec_req_round_trip),
	    cmocka_unit_test(test_exec_req_refuses_malformed),
	    cmocka_unit_test(test_exec_req_argc_limit),
	    cmocka_unit_test(test_exec_req_encode_refuses_overflow),
	    cmocka_unit_test(test_exec_target_rules),
	    cmocka_unit_test(test_exec_report_exit_and_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
