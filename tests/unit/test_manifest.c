/*
 * The manifest (formats/manifest.h) and SemVer (formats/semver.h): encode
 * and decode round trips, every field rule on both sides, caps at the
 * limit and one past, and bytes that are valid Cap'n Proto yet not what
 * our encoder emits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capnp.h"
#include "manifest.h"
#include "semver.h"

static uint8_t buf[NX_MANIFEST_MAX];

static void minimal(struct nx_manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->schema_version = NX_MANIFEST_SCHEMA_VERSION;
	strcpy(m->name, "demo.hello");
	strcpy(m->semver, "1.0.0");
	m->payload_size = 4096;
	memset(m->payload_digest, 0xab, sizeof(m->payload_digest));
}

static void full(struct nx_manifest *m)
{
	minimal(m);
	strcpy(m->min_sdk, "0.1.0-beta");
	m->n_abilities = 2;
	strcpy(m->abilities[0], "demo.MainAbility");
	strcpy(m->abilities[1], "demo.Background");
	m->n_capabilities = 1;
	strcpy(m->capabilities[0], "ohos.permission.CONSOLE");
	m->has_publisher = true;
	memset(m->publisher, 0x11, sizeof(m->publisher));
	m->has_sbom_digest = true;
	memset(m->sbom_digest, 0x22, sizeof(m->sbom_digest));
	m->has_repro_digest = true;
	memset(m->repro_digest, 0x33, sizeof(m->repro_digest));
	m->bundle_type = NX_BUNDLE_IME;
	m->payload_kind = NX_PAYLOAD_UI_PROGRAM;
	m->n_dependencies = 2;
	strcpy(m->dependencies[0].name, "lib.a");
	strcpy(m->dependencies[1].name, "lib.b");
	strcpy(m->dependencies[1].constraint, "^1.2.0");
	m->n_provided_services = 1;
	strcpy(m->provided_services[0], "demo");
	m->n_resources = 2;
	strcpy(m->resources[0].path, "icons/a.svg");
	strcpy(m->resources[1].path, "data/b.bin");
	m->resources[1].kind = NX_RESOURCE_DATA;
	m->n_exports = 1;
	strcpy(m->exports[0].ability, "demo.Say");
	strcpy(m->exports[0].permission, "app.demo.SAY");
}

static int encode(const struct nx_manifest *m, size_t *len)
{
	struct nx_fmt_err e;
	return nx_manifest_encode(m, buf, sizeof(buf), len, &e);
}

static int check(const struct nx_manifest *m)
{
	struct nx_fmt_err e;
	return nx_manifest_check(m, &e);
}

static void test_manifest_full_round_trip(void **state)
{
	(void)state;
	static struct nx_manifest m, out;
	static uint8_t again[NX_MANIFEST_MAX];
	struct nx_fmt_err e;
	size_t len, len2;
	full(&m);
	assert_int_equal(encode(&m, &len), 0);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), 0);
	assert_string_equal(out.name, "demo.hello");
	assert_string_equal(out.min_sdk, "0.1.0-beta");
	assert_int_equal(out.n_abilities, 2);
	assert_string_equal(out.abilities[1], "demo.Background");
	assert_true(out.has_publisher);
	assert_memory_equal(out.repro_digest, m.repro_digest, NX_DIGEST_LEN);
	assert_int_equal(out.bundle_type, NX_BUNDLE_IME);
	assert_int_equal(out.payload_kind, NX_PAYLOAD_UI_PROGRAM);
	assert_int_equal(out.payload_size, 4096);
	assert_string_equal(out.dependencies[1].constraint, "^1.2.0");
	assert_string_equal(out.dependencies[0].constraint, "");
	assert_int_equal(out.resources[0].kind, NX_RESOURCE_ICON);
	assert_int_equal(out.resources[1].kind, NX_RESOURCE_DATA);
	assert_string_equal(out.exports[0].permission, "app.demo.SAY");
	assert_int_equal(nx_manifest_encode(&out, again, sizeof(again), &len2, &e), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, buf, len);
}

static void test_manifest_minimal_round_trip_has_absent_fields(void **state)
{
	(void)state;
	static struct nx_manifest m, out;
	struct nx_fmt_err e;
	size_t len;
	minimal(&m);
	assert_int_equal(encode(&m, &len), 0);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), 0);
	assert_false(out.has_publisher);
	assert_false(out.has_sbom_digest);
	assert_int_equal(out.n_abilities, 0);
	assert_string_equal(out.min_sdk, "");
	assert_int_equal(out.bundle_type, NX_BUNDLE_APP);
}

static void test_manifest_schema_version_other_than_1_refused(void **state)
{
	(void)state;
	static struct nx_manifest m, out;
	struct nx_fmt_err e;
	size_t len;
	minimal(&m);
	assert_int_equal(encode(&m, &len), 0);
	buf[8] = 3; /* root data byte 0: schemaVersion 2 XOR its default 1 */
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), NX_FMT_EMANIFEST_VERSION);
	m.schema_version = 2;
	assert_int_equal(encode(&m, &len), NX_FMT_EMANIFEST_VERSION);
}

static void test_manifest_name_rules(void **state)
{
	(void)state;
	static struct nx_manifest m;
	const char *bad[] = {"", "Demo", "1demo", "demo..x", "demo.", "de mo", "demo/x"};
	minimal(&m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(m.name, bad[i]);
		assert_int_not_equal(check(&m), 0);
	}
	memset(m.name, 'a', NX_BUNDLE_NAME_MAX - 1);
	m.name[NX_BUNDLE_NAME_MAX - 1] = 0;
	assert_int_equal(check(&m), 0);
	m.name[NX_BUNDLE_NAME_MAX - 1] = 'a'; /* no NUL inside the array */
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_CAP);
}

static void test_manifest_semver_and_min_sdk_must_parse(void **state)
{
	(void)state;
	static struct nx_manifest m;
	minimal(&m);
	strcpy(m.semver, "1.0");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	strcpy(m.semver, "1.0.0");
	strcpy(m.min_sdk, "latest");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
}

static void test_manifest_payload_size_limits(void **state)
{
	(void)state;
	static struct nx_manifest m;
	minimal(&m);
	m.payload_size = 0;
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	m.payload_size = NX_PAYLOAD_MAX;
	assert_int_equal(check(&m), 0);
	m.payload_size = NX_PAYLOAD_MAX + 1;
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
}

static void test_manifest_enums_out_of_range_refused(void **state)
{
	(void)state;
	static struct nx_manifest m;
	minimal(&m);
	m.bundle_type = NX_BUNDLE_TYPE_COUNT;
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	m.bundle_type = NX_BUNDLE_APP;
	m.payload_kind = NX_PAYLOAD_KIND_COUNT;
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	m.payload_kind = NX_PAYLOAD_ELF;
	m.n_resources = 1;
	strcpy(m.resources[0].path, "a");
	m.resources[0].kind = NX_RESOURCE_KIND_COUNT;
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
}

static void test_manifest_list_entries_checked(void **state)
{
	(void)state;
	static struct nx_manifest m;
	minimal(&m);
	m.n_abilities = 2;
	strcpy(m.abilities[0], "x");
	strcpy(m.abilities[1], "x");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD); /* duplicate */
	strcpy(m.abilities[1], "has space");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	strcpy(m.abilities[1], "");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	m.n_abilities = 0;
	m.n_dependencies = 1;
	strcpy(m.dependencies[0].name, "Bad");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	m.n_dependencies = 0;
	m.n_exports = 1;
	strcpy(m.exports[0].ability, "a");
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD); /* permission missing */
}

static void test_manifest_resource_paths_stay_relative(void **state)
{
	(void)state;
	static struct nx_manifest m;
	const char *bad[] = {"/etc/passwd", "../x", "a/../b", "a//b", "a/", "./a", "a/b c"};
	minimal(&m);
	m.n_resources = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(m.resources[0].path, bad[i]);
		assert_int_equal(check(&m), NX_FMT_EMANIFEST_FIELD);
	}
	strcpy(m.resources[0].path, "icons/App-1.svg");
	assert_int_equal(check(&m), 0);
}

static void test_manifest_text_and_path_caps_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_manifest m;
	minimal(&m);
	m.n_abilities = 1;
	memset(m.abilities[0], 'a', NX_MANIFEST_TEXT_MAX - 1);
	assert_int_equal(check(&m), 0);
	m.abilities[0][NX_MANIFEST_TEXT_MAX - 1] = 'a'; /* 64 bytes, no room for the NUL */
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_CAP);
	m.n_abilities = 0;
	m.n_resources = 1;
	memset(m.resources[0].path, 'p', NX_MANIFEST_PATH_MAX - 1);
	assert_int_equal(check(&m), 0);
	m.resources[0].path[NX_MANIFEST_PATH_MAX - 1] = 'p';
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_CAP);
}

static void test_manifest_list_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_manifest m;
	size_t len;
	minimal(&m);
	for (size_t i = 0; i < NX_MANIFEST_LIST_MAX; i++)
		snprintf(m.capabilities[i], NX_MANIFEST_TEXT_MAX, "cap.%zu", i);
	m.n_capabilities = NX_MANIFEST_LIST_MAX;
	assert_int_equal(encode(&m, &len), 0);
	m.n_capabilities = NX_MANIFEST_LIST_MAX + 1;
	assert_int_equal(check(&m), NX_FMT_EMANIFEST_CAP);
}

/*
 * A BundleManifest built directly with the Cap'n Proto builder, to make
 * messages our encoder never would: n_caps capabilities, an optional
 * signature, an optional empty-but-present minSdk, any digest length.
 */
static size_t craft(uint32_t n_caps, int with_signature, int empty_min_sdk, size_t digest_len)
{
	struct nx_capnp_builder b;
	struct nx_capnp_bstruct s;
	struct nx_capnp_blist l;
	uint8_t digest[NX_DIGEST_LEN + 1] = {1};
	char cap[16];
	size_t len;
	nx_capnp_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(nx_capnp_build_root(&b, 2, 8, &s), 0);
	nx_capnp_set_u64(&s, 8, 100);
	assert_int_equal(nx_capnp_set_text(&s, 0, "x.y", 3), 0);
	assert_int_equal(nx_capnp_set_text(&s, 1, "1.0.0", 5), 0);
	if (n_caps) {
		assert_int_equal(nx_capnp_set_ptr_list(&s, 3, n_caps, &l), 0);
		for (uint32_t i = 0; i < n_caps; i++) {
			snprintf(cap, sizeof(cap), "c%u", i);
			assert_int_equal(nx_capnp_list_set_text(&l, i, cap, strlen(cap)), 0);
		}
	}
	if (empty_min_sdk)
		assert_int_equal(nx_capnp_set_text(&s, 4, "", 0), 0);
	if (with_signature)
		assert_int_equal(nx_capnp_set_data(&s, 6, digest, 32), 0);
	assert_int_equal(nx_capnp_set_data(&s, 7, digest, digest_len), 0);
	nx_capnp_set_u8(&s, 0, 0); /* schemaVersion 1 */
	assert_int_equal(nx_capnp_build_finish(&b, &len), 0);
	return len;
}

static void test_manifest_decode_list_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_manifest out;
	struct nx_fmt_err e;
	size_t len = craft(NX_MANIFEST_LIST_MAX, 0, 0, NX_DIGEST_LEN);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), 0);
	assert_int_equal(out.n_capabilities, NX_MANIFEST_LIST_MAX);
	len = craft(NX_MANIFEST_LIST_MAX + 1, 0, 0, NX_DIGEST_LEN);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), NX_FMT_EMANIFEST_CAP);
}

static void test_manifest_decode_refuses_embedded_signature(void **state)
{
	(void)state;
	static struct nx_manifest out;
	struct nx_fmt_err e;
	size_t len = craft(0, 1, 0, NX_DIGEST_LEN);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), NX_FMT_EMANIFEST_FIELD);
}

static void test_manifest_decode_refuses_present_empty_text(void **state)
{
	(void)state;
	static struct nx_manifest out;
	struct nx_fmt_err e;
	size_t len = craft(0, 0, 1, NX_DIGEST_LEN);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), NX_FMT_ECAPNP_NONCANONICAL);
	len = craft(0, 0, 0, NX_DIGEST_LEN);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), 0);
}

static void test_manifest_decode_refuses_wrong_digest_length(void **state)
{
	(void)state;
	static struct nx_manifest out;
	struct nx_fmt_err e;
	size_t len = craft(0, 0, 0, NX_DIGEST_LEN - 1);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), NX_FMT_EMANIFEST_FIELD);
	len = craft(0, 0, 0, NX_DIGEST_LEN + 1);
	assert_int_equal(nx_manifest_decode(buf, len, &out, &e), NX_FMT_EMANIFEST_FIELD);
}

static void test_manifest_decode_refuses_every_truncation(void **state)
{
	(void)state;
	static struct nx_manifest m, out;
	struct nx_fmt_err e;
	size_t len;
	full(&m);
	assert_int_equal(encode(&m, &len), 0);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_not_equal(nx_manifest_decode(buf, cut, &out, &e), 0);
}

static void test_manifest_decode_refuses_every_flipped_bit_or_decodes_differently(void **state)
{
	(void)state;
	static struct nx_manifest m, out;
	static uint8_t orig[NX_MANIFEST_MAX];
	struct nx_fmt_err e;
	size_t len;
	full(&m);
	assert_int_equal(encode(&m, &len), 0);
	memcpy(orig, buf, len);
	/* One manifest, one byte string: a changed byte either fails or means other fields. */
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		if (nx_manifest_decode(buf, len, &out, &e) == 0) {
			size_t len2;
			static uint8_t again[NX_MANIFEST_MAX];
			assert_int_equal(nx_manifest_encode(&out, again, sizeof(again), &len2, &e),
					 0);
			assert_memory_equal(again, buf, len);
			assert_memory_not_equal(again, orig, len);
		}
		buf[i] ^= 0x01;
	}
}

static int vcmp(const char *a, const char *b)
{
	struct nx_semver x, y;
	assert_int_equal(nx_semver_parse(a, &x), 0);
	assert_int_equal(nx_semver_parse(b, &y), 0);
	return nx_semver_cmp(&x, &y);
}

static void test_semver_precedence_follows_semver_org(void **state)
{
	(void)state;
	/* semver.org section 11's example chain, then the core parts. */
	const char *chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
			       "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
			       "1.0.0-rc.1",  "1.0.0",	       "1.0.1",
			       "1.1.0",	      "2.0.0",	       "10.0.0"};
	for (size_t i = 0; i + 1 < sizeof(chain) / sizeof(chain[0]); i++) {
		assert_true(vcmp(chain[i], chain[i + 1]) < 0);
		assert_true(vcmp(chain[i + 1], chain[i]) > 0);
	}
	assert_int_equal(vcmp("1.0.0+a", "1.0.0+b"), 0);
	assert_int_equal(vcmp("1.2.3-x.7", "1.2.3-x.7"), 0);
}

static void test_semver_parse_refusals(void **state)
{
	(void)state;
	struct nx_semver v;
	const char *bad[] = {
	    "",	      "1",	"1.0",	     "1.0.0.0",	  "v1.0.0",
	    "01.0.0", "1.0.0-", "1.0.0-01",  "1.0.0+",	  "1.0.0-a..b",
	    "1.0.0 ", "-1.0.0", "1.0.0-a_b", "1.0.0+a+b", "18446744073709551616.0.0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(nx_semver_parse(bad[i], &v), 0);
	assert_int_equal(nx_semver_parse("18446744073709551615.0.0-0.a-b+x.01", &v), 0);
	assert_true(v.major == UINT64_MAX);
	assert_string_equal(v.pre, "0.a-b");
}

static void test_semver_length_at_limit_and_one_past(void **state)
{
	(void)state;
	struct nx_semver v;
	char s[NX_SEMVER_MAX + 1];
	strcpy(s, "1.0.0-");
	memset(s + 6, 'a', NX_SEMVER_MAX - 1 - 6);
	s[NX_SEMVER_MAX - 1] = 0;
	assert_int_equal(nx_semver_parse(s, &v), 0);
	s[NX_SEMVER_MAX - 1] = 'a';
	s[NX_SEMVER_MAX] = 0;
	assert_int_equal(nx_semver_parse(s, &v), NX_FMT_EMANIFEST_CAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_manifest_full_round_trip),
	    cmocka_unit_test(test_manifest_minimal_round_trip_has_absent_fields),
	    cmocka_unit_test(test_manifest_schema_version_other_than_1_refused),
	    cmocka_unit_test(test_manifest_name_rules),
	    cmocka_unit_test(test_manifest_semver_and_min_sdk_must_parse),
	    cmocka_unit_test(test_manifest_payload_size_limits),
	    cmocka_unit_test(test_manifest_enums_out_of_range_refused),
	    cmocka_unit_test(test_manifest_list_entries_checked),
	    cmocka_unit_test(test_manifest_resource_paths_stay_relative),
	    cmocka_unit_test(test_manifest_text_and_path_caps_at_limit_and_one_past),
	    cmocka_unit_test(test_manifest_list_cap_at_limit_and_one_past),
	    cmocka_unit_test(test_manifest_decode_list_cap_at_limit_and_one_past),
	    cmocka_unit_test(test_manifest_decode_refuses_embedded_signature),
	    cmocka_unit_test(test_manifest_decode_refuses_present_empty_text),
	    cmocka_unit_test(test_manifest_decode_refuses_wrong_digest_length),
	    cmocka_unit_test(test_manifest_decode_refuses_every_truncation),
	    cmocka_unit_test(test_manifest_decode_refuses_every_flipped_bit_or_decodes_differently),
	    cmocka_unit_test(test_semver_precedence_follows_semver_org),
	    cmocka_unit_test(test_semver_parse_refusals),
	    cmocka_unit_test(test_semver_length_at_limit_and_one_past),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
