/*
 * Ed25519 signatures, key files, manifest.sig and trust sets
 * (formats/sig.h), against RFC 8032 section 7.1 test vectors 1 and 2 and
 * the committed fixture keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sig.h"
#include "keyfile.h"
#include "nxhost.h"

struct vector {
	const char *seed, *pk, *msg, *sig;
};

/* RFC 8032, 7.1: TEST 1 (empty message) and TEST 2 (one byte). */
static const struct vector rfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf"
     "9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f"
     "11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

static void unhex(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(h), 2 * n);
	assert_int_equal(sodium_hex2bin(out, n, h, 2 * n, NULL, NULL, NULL), 0);
}

/* A key pair from an RFC seed. */
static void keys_of(const struct vector *v, struct nx_pubkey *pub, struct nx_seckey *sec)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	memset(pub, 0, sizeof(*pub));
	memset(sec, 0, sizeof(*sec));
	unhex(v->seed, seed, sizeof(seed));
	assert_int_equal(crypto_sign_seed_keypair(pub->pk, sec->sk, seed), 0);
	nx_sig_key_id(pub->pk, pub->id);
	memcpy(sec->id, pub->id, NX_SIG_KEYID_LEN);
	strcpy(pub->comment, "rfc8032");
	strcpy(sec->comment, "rfc8032");
}

static void test_sig_rfc8032_vectors_sign_and_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct vector *v = &rfc8032[i];
		struct nx_pubkey pub;
		struct nx_seckey sec;
		struct nx_sig sig;
		struct nx_fmt_err e;
		uint8_t pk[32], msg[1], want[64];
		size_t mlen = strlen(v->msg) / 2;
		keys_of(v, &pub, &sec);
		unhex(v->pk, pk, 32);
		assert_memory_equal(pub.pk, pk, 32);
		if (mlen)
			unhex(v->msg, msg, mlen);
		unhex(v->sig, want, 64);
		assert_int_equal(nx_sig_sign(&sec, msg, mlen, &sig), 0);
		assert_memory_equal(sig.sig, want, 64);
		assert_int_equal(nx_sig_verify(&pub, msg, mlen, &sig, &e), 0);
	}
}

static void test_sig_key_id_is_sha256_prefix(void **state)
{
	(void)state;
	struct nx_pubkey pub;
	struct nx_seckey sec;
	char hex[NX_KEY_ID_CHARS + 1];
	keys_of(&rfc8032[0], &pub, &sec);
	nx_sig_key_id_hex(pub.id, hex);
	/* python3: hashlib.sha256(bytes.fromhex(pk)).hexdigest()[:16] */
	assert_string_equal(hex, "21fe31dfa154a261");
}

static void test_sig_flipped_byte_fails_verification(void **state)
{
	(void)state;
	struct nx_pubkey pub;
	struct nx_seckey sec;
	struct nx_sig sig;
	struct nx_fmt_err e;
	uint8_t msg[100];
	memset(msg, 7, sizeof(msg));
	keys_of(&rfc8032[1], &pub, &sec);
	assert_int_equal(nx_sig_sign(&sec, msg, sizeof(msg), &sig), 0);
	msg[50] ^= 1;
	assert_int_equal(nx_sig_verify(&pub, msg, sizeof(msg), &sig, &e), NX_FMT_EBADSIG);
	msg[50] ^= 1;
	sig.sig[10] ^= 0x80;
	assert_int_equal(nx_sig_verify(&pub, msg, sizeof(msg), &sig, &e), NX_FMT_EBADSIG);
}

static void test_sig_key_id_mismatch_refused_before_crypto(void **state)
{
	(void)state;
	struct nx_pubkey a, b;
	struct nx_seckey sa, sb;
	struct nx_sig sig;
	struct nx_fmt_err e;
	keys_of(&rfc8032[0], &a, &sa);
	keys_of(&rfc8032[1], &b, &sb);
	assert_int_equal(nx_sig_sign(&sa, "m", 1, &sig), 0);
	assert_int_equal(nx_sig_verify(&b, "m", 1, &sig, &e), NX_FMT_EKEYID);
	/* The right key id over a wrong key's signature still fails, as a bad signature. */
	memcpy(sig.key_id, b.id, NX_SIG_KEYID_LEN);
	assert_int_equal(nx_sig_verify(&b, "m", 1, &sig, &e), NX_FMT_EBADSIG);
}

static void test_sig_key_files_round_trip(void **state)
{
	(void)state;
	struct nx_pubkey pub, pub2;
	struct nx_seckey sec, sec2;
	struct nx_fmt_err e;
	char text[NX_SIG_KEYFILE_MAX];
	size_t len;
	assert_int_equal(nx_sig_keygen("a test key", &pub, &sec, &e), 0);
	assert_int_equal(nx_pubkey_format(&pub, text, sizeof(text), &len), 0);
	assert_int_equal(nx_pubkey_parse(text, len, &pub2, &e), 0);
	assert_memory_equal(pub2.pk, pub.pk, NX_SIG_PK_LEN);
	assert_string_equal(pub2.comment, "a test key");
	assert_int_equal(nx_seckey_format(&sec, text, sizeof(text), &len), 0);
	assert_int_equal(nx_seckey_parse(text, len, &sec2, &e), 0);
	assert_memory_equal(sec2.sk, sec.sk, NX_SIG_SK_LEN);
	nx_seckey_wipe(&sec);
	for (size_t i = 0; i < sizeof(sec); i++)
		assert_int_equal(((uint8_t *)&sec)[i], 0);
	assert_int_equal(nx_sig_keygen("bad\ncomment", &pub, &sec, &e), NX_FMT_EKEYFILE);
}

static void test_sig_comment_at_limit_and_one_past(void **state)
{
	(void)state;
	struct nx_pubkey pub, back;
	struct nx_seckey sec;
	struct nx_fmt_err e;
	char comment[NX_SIG_COMMENT_MAX + 1], text[NX_SIG_KEYFILE_MAX];
	size_t len;
	memset(comment, 'c', NX_SIG_COMMENT_MAX);
	comment[NX_SIG_COMMENT_MAX - 1] = 0;
	assert_int_equal(nx_sig_keygen(comment, &pub, &sec, &e), 0);
	assert_int_equal(nx_pubkey_format(&pub, text, sizeof(text), &len), 0);
	assert_int_equal(nx_pubkey_parse(text, len, &back, &e), 0);
	assert_string_equal(back.comment, comment);
	comment[NX_SIG_COMMENT_MAX - 1] = 'c';
	comment[NX_SIG_COMMENT_MAX] = 0;
	assert_int_equal(nx_sig_keygen(comment, &pub, &sec, &e), NX_FMT_EKEYFILE);
	/* The same over-long comment in a file. */
	char *at = strstr(text, "comment: ") + strlen("comment: ");
	char bad[NX_SIG_KEYFILE_MAX];
	int n = snprintf(bad, sizeof(bad), "%.*sc%s", (int)(at - text), text, at);
	assert_int_equal(nx_pubkey_parse(bad, (size_t)n, &back, &e), NX_FMT_EKEYFILE);
}

static void test_sig_key_file_refusals(void **state)
{
	(void)state;
	struct nx_pubkey pub;
	struct nx_seckey sec;
	struct nx_fmt_err e;
	char good[NX_SIG_KEYFILE_MAX], bad[NX_SIG_KEYFILE_MAX + 2];
	size_t len;
	keys_of(&rfc8032[0], &pub, &sec);
	assert_int_equal(nx_pubkey_format(&pub, good, sizeof(good), &len), 0);
	/* Each: a copy of the good file with one change. */
	struct {
		const char *from, *to;
	} edits[] = {
	    {"public key", "secret key"}, /* wrong header */
	    {"key-id: 21", "key-id: 31"}, /* id does not match the key */
	    {"key-id: 21fe31dfa154a261", "key-id: 21FE31DFA154A261"}, /* upper case */
	    {"key: d75a", "key: d75"},				      /* short key */
	    {"comment: ", "note: "},				      /* unknown line */
	    {"rfc8032", "rfc\x01"}, /* control character in the comment */
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *at = strstr(good, edits[i].from);
		assert_non_null(at);
		size_t pre = (size_t)(at - good);
		int n = snprintf(bad, sizeof(bad), "%.*s%s%s", (int)pre, good, edits[i].to,
				 at + strlen(edits[i].from));
		assert_int_equal(nx_pubkey_parse(bad, (size_t)n, &pub, &e), NX_FMT_EKEYFILE);
	}
	assert_int_equal(nx_pubkey_parse(good, len - 1, &pub, &e), NX_FMT_EKEYFILE); /* no \n */
	snprintf(bad, sizeof(bad), "%sextra\n", good);
	assert_int_equal(nx_pubkey_parse(bad, len + 6, &pub, &e), NX_FMT_EKEYFILE);
	memset(bad, ' ', sizeof(bad));
	assert_int_equal(nx_pubkey_parse(bad, NX_SIG_KEYFILE_MAX + 1, &pub, &e), NX_FMT_EKEYFILE);
	assert_non_null(strstr(e.msg, "over"));
	/* A secret key whose public half is not the seed's. */
	assert_int_equal(nx_seckey_format(&sec, good, sizeof(good), &len), 0);
	good[len - 2] = good[len - 2] == '0' ? '1' : '0';
	assert_int_equal(nx_seckey_parse(good, len, &sec, &e), NX_FMT_EKEYFILE);
}

static void test_sig_file_exact_size_only(void **state)
{
	(void)state;
	struct nx_sig sig = {{1, 2, 3, 4, 5, 6, 7, 8}, {9}}, out;
	struct nx_fmt_err e;
	uint8_t b[NX_SIG_FILE_SIZE + 1] = {0};
	nx_sig_format(&sig, b);
	assert_int_equal(nx_sig_parse(b, NX_SIG_FILE_SIZE, &out, &e), 0);
	assert_memory_equal(&out, &sig, sizeof(sig));
	assert_int_equal(nx_sig_parse(b, NX_SIG_FILE_SIZE - 1, &out, &e), NX_FMT_ESIGFILE);
	assert_int_equal(nx_sig_parse(b, NX_SIG_FILE_SIZE + 1, &out, &e), NX_FMT_ESIGFILE);
	b[0] = 'X';
	assert_int_equal(nx_sig_parse(b, NX_SIG_FILE_SIZE, &out, &e), NX_FMT_ESIGFILE);
}

static void test_trust_capacity_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_trust t;
	struct nx_pubkey k;
	struct nx_seckey s;
	struct nx_fmt_err e;
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < NX_SIG_TRUST_MAX; i++) {
		assert_int_equal(nx_sig_keygen("k", &k, &s, &e), 0);
		assert_int_equal(nx_trust_add(&t, &k, &e), 0);
	}
	assert_int_equal(nx_trust_add(&t, &t.keys[0], &e), NX_FMT_ETRUST); /* duplicate */
	assert_int_equal(nx_sig_keygen("k", &k, &s, &e), 0);
	assert_int_equal(nx_trust_add(&t, &k, &e), NX_FMT_ETRUST);
	assert_int_equal(t.n, NX_SIG_TRUST_MAX);
}

static void test_trust_verify_untrusted_key_refused(void **state)
{
	(void)state;
	static struct nx_trust t;
	struct nx_pubkey a, b;
	struct nx_seckey sa, sb;
	struct nx_sig sig;
	struct nx_fmt_err e;
	memset(&t, 0, sizeof(t));
	keys_of(&rfc8032[0], &a, &sa);
	keys_of(&rfc8032[1], &b, &sb);
	assert_int_equal(nx_trust_add(&t, &a, &e), 0);
	assert_int_equal(nx_sig_sign(&sb, "m", 1, &sig), 0);
	assert_int_equal(nx_trust_verify(&t, "m", 1, &sig, &e), NX_FMT_EUNTRUSTED);
	assert_int_equal(nx_sig_sign(&sa, "m", 1, &sig), 0);
	assert_int_equal(nx_trust_verify(&t, "m", 1, &sig, &e), 0);
}

static void test_trust_dir_loads_fixture_and_refuses_symlinks(void **state)
{
	(void)state;
	static struct nx_trust t;
	struct nx_fmt_err e;
	char dir[] = "/tmp/nx-trust-XXXXXX", path[512];
	int fd = open("fixtures/trust", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(nx_trust_load(&t, fd, &e), 0);
	close(fd);
	assert_int_equal(t.n, 1);
	assert_non_null(strstr(t.keys[0].comment, "TEST ONLY - do not trust in production"));

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/README", dir);
	fclose(fopen(path, "w")); /* not a .pub: ignored */
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(nx_trust_load(&t, fd, &e), 0);
	assert_int_equal(t.n, 0);
	snprintf(path, sizeof(path), "%s/dev.pub", dir);
	assert_int_equal(symlink("/work/none.pub", path), 0);
	assert_int_equal(nx_trust_load(&t, fd, &e), NX_FMT_EKEYFILE);
	assert_int_equal(t.n, 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/README", dir);
	unlink(path);
	close(fd);
	rmdir(dir);
}

static void test_fixture_keys_load_and_say_test_only(void **state)
{
	(void)state;
	struct nx_seckey sec;
	struct nx_pubkey pub;
	struct nx_sig sig;
	struct nx_fmt_err e;
	assert_int_equal(nx_seckey_load(AT_FDCWD, "fixtures/keys/dev.key", &sec, &e), 0);
	assert_int_equal(nx_pubkey_load(AT_FDCWD, "fixtures/keys/dev.pub", &pub, &e), 0);
	assert_non_null(strstr(sec.comment, "TEST ONLY"));
	assert_int_equal(nx_sig_sign(&sec, "x", 1, &sig), 0);
	assert_int_equal(nx_sig_verify(&pub, "x", 1, &sig, &e), 0);
	assert_int_equal(nx_pubkey_load(AT_FDCWD, "fixtures/keys/untrusted.pub", &pub, &e), 0);
	assert_int_equal(nx_sig_verify(&pub, "x", 1, &sig, &e), NX_FMT_EKEYID);
	nx_seckey_wipe(&sec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sig_rfc8032_vectors_sign_and_verify),
	    cmocka_unit_test(test_sig_key_id_is_sha256_prefix),
	    cmocka_unit_test(test_sig_flipped_byte_fails_verification),
	    cmocka_unit_test(test_sig_key_id_mismatch_refused_before_crypto),
	    cmocka_unit_test(test_sig_key_files_round_trip),
	    cmocka_unit_test(test_sig_comment_at_limit_and_one_past),
	    cmocka_unit_test(test_sig_key_file_refusals),
	    cmocka_unit_test(test_sig_file_exact_size_only),
	    cmocka_unit_test(test_trust_capacity_at_limit_and_one_past),
	    cmocka_unit_test(test_trust_verify_untrusted_key_refused),
	    cmocka_unit_test(test_trust_dir_loads_fixture_and_refuses_symlinks),
	    cmocka_unit_test(test_fixture_keys_load_and_say_test_only),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
