/*
 * Log records: the encoder and logd's decoder agree, fields come out
 * sorted by key, values that need it are quoted, and every limit holds
 * at N and refuses N+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nxd_log.h"

static int roundtrip(const char *scope, const char *msg, const struct nxd_field *f, size_t n,
		     int level, char *line, size_t cap)
{
	uint8_t buf[NX_LOG_RECORD_MAX];
	struct nxd_log_rec r;
	const char *why;
	int len = nxd_log_encode(buf, sizeof(buf), scope, msg, f, n);

	if (len < 0)
		return len;
	if (nxd_log_decode(buf, (size_t)len, level, &r, &why) != 0)
		return -1000;
	return nxd_log_format(&r, line, cap);
}

static void test_log_fields_sorted_by_key(void **state)
{
	struct nxd_field f[] = {{"pid", "7"},	  {"name", "demo.fault"}, {"event", "crash.v1"},
				{"addr", "0x0"},  {"code", "139"},	  {"cause", "write_prot"},
				{"pc", "0x10234"}};
	char line[512];

	(void)state;
	assert_true(roundtrip("execd", "crash report", f, 7, NX_LOG_ERROR, line, sizeof(line)) > 0);
	assert_string_equal(line, "execd: error crash report addr=0x0 cause=write_prot code=139 "
				  "event=crash.v1 name=demo.fault pc=0x10234 pid=7");
}

static void test_log_values_quoted_when_needed(void **state)
{
	struct nxd_field f[] = {{"why", "a \"b\" c\\d"}, {"empty", ""}};
	char line[256];

	(void)state;
	assert_true(roundtrip("logd", "m", f, 2, NX_LOG_INFO, line, sizeof(line)) > 0);
	assert_string_equal(line, "logd: info m empty=\"\" why=\"a \\\"b\\\" c\\\\d\"");
}

static void test_log_fields_limit(void **state)
{
	struct nxd_field f[NX_LOG_FIELDS_MAX + 1];
	char keys[NX_LOG_FIELDS_MAX + 1][8];
	char line[2048];

	(void)state;
	for (int i = 0; i <= NX_LOG_FIELDS_MAX; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%02d", i);
		f[i].key = keys[i];
		f[i].value = "v";
	}
	assert_true(roundtrip("s", "m", f, NX_LOG_FIELDS_MAX, 1, line, sizeof(line)) > 0);
	assert_int_equal(roundtrip("s", "m", f, NX_LOG_FIELDS_MAX + 1, 1, line, sizeof(line)),
			 -NX_EINVAL);
}

static void test_log_key_length_limit(void **state)
{
	char key[NX_LOG_KEY_MAX + 2];
	struct nxd_field f = {key, "v"};
	char line[256];

	(void)state;
	memset(key, 'k', sizeof(key));
	key[NX_LOG_KEY_MAX] = 0;
	assert_true(roundtrip("s", "m", &f, 1, 1, line, sizeof(line)) > 0);
	key[NX_LOG_KEY_MAX] = 'k';
	key[NX_LOG_KEY_MAX + 1] = 0;
	assert_int_equal(roundtrip("s", "m", &f, 1, 1, line, sizeof(line)), -NX_EINVAL);
}

static void test_log_record_size_limit(void **state)
{
	/* scope "s\0" + msg + NUL fills the cap exactly; one more byte does not fit. */
	static char msg[NX_LOG_RECORD_MAX];
	uint8_t buf[NX_LOG_RECORD_MAX];
	size_t n = NX_LOG_RECORD_MAX - 3;

	(void)state;
	memset(msg, 'm', n);
	msg[n] = 0;
	assert_int_equal(nxd_log_encode(buf, sizeof(buf), "s", msg, NULL, 0), NX_LOG_RECORD_MAX);
	msg[n] = 'm';
	msg[n + 1] = 0;
	assert_int_equal(nxd_log_encode(buf, sizeof(buf), "s", msg, NULL, 0), -NX_EMSGSIZE);
}

/* Each refusal of the decoder, with the reason it must give. */
static void refuse(const char *body, size_t len, int level, const char *reason)
{
	struct nxd_log_rec r;
	const char *why = NULL;

	assert_int_equal(nxd_log_decode((const uint8_t *)body, len, level, &r, &why), -NX_EINVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_log_decode_refuses_unterminated_body(void **state)
{
	(void)state;
	refuse("s\0m", 3, 1, "body empty, over the cap or not NUL-terminated");
}

static void test_log_decode_refuses_missing_message(void **state)
{
	(void)state;
	refuse("s\0", 2, 1, "bad scope or message");
}

static void test_log_decode_refuses_bad_scope(void **state)
{
	(void)state;
	refuse("S!\0m\0", 5, 1, "bad scope or message");
}

static void test_log_decode_refuses_field_without_equals(void **state)
{
	(void)state;
	refuse("s\0m\0k\0", 6, 1, "field is not key=value");
}

static void test_log_decode_refuses_duplicate_key(void **state)
{
	(void)state;
	refuse("s\0m\0k=1\0k=2\0", 12, 1, "duplicate field key");
}

static void test_log_decode_refuses_control_character(void **state)
{
	(void)state;
	refuse("s\0m\0k=\n\0", 8, 1, "bad field key or value");
}

/* The highest level is taken, one past it refused. */
static void test_log_decode_level_limit(void **state)
{
	struct nxd_log_rec r;
	const char *why;

	(void)state;
	refuse("s\0m\0", 4, NX_LOG_ERROR + 1, "unknown level");
	assert_int_equal(nxd_log_decode((const uint8_t *)"s\0m\0", 4, NX_LOG_ERROR, &r, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_log_fields_sorted_by_key),
	    cmocka_unit_test(test_log_values_quoted_when_needed),
	    cmocka_unit_test(test_log_fields_limit),
	    cmocka_unit_test(test_log_key_length_limit),
	    cmocka_unit_test(test_log_record_size_limit),
	    cmocka_unit_test(test_log_decode_refuses_unterminated_body),
	    cmocka_unit_test(test_log_decode_refuses_missing_message),
	    cmocka_unit_test(test_log_decode_refuses_bad_scope),
	    cmocka_unit_test(test_log_decode_refuses_field_without_equals),
	    cmocka_unit_test(test_log_decode_refuses_duplicate_key),
	    cmocka_unit_test(test_log_decode_refuses_control_character),
	    cmocka_unit_test(test_log_decode_level_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
