/*
 * system.nxsindex (formats/nxs_index.h) and its TOML source (nxs_meta.h):
 * the codec round trip and its bound; each decode refusal on bytes built
 * here past the checks the encoder makes (schema version, field lengths,
 * counts, order, health check, non-canonical forms); every limit at N and
 * N+1; the anti-rollback floor; META.toml's keys and refusals.
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
#include "nxs.h"
#include "nxs_index.h"
#include "nxs_index_layout.h"
#include "nxs_meta.h"
#include "nxs_test_index.h"

static uint8_t buf[NX_NXS_INDEX_MAX];

/* A valid index of n bundles "b000", "b001", ... */
static void make_index(struct nx_nxs_index *ix, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	ix->schema_version = NX_NXS_SCHEMA_VERSION;
	strcpy(ix->system_version, "1.2.3");
	memset(ix->publisher, 0xab, sizeof(ix->publisher));
	ix->timestamp_unix_ms = 1700000000123ULL;
	ix->n_bundles = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(ix->bundles[i].name, sizeof(ix->bundles[i].name), "b%03zu", i);
		strcpy(ix->bundles[i].version, "1.0.0");
		memset(ix->bundles[i].manifest_sha256, (int)i, NX_DIGEST_LEN);
		memset(ix->bundles[i].payload_sha256, (int)(i + 1), NX_DIGEST_LEN);
		ix->bundles[i].payload_size = 1000 + i;
	}
	strcpy(ix->health_check, "b000");
}

/* Knobs past the encoder's checks, for the raw builder. */
struct raw {
	uint8_t version_bits;  /* stored schemaVersion byte (version XOR 1) */
	size_t publisher_len;  /* bytes of publisher written */
	size_t digest_len;     /* bytes of each digest written */
	int empty_health_ptr;  /* write an empty healthCheck as a non-null text */
	size_t trailing_words; /* zero words appended after the message */
	int full_data;	       /* keep all-zero data words instead of truncating them */
};

static const struct raw raw_ok = {0, NX_NXS_PUBLISHER_LEN, NX_DIGEST_LEN, 0, 0, 0};

static void put_text(struct nx_capnp_bstruct *s, uint16_t ptr, const char *t, int even_empty)
{
	if (t[0] || even_empty)
		assert_int_equal(nx_capnp_set_text(s, ptr, t, strlen(t)), 0);
}

/*
 * Builds the bytes of ix without nx_nxs_index_check, in the canonical
 * layout (the same preorder the encoder uses), with the knobs applied.
 */
static size_t raw_index(const struct nx_nxs_index *ix, const struct raw *k)
{
	uint8_t publisher[NX_NXS_PUBLISHER_LEN + 8] = {0};
	struct nx_capnp_builder b;
	struct nx_capnp_bstruct root, el;
	struct nx_capnp_blist l;
	int health = ix->health_check[0] || k->empty_health_ptr;
	/* Trailing null pointers truncated, as the canonical form wants. */
	uint16_t pc = health ? NXS_PTRS : ix->n_bundles ? NXS_BUNDLES + 1 : NXS_BUNDLES;
	uint16_t dw = ix->timestamp_unix_ms || k->full_data ? NXS_DATA_WORDS : k->version_bits != 0;
	uint16_t entry_dw = k->full_data;
	size_t len;
	for (size_t i = 0; i < ix->n_bundles; i++)
		entry_dw |= ix->bundles[i].payload_size != 0;
	memcpy(publisher, ix->publisher, NX_NXS_PUBLISHER_LEN);
	nx_capnp_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(nx_capnp_build_root(&b, dw, pc, &root), 0);
	if (dw)
		nx_capnp_set_u8(&root, NXS_SCHEMA_VERSION_BYTE, k->version_bits);
	if (dw > 1)
		nx_capnp_set_u64(&root, NXS_TIMESTAMP_BYTE, ix->timestamp_unix_ms);
	put_text(&root, NXS_SYSTEM_VERSION, ix->system_version, 0);
	assert_int_equal(nx_capnp_set_data(&root, NXS_PUBLISHER, publisher, k->publisher_len), 0);
	if (ix->n_bundles)
		assert_int_equal(nx_capnp_set_struct_list(&root, NXS_BUNDLES,
							  (uint32_t)ix->n_bundles, entry_dw,
							  NXS_ENTRY_PTRS, &l),
				 0);
	for (size_t i = 0; i < ix->n_bundles; i++) {
		assert_int_equal(nx_capnp_list_struct(&l, (uint32_t)i, &el), 0);
		if (entry_dw)
			nx_capnp_set_u64(&el, NXS_ENTRY_PAYLOAD_SIZE_BYTE,
					 ix->bundles[i].payload_size);
		put_text(&el, NXS_ENTRY_NAME, ix->bundles[i].name, 0);
		put_text(&el, NXS_ENTRY_VERSION, ix->bundles[i].version, 0);
		assert_int_equal(nx_capnp_set_data(&el, NXS_ENTRY_MANIFEST_SHA256,
						   ix->bundles[i].manifest_sha256, k->digest_len),
				 0);
		assert_int_equal(nx_capnp_set_data(&el, NXS_ENTRY_PAYLOAD_SHA256,
						   ix->bundles[i].payload_sha256, k->digest_len),
				 0);
	}
	if (health)
		put_text(&root, NXS_HEALTH_CHECK, ix->health_check, 1);
	assert_int_equal(nx_capnp_build_finish(&b, &len), 0);
	memset(buf + len, 0, k->trailing_words * NX_CAPNP_WORD);
	return len + k->trailing_words * NX_CAPNP_WORD;
}

static int decode_raw(const struct nx_nxs_index *ix, const struct raw *k)
{
	static struct nx_nxs_index out;
	struct nx_fmt_err e = {0};
	size_t len = raw_index(ix, k);
	int r = nx_nxs_index_decode(buf, len, &out, &e);
	if (r)
		assert_int_equal(e.code, r);

	return r;
}

static void test_nxs_index_round_trip(void **state)
{
	(void)state;
	static struct nx_nxs_index ix, back;
	static uint8_t again[NX_NXS_INDEX_ENCODED_MAX];
	struct nx_fmt_err e;
	size_t len, len2;
	make_index(&ix, 3);
	assert_int_equal(nx_nxs_index_encode(&ix, buf, sizeof(buf), &len, &e), 0);
	assert_int_equal(nx_nxs_index_decode(buf, len, &back, &e), 0);
	assert_memory_equal(&ix, &back, sizeof(ix));
	assert_int_equal(nx_nxs_index_encode(&back, again, sizeof(again), &len2, &e), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	/* The raw builder is the encoder's layout: the tests below differ from it by one knob. */
	assert_int_equal(raw_index(&ix, &raw_ok), len);
	assert_memory_equal(buf, again, len);
}

static void test_nxs_index_minimal_round_trip_truncates(void **state)
{
	(void)state;
	static struct nx_nxs_index ix, back;
	struct nx_fmt_err e;
	size_t len;
	make_index(&ix, 1);
	ix.timestamp_unix_ms = 0;
	memset(ix.health_check, 0, sizeof(ix.health_check));
	assert_int_equal(nx_nxs_index_encode(&ix, buf, sizeof(buf), &len, &e), 0);
	/* No data words (version 1 is stored as 0, timestamp 0), three pointers. */
	assert_int_equal(buf[4], 0);
	assert_int_equal(buf[6], 3);
	assert_int_equal(nx_nxs_index_decode(buf, len, &back, &e), 0);
	assert_memory_equal(&ix, &back, sizeof(ix));
}

/* Every field at its cap: the encoding is exactly NX_NXS_INDEX_ENCODED_MAX bytes. */
static void test_nxs_index_largest_fits_its_bound(void **state)
{
	(void)state;
	static struct nx_nxs_index ix, back;
	struct nx_fmt_err e;
	size_t len;
	char ver[NX_SEMVER_MAX];
	make_index(&ix, NX_NXS_BUNDLES_MAX);
	memset(ver, 0, sizeof(ver));
	memcpy(ver, "1.0.0-", 6);
	memset(ver + 6, 'a', NX_SEMVER_MAX - 7);
	strcpy(ix.system_version, ver);
	for (size_t i = 0; i < ix.n_bundles; i++) {
		memset(ix.bundles[i].name, 'z', NX_BUNDLE_NAME_MAX - 1);
		snprintf(ix.bundles[i].name, 5, "b%03zu", i);
		ix.bundles[i].name[4] = 'z';
		strcpy(ix.bundles[i].version, ver);
	}
	strcpy(ix.health_check, ix.bundles[0].name);
	assert_int_equal(strlen(ix.health_check), NX_BUNDLE_NAME_MAX - 1);
	assert_int_equal(nx_nxs_index_encode(&ix, buf, sizeof(buf), &len, &e), 0);
	assert_int_equal(len, NX_NXS_INDEX_ENCODED_MAX);
	assert_int_equal(nx_nxs_index_decode(buf, len, &back, &e), 0);
	assert_int_equal(nx_nxs_index_encode(&ix, buf, len - 1, &len, &e), NX_FMT_ERANGE);
}

static void test_nxs_index_schema_version_other_than_1_refused(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	struct raw k = raw_ok;
	make_index(&ix, 2);
	uint8_t version = 2;
	k.version_bits = version ^ NXS_SCHEMA_VERSION_DEFAULT;
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ENXS_INDEX_VERSION);
	/* A newer schema is refused as such, before its other fields are judged. */
	k.publisher_len = NX_NXS_PUBLISHER_LEN - 1;
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ENXS_INDEX_VERSION);
	ix.schema_version = 2;
	assert_int_equal(nx_nxs_index_check(&ix, NULL), NX_FMT_ENXS_INDEX_VERSION);
}

static void test_nxs_index_publisher_length_refused(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	struct raw k = raw_ok;
	make_index(&ix, 2);
	for (size_t len = 0; len <= NX_NXS_PUBLISHER_LEN + 1; len++) {
		k.publisher_len = len;
		assert_int_equal(decode_raw(&ix, &k),
				 len == NX_NXS_PUBLISHER_LEN ? 0 : NX_FMT_ENXS_INDEX_FIELD);
	}
}

static void test_nxs_index_digest_length_refused(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	struct raw k = raw_ok;
	make_index(&ix, 2);
	k.digest_len = NX_DIGEST_LEN - 1;
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ENXS_INDEX_FIELD);
	k.digest_len = NX_DIGEST_LEN + 1;
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ENXS_INDEX_FIELD);
	k.digest_len = 0; /* absent */
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ENXS_INDEX_FIELD);
}

static void test_nxs_index_bundle_count_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	make_index(&ix, NX_NXS_BUNDLES_MAX);
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	/* N+1 does not fit the struct's array: check() refuses the count before any entry. */
	ix.n_bundles = NX_NXS_BUNDLES_MAX + 1;
	assert_int_equal(nx_nxs_index_check(&ix, NULL), NX_FMT_ENXS_BUNDLES);
	make_index(&ix, 0);
	ix.health_check[0] = 0;
	assert_int_equal(nx_nxs_index_check(&ix, NULL), NX_FMT_ENXS_BUNDLES);
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_BUNDLES);
}

/* 257 entries cannot be in struct nx_nxs_index: the helper builds them directly. */
static void test_nxs_index_decode_refuses_257_bundles(void **state)
{
	(void)state;
	static struct nx_nxs_index out;
	static const uint8_t pk[NX_NXS_PUBLISHER_LEN];
	struct nx_fmt_err e;
	size_t len = nxs_test_index_over_max(buf, sizeof(buf), pk);
	assert_int_equal(nx_nxs_index_decode(buf, len, &out, &e), NX_FMT_ENXS_BUNDLES);
	assert_non_null(strstr(e.msg, "257"));
}

static void test_nxs_index_names_unsorted_or_repeated_refused(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	make_index(&ix, 3);
	strcpy(ix.bundles[1].name, "b009");
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_ORDER);
	strcpy(ix.bundles[1].name, "b000");
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_ORDER);
	strcpy(ix.bundles[1].name, "b001");
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
}

static void test_nxs_index_bundle_name_rules(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	static const char *const bad[] = {"B000", "b..0", "b0.", "0b", "b 0", "b/0", ""};
	make_index(&ix, 1);
	ix.health_check[0] = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(ix.bundles[0].name, bad[i]);
		assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_FIELD);
	}
}

static void test_nxs_index_name_length_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	make_index(&ix, 1);
	ix.health_check[0] = 0;
	memset(ix.bundles[0].name, 'b', NX_BUNDLE_NAME_MAX - 1);
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	/* One byte more than the struct holds: built as raw text past the array. */
	char longer[NX_BUNDLE_NAME_MAX + 1];
	memset(longer, 'b', NX_BUNDLE_NAME_MAX);
	longer[NX_BUNDLE_NAME_MAX] = 0;
	struct nx_capnp_builder b;
	struct nx_capnp_bstruct root, el;
	struct nx_capnp_blist l;
	static const uint8_t pk[NX_NXS_PUBLISHER_LEN];
	static struct nx_nxs_index out;
	struct nx_fmt_err e;
	size_t len;
	nx_capnp_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(nx_capnp_build_root(&b, 0, NXS_BUNDLES + 1, &root), 0);
	assert_int_equal(nx_capnp_set_text(&root, NXS_SYSTEM_VERSION, "1.0.0", 5), 0);
	assert_int_equal(nx_capnp_set_data(&root, NXS_PUBLISHER, pk, sizeof(pk)), 0);
	assert_int_equal(nx_capnp_set_struct_list(&root, NXS_BUNDLES, 1, NXS_ENTRY_DATA_WORDS,
						  NXS_ENTRY_PTRS, &l),
			 0);
	assert_int_equal(nx_capnp_list_struct(&l, 0, &el), 0);
	nx_capnp_set_u64(&el, NXS_ENTRY_PAYLOAD_SIZE_BYTE, 1);
	assert_int_equal(nx_capnp_set_text(&el, NXS_ENTRY_NAME, longer, NX_BUNDLE_NAME_MAX), 0);
	assert_int_equal(nx_capnp_set_text(&el, NXS_ENTRY_VERSION, "1.0.0", 5), 0);
	assert_int_equal(nx_capnp_set_data(&el, NXS_ENTRY_MANIFEST_SHA256, pk, 32), 0);
	assert_int_equal(nx_capnp_set_data(&el, NXS_ENTRY_PAYLOAD_SHA256, pk, 32), 0);
	assert_int_equal(nx_capnp_build_finish(&b, &len), 0);
	assert_int_equal(nx_nxs_index_decode(buf, len, &out, &e), NX_FMT_ENXS_INDEX_FIELD);
	assert_non_null(strstr(e.msg, "bundles.name"));
}

static void test_nxs_index_versions_must_be_semver(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	make_index(&ix, 2);
	strcpy(ix.system_version, "1.0");
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_FIELD);
	ix.system_version[0] = 0;
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_FIELD);
	strcpy(ix.system_version, "2.0.0-rc.1+build.5");
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	strcpy(ix.bundles[1].version, "01.0.0");
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_FIELD);
}

static void test_nxs_index_payload_size_at_limits(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	make_index(&ix, 1);
	ix.bundles[0].payload_size = NX_PAYLOAD_MAX;
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	ix.bundles[0].payload_size = NX_PAYLOAD_MAX + 1;
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_FIELD);
	ix.bundles[0].payload_size = 1;
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	ix.bundles[0].payload_size = 0;
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_INDEX_FIELD);
}

static void test_nxs_index_health_check_must_name_a_bundle(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	uint8_t out[256];
	size_t len;
	make_index(&ix, 2);
	strcpy(ix.health_check, "b001");
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	strcpy(ix.health_check, "b002");
	assert_int_equal(decode_raw(&ix, &raw_ok), NX_FMT_ENXS_HEALTH);
	assert_int_equal(nx_nxs_index_encode(&ix, out, sizeof(out), &len, NULL),
			 NX_FMT_ENXS_HEALTH);
	ix.health_check[0] = 0;
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
}

static void test_nxs_index_noncanonical_refused(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	struct raw k = raw_ok;
	make_index(&ix, 2);
	ix.health_check[0] = 0;
	k.empty_health_ptr = 1; /* an empty text where the encoder writes a null pointer */
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ECAPNP_NONCANONICAL);
	k = raw_ok;
	k.trailing_words = 1;
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ECAPNP_NONCANONICAL);
	/* timestamp 0 still written as a second data word: not truncated. */
	ix.timestamp_unix_ms = 0;
	assert_int_equal(decode_raw(&ix, &raw_ok), 0);
	k = raw_ok;
	k.full_data = 1;
	assert_int_equal(decode_raw(&ix, &k), NX_FMT_ECAPNP_NONCANONICAL);
}

/* Each byte of a valid index flipped: refused or still canonical, never a crash. */
static void test_nxs_index_every_flipped_byte_decodes_or_is_refused(void **state)
{
	(void)state;
	static struct nx_nxs_index ix, out;
	static uint8_t good[4096], again[4096];
	size_t len, len2;
	make_index(&ix, 2);
	assert_int_equal(nx_nxs_index_encode(&ix, good, sizeof(good), &len, NULL), 0);
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			good[i] ^= (uint8_t)(1u << bit);
			if (nx_nxs_index_decode(good, len, &out, NULL) == 0) {
				assert_int_equal(
				    nx_nxs_index_encode(&out, again, sizeof(again), &len2, NULL),
				    0);
				assert_memory_equal(again, good, len);
			}
			good[i] ^= (uint8_t)(1u << bit);
		}
}

static void test_nxs_index_version_above_floor(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	struct nx_fmt_err e;
	make_index(&ix, 1);
	strcpy(ix.system_version, "2.0.0");
	assert_int_equal(nx_nxs_version_above(&ix, "1.9.9", &e), 0);
	assert_int_equal(nx_nxs_version_above(&ix, "2.0.0-rc.1", &e), 0);
	assert_int_equal(nx_nxs_version_above(&ix, "2.0.0", &e), NX_FMT_ENXS_ROLLBACK);
	assert_non_null(strstr(e.msg, "2.0.0"));
	assert_int_equal(nx_nxs_version_above(&ix, "2.0.0+other", &e), NX_FMT_ENXS_ROLLBACK);
	assert_int_equal(nx_nxs_version_above(&ix, "10.0.0", &e), NX_FMT_ENXS_ROLLBACK);
	assert_int_equal(nx_nxs_version_above(&ix, "2.0", &e), NX_FMT_EINVAL);
}

static void test_nxs_member_paths_follow_the_index(void **state)
{
	(void)state;
	static struct nx_nxs_index ix;
	char p[NX_NXS_MEMBER_PATH_MAX];
	make_index(&ix, 2);
	assert_int_equal(nx_nxs_members(2), 8);
	nx_nxs_member_path(&ix, 0, p);
	assert_string_equal(p, "system.nxsindex");
	nx_nxs_member_path(&ix, 1, p);
	assert_string_equal(p, "system.sig.ed25519");
	nx_nxs_member_path(&ix, 2, p);
	assert_string_equal(p, "b000.nxb/manifest.nxb");
	nx_nxs_member_path(&ix, 6, p);
	assert_string_equal(p, "b001.nxb/manifest.sig");
	nx_nxs_member_path(&ix, 7, p);
	assert_string_equal(p, "b001.nxb/payload.elf");
	memset(ix.bundles[0].name, 'x', NX_BUNDLE_NAME_MAX - 1);
	nx_nxs_member_path(&ix, 2, p);
	assert_int_equal(strlen(p), NX_NXS_MEMBER_PATH_MAX - 1);
}

/* ---- META.toml ---- */

static int meta(const char *src, struct nx_nxs_meta *m, struct nx_fmt_err *e)
{
	return nx_nxs_meta_from_toml(src, strlen(src), m, e);
}

static void test_nxs_meta_reads_its_three_keys(void **state)
{
	(void)state;
	struct nx_nxs_meta m;
	struct nx_fmt_err e;
	assert_int_equal(meta("version = \"1.2.3\"\ntimestamp_unix_ms = 42\n"
			      "health_check = \"demo.hello\"\n",
			      &m, &e),
			 0);
	assert_string_equal(m.version, "1.2.3");
	assert_int_equal(m.timestamp_unix_ms, 42);
	assert_string_equal(m.health_check, "demo.hello");
	assert_int_equal(meta("version = \"0.1.0\"\n", &m, &e), 0);
	assert_int_equal(m.timestamp_unix_ms, 0);
	assert_string_equal(m.health_check, "");
}

static void test_nxs_meta_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *src, *msg;
		int code;
	} bad[] = {
	    {"timestamp_unix_ms = 1\n", "'version' is required", NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0\"\n", "line 1: 'version' is not SemVer", NX_FMT_ETOML_SCHEMA},
	    {"version = 1\n", "must be a string", NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0.0\"\ncolour = \"red\"\n", "line 2: 'colour'", NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0.0\"\ntimestamp_unix_ms = -1\n", "out of 0..", NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0.0\"\ntimestamp_unix_ms = \"1\"\n", "integer", NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0.0\"\nhealth_check = \"Demo\"\n", "not a bundle name",
	     NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0.0\"\n[bundles]\n", "'bundles'", NX_FMT_ETOML_SCHEMA},
	    {"version = \"1.0.0\"\nversion = \"2.0.0\"\n", "twice", NX_FMT_ETOML_DUPLICATE},
	    {"version = 1.5\n", "line 1", NX_FMT_ETOML_UNSUPPORTED},
	};
	struct nx_nxs_meta m;
	struct nx_fmt_err e;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(meta(bad[i].src, &m, &e), bad[i].code);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].src, e.msg, bad[i].msg);
	}
}

static void test_nxs_meta_timestamp_at_limit_and_one_past(void **state)
{
	(void)state;
	struct nx_nxs_meta m;
	char src[128];
	snprintf(src, sizeof(src), "version = \"1.0.0\"\ntimestamp_unix_ms = %llu\n",
		 (unsigned long long)NX_NXS_TIMESTAMP_MS_MAX);
	assert_int_equal(meta(src, &m, NULL), 0);
	assert_int_equal(m.timestamp_unix_ms, NX_NXS_TIMESTAMP_MS_MAX);
	snprintf(src, sizeof(src), "version = \"1.0.0\"\ntimestamp_unix_ms = %llu\n",
		 (unsigned long long)NX_NXS_TIMESTAMP_MS_MAX + 1);
	assert_int_equal(meta(src, &m, NULL), NX_FMT_ETOML_SCHEMA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nxs_index_round_trip),
	    cmocka_unit_test(test_nxs_index_minimal_round_trip_truncates),
	    cmocka_unit_test(test_nxs_index_largest_fits_its_bound),
	    cmocka_unit_test(test_nxs_index_schema_version_other_than_1_refused),
	    cmocka_unit_test(test_nxs_index_publisher_length_refused),
	    cmocka_unit_test(test_nxs_index_digest_length_refused),
	    cmocka_unit_test(test_nxs_index_bundle_count_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_index_decode_refuses_257_bundles),
	    cmocka_unit_test(test_nxs_index_names_unsorted_or_repeated_refused),
	    cmocka_unit_test(test_nxs_index_bundle_name_rules),
	    cmocka_unit_test(test_nxs_index_name_length_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_index_versions_must_be_semver),
	    cmocka_unit_test(test_nxs_index_payload_size_at_limits),
	    cmocka_unit_test(test_nxs_index_health_check_must_name_a_bundle),
	    cmocka_unit_test(test_nxs_index_noncanonical_refused),
	    cmocka_unit_test(test_nxs_index_every_flipped_byte_decodes_or_is_refused),
	    cmocka_unit_test(test_nxs_index_version_above_floor),
	    cmocka_unit_test(test_nxs_member_paths_follow_the_index),
	    cmocka_unit_test(test_nxs_meta_reads_its_three_keys),
	    cmocka_unit_test(test_nxs_meta_refusals),
	    cmocka_unit_test(test_nxs_meta_timestamp_at_limit_and_one_past),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
