/*
 * The .nxb bundle directory (formats/nxb.h): a bundle written here with a
 * fresh key verifies; each refusal (unsigned, untrusted key, a flipped byte
 * in each member, truncations, caps at N and N+1, symlinks, extra entries,
 * parse before verify) has its own code; writing is all or nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nxb.h"
#include "keyfile.h"

#define PAYLOAD_LEN 5000

static char root[] = "/tmp/nx-nxb-XXXXXX";
static int root_fd = -1;
static struct nx_pubkey pub, other;
static struct nx_seckey sec;
static struct nx_trust trust;
static uint8_t payload[PAYLOAD_LEN];

static void path_of(char *out, size_t cap, const char *name, const char *member)
{
	snprintf(out, cap, "%s/%s%s%s", root, name, member ? "/" : "", member ? member : "");
}

/* Writes bundle `name` (a fresh directory) with a manifest over `payload`. */
static void make_bundle(const char *name)
{
	static struct nx_manifest m;
	static uint8_t mbytes[NX_MANIFEST_MAX];
	struct nx_fmt_err e;
	struct nx_sig sig;
	char p[512];
	size_t mlen;
	memset(&m, 0, sizeof(m));
	m.schema_version = 1;
	strcpy(m.name, "test.bundle");
	strcpy(m.semver, "1.0.0");
	m.payload_size = PAYLOAD_LEN;
	crypto_hash_sha256(m.payload_digest, payload, PAYLOAD_LEN);
	assert_int_equal(nx_manifest_encode(&m, mbytes, sizeof(mbytes), &mlen, &e), 0);
	assert_int_equal(nx_sig_sign(&sec, mbytes, mlen, &sig), 0);
	path_of(p, sizeof(p), "payload.src", NULL);
	int pfd = open(p, O_RDONLY);
	assert_true(pfd >= 0);
	assert_int_equal(nx_nxb_write(root_fd, name, mbytes, mlen, &sig, pfd, &e), 0);
	close(pfd);
}

static int verify(const char *name, struct nx_nxb *b)
{
	struct nx_fmt_err e;
	char p[512];
	path_of(p, sizeof(p), name, NULL);
	int dfd = open(p, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	int r = nx_nxb_verify(b, dfd, &trust, &e);
	close(dfd);
	return r;
}

static void flip(const char *name, const char *member, off_t at)
{
	char p[512];
	uint8_t c;
	path_of(p, sizeof(p), name, member);
	int fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, at), 1);
	c ^= 0x01;
	assert_int_equal(pwrite(fd, &c, 1, at), 1);
	close(fd);
}

static void resize(const char *name, const char *member, off_t len)
{
	char p[512];
	path_of(p, sizeof(p), name, member);
	assert_int_equal(truncate(p, len), 0);
}

static int setup(void **state)
{
	(void)state;
	struct nx_fmt_err e;
	struct nx_seckey unused;
	char p[512];
	assert_true(sodium_init() >= 0);
	assert_non_null(mkdtemp(root));
	root_fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_int_equal(nx_sig_keygen("test", &pub, &sec, &e), 0);
	assert_int_equal(nx_sig_keygen("other", &other, &unused, &e), 0);
	memset(&trust, 0, sizeof(trust));
	assert_int_equal(nx_trust_add(&trust, &pub, &e), 0);
	randombytes_buf(payload, sizeof(payload));
	path_of(p, sizeof(p), "payload.src", NULL);
	FILE *f = fopen(p, "w");
	assert_int_equal(fwrite(payload, 1, sizeof(payload), f), sizeof(payload));
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	close(root_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_nxb_written_bundle_verifies_and_copies_its_payload(void **state)
{
	(void)state;
	struct nx_nxb b;
	struct nx_fmt_err e;
	uint8_t back[PAYLOAD_LEN];
	make_bundle("ok.nxb");
	assert_int_equal(verify("ok.nxb", &b), 0);
	assert_string_equal(b.m.name, "test.bundle");
	int fd = memfd_create("copy", 0);
	assert_int_equal(nx_nxb_payload_copy(&b, fd, &e), 0);
	assert_int_equal(pread(fd, back, sizeof(back), 0), PAYLOAD_LEN);
	assert_memory_equal(back, payload, PAYLOAD_LEN);
	close(fd);
	nx_nxb_close(&b);
}

static void test_nxb_unsigned_refused(void **state)
{
	(void)state;
	struct nx_nxb b;
	char p[512];
	make_bundle("unsigned.nxb");
	path_of(p, sizeof(p), "unsigned.nxb", NX_BUNDLE_SIG);
	unlink(p);
	assert_int_equal(verify("unsigned.nxb", &b), NX_FMT_ENXB_UNSIGNED);
}

static void test_nxb_untrusted_key_refused(void **state)
{
	(void)state;
	static struct nx_trust t;
	struct nx_nxb b;
	struct nx_fmt_err e;
	char p[512];
	make_bundle("untrusted.nxb");
	memset(&t, 0, sizeof(t));
	assert_int_equal(nx_trust_add(&t, &other, &e), 0);
	path_of(p, sizeof(p), "untrusted.nxb", NULL);
	int dfd = open(p, O_RDONLY | O_DIRECTORY);
	assert_int_equal(nx_nxb_verify(&b, dfd, &t, &e), NX_FMT_EUNTRUSTED);
	close(dfd);
}

static void test_nxb_flipped_byte_in_each_member_refused(void **state)
{
	(void)state;
	struct nx_nxb b;
	make_bundle("flip-m.nxb");
	flip("flip-m.nxb", NX_BUNDLE_MANIFEST, 40);
	assert_int_equal(verify("flip-m.nxb", &b), NX_FMT_EBADSIG);
	make_bundle("flip-s.nxb");
	flip("flip-s.nxb", NX_BUNDLE_SIG, NX_SIG_FILE_SIZE - 1);
	assert_int_equal(verify("flip-s.nxb", &b), NX_FMT_EBADSIG);
	make_bundle("flip-id.nxb");
	flip("flip-id.nxb", NX_BUNDLE_SIG, NX_SIG_MAGIC_LEN);
	assert_int_equal(verify("flip-id.nxb", &b), NX_FMT_EUNTRUSTED);
	make_bundle("flip-p.nxb");
	flip("flip-p.nxb", NX_BUNDLE_PAYLOAD, PAYLOAD_LEN / 2);
	assert_int_equal(verify("flip-p.nxb", &b), NX_FMT_ENXB_DIGEST);
}

static void test_nxb_truncations_refused(void **state)
{
	(void)state;
	struct nx_nxb b;
	make_bundle("trunc-m.nxb");
	resize("trunc-m.nxb", NX_BUNDLE_MANIFEST, 16);
	assert_int_equal(verify("trunc-m.nxb", &b), NX_FMT_EBADSIG);
	make_bundle("empty-m.nxb");
	resize("empty-m.nxb", NX_BUNDLE_MANIFEST, 0);
	assert_int_equal(verify("empty-m.nxb", &b), NX_FMT_ENXB_MANIFEST_SIZE);
	make_bundle("trunc-s.nxb");
	resize("trunc-s.nxb", NX_BUNDLE_SIG, NX_SIG_FILE_SIZE - 1);
	assert_int_equal(verify("trunc-s.nxb", &b), NX_FMT_ESIGFILE);
	make_bundle("trunc-p.nxb");
	resize("trunc-p.nxb", NX_BUNDLE_PAYLOAD, PAYLOAD_LEN - 1);
	assert_int_equal(verify("trunc-p.nxb", &b), NX_FMT_ENXB_PAYLOAD_MISMATCH);
}

static void test_nxb_payload_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	struct nx_nxb b;
	make_bundle("cap-p.nxb");
	/* Sparse files: the size check happens before any byte is read. */
	resize("cap-p.nxb", NX_BUNDLE_PAYLOAD, NX_PAYLOAD_MAX);
	assert_int_equal(verify("cap-p.nxb", &b), NX_FMT_ENXB_PAYLOAD_MISMATCH);
	resize("cap-p.nxb", NX_BUNDLE_PAYLOAD, NX_PAYLOAD_MAX + 1);
	assert_int_equal(verify("cap-p.nxb", &b), NX_FMT_ENXB_PAYLOAD_SIZE);
}

static void test_nxb_manifest_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	struct nx_nxb b;
	make_bundle("cap-m.nxb");
	resize("cap-m.nxb", NX_BUNDLE_MANIFEST, NX_MANIFEST_MAX);
	assert_int_equal(verify("cap-m.nxb", &b), NX_FMT_EBADSIG);
	resize("cap-m.nxb", NX_BUNDLE_MANIFEST, NX_MANIFEST_MAX + 1);
	assert_int_equal(verify("cap-m.nxb", &b), NX_FMT_ENXB_MANIFEST_SIZE);
}

static void test_nxb_symlink_member_refused(void **state)
{
	(void)state;
	struct nx_nxb b;
	char p[512], target[512];
	make_bundle("link.nxb");
	path_of(p, sizeof(p), "link.nxb", NX_BUNDLE_PAYLOAD);
	path_of(target, sizeof(target), "payload.src", NULL);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(verify("link.nxb", &b), NX_FMT_ENXB_TYPE);
}

static void test_nxb_fifo_member_refused_without_blocking(void **state)
{
	(void)state;
	struct nx_nxb b;
	char p[512];
	make_bundle("fifo.nxb");
	path_of(p, sizeof(p), "fifo.nxb", NX_BUNDLE_MANIFEST);
	unlink(p);
	assert_int_equal(mkfifo(p, 0644), 0);
	assert_int_equal(verify("fifo.nxb", &b), NX_FMT_ENXB_TYPE);
}

static void test_nxb_extra_or_missing_entry_refused(void **state)
{
	(void)state;
	struct nx_nxb b;
	char p[512];
	make_bundle("extra.nxb");
	path_of(p, sizeof(p), "extra.nxb", "notes.txt");
	fclose(fopen(p, "w"));
	assert_int_equal(verify("extra.nxb", &b), NX_FMT_ENXB_EXTRA);
	make_bundle("missing.nxb");
	path_of(p, sizeof(p), "missing.nxb", NX_BUNDLE_PAYLOAD);
	unlink(p);
	assert_int_equal(verify("missing.nxb", &b), NX_FMT_ENXB_MEMBER);
}

static void test_nxb_parse_refused_before_signature(void **state)
{
	(void)state;
	struct nx_nxb b;
	struct nx_fmt_err e;
	char p[512];
	make_bundle("order.nxb");
	path_of(p, sizeof(p), "order.nxb", NULL);
	int dfd = open(p, O_RDONLY | O_DIRECTORY);
	assert_int_equal(nx_nxb_open(&b, dfd, &e), 0);
	close(dfd);
	assert_int_equal(nx_nxb_parse(&b, &e), NX_FMT_EINVAL);
	assert_int_equal(nx_nxb_payload_copy(&b, -1, &e), NX_FMT_EINVAL);
	assert_int_equal(nx_nxb_verify_sig(&b, &trust, &e), 0);
	assert_int_equal(nx_nxb_parse(&b, &e), 0);
	assert_int_equal(nx_nxb_payload_copy(&b, -1, &e), 0);
	nx_nxb_close(&b);
}

static int entries(void)
{
	int n = 0;
	DIR *d = opendir(root);
	for (struct dirent *de; (de = readdir(d));)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_nxb_write_is_all_or_nothing(void **state)
{
	(void)state;
	struct nx_sig sig = {{0}, {0}};
	struct nx_fmt_err e;
	int before;
	make_bundle("exists.nxb");
	before = entries();
	int pfd = open(root, O_RDONLY | O_DIRECTORY); /* a payload read that fails: EISDIR */
	assert_int_equal(nx_nxb_write(root_fd, "fails.nxb", "m", 1, &sig, pfd, &e), NX_FMT_EIO);
	assert_int_equal(nx_nxb_write(root_fd, "exists.nxb", "m", 1, &sig, pfd, &e),
			 NX_FMT_ENXB_EXISTS);
	assert_int_equal(nx_nxb_write(root_fd, "../up.nxb", "m", 1, &sig, pfd, &e), NX_FMT_EINVAL);
	close(pfd);
	assert_int_equal(entries(), before);
	/* No hidden stage directory left either. */
	DIR *d = opendir(root);
	for (struct dirent *de; (de = readdir(d));)
		assert_true(strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    de->d_name[0] != '.');
	closedir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nxb_written_bundle_verifies_and_copies_its_payload),
	    cmocka_unit_test(test_nxb_unsigned_refused),
	    cmocka_unit_test(test_nxb_untrusted_key_refused),
	    cmocka_unit_test(test_nxb_flipped_byte_in_each_member_refused),
	    cmocka_unit_test(test_nxb_truncations_refused),
	    cmocka_unit_test(test_nxb_payload_cap_at_limit_and_one_past),
	    cmocka_unit_test(test_nxb_manifest_cap_at_limit_and_one_past),
	    cmocka_unit_test(test_nxb_symlink_member_refused),
	    cmocka_unit_test(test_nxb_fifo_member_refused_without_blocking),
	    cmocka_unit_test(test_nxb_extra_or_missing_entry_refused),
	    cmocka_unit_test(test_nxb_parse_refused_before_signature),
	    cmocka_unit_test(test_nxb_write_is_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
