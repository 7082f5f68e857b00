/*
 * bundlemgrd's operations (daemons/bundlemgrd/bm_ops.c, bm_verify.c) on
 * bundles made here with formats/ and a fresh key: install, every
 * refusal leaving nothing behind, downgrade refusal, upgrade, a failure
 * injected at every step of the commit, and the sealed payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "nexus/state.h"
#include "bm_faulty_io.h"
#include "bm.h"
#include "keyfile.h"
#include "manifest.h"
#include "nxb.h"
#include "nexus/err.h"
#include "nexus/svc.h"
#include "nexus/svc_bundle.h"

static struct nx_pubkey pub, other_pub;
static struct nx_seckey sec, other_sec;
static struct nx_trust trust;
static uint8_t *elf;
static size_t elf_len;

struct fixture {
	char dir[64];
	int state_fd, src_fd;
	struct bm bm;
};

/* The local stand-in for keystored: the same outcomes, from a trust set. */
static int local_verify(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
			size_t cap)
{
	struct nx_fmt_err e = {0};
	(void)ctx;
	int code = nx_trust_verify(&trust, msg, len, sig, &e);
	if (code == NX_FMT_EUNTRUSTED) {
		snprintf(why, cap, "signed by untrusted key");
		return -NX_ESRCH;
	}
	if (code != 0) {
		snprintf(why, cap, "signature does not verify");
		return -NX_EPERM;
	}
	return 0;
}

static int group_setup(void **state)
{
	struct nx_fmt_err e = {0};
	char path[256];
	struct stat st;
	(void)state;

	assert_true(sodium_init() >= 0);
	assert_int_equal(nx_sig_keygen("test only", &pub, &sec, &e), 0);
	assert_int_equal(nx_sig_keygen("untrusted", &other_pub, &other_sec, &e), 0);
	trust.n = 0;
	assert_int_equal(nx_trust_add(&trust, &pub, &e), 0);
	const char *build = getenv("NX_BUILD");
	snprintf(path, sizeof(path), "%s/payloads/exit42.elf", build ? build : "build");
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	elf_len = (size_t)st.st_size;
	elf = malloc(elf_len);
	assert_int_equal(read(fd, elf, elf_len), elf_len);
	close(fd);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	nx_seckey_wipe(&sec);
	nx_seckey_wipe(&other_sec);
	free(elf);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/test_bm_ops.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	int root = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(mkdirat(root, "state", 0700), 0);
	assert_int_equal(mkdirat(root, "src", 0700), 0);
	f->state_fd = openat(root, "state", O_RDONLY | O_DIRECTORY);
	f->src_fd = openat(root, "src", O_RDONLY | O_DIRECTORY);
	close(root);
	assert_int_equal(bstore_open(&f->bm.store, f->state_fd, NX_STATE_SLOT_A,
				     NX_BUNDLE_STAGING_DIR, &bstore_io_host, NULL, NULL),
			 0);
	f->bm.sig.verify = local_verify;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	bstore_close(&f->bm.store);
	close(f->state_fd);
	close(f->src_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Write src/<dir>: a bundle of name@version holding payload, signed by key. */
static void make_bundle(struct fixture *f, const char *dir, const char *name, const char *version,
			const uint8_t *payload, size_t len, const struct nx_seckey *key)
{
	static struct nx_manifest m;
	static uint8_t buf[NX_MANIFEST_MAX];
	struct nx_fmt_err e = {0};
	struct nx_sig sig;
	size_t mlen;

	memset(&m, 0, sizeof(m));
	m.schema_version = NX_MANIFEST_SCHEMA_VERSION;
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.semver, sizeof(m.semver), "%s", version);
	snprintf(m.min_sdk, sizeof(m.min_sdk), "0.1.0");
	m.bundle_type = NX_BUNDLE_APP;
	m.payload_kind = NX_PAYLOAD_ELF;
	m.payload_size = len;
	crypto_hash_sha256(m.payload_digest, payload, len);
	assert_int_equal(nx_manifest_encode(&m, buf, sizeof(buf), &mlen, &e), 0);
	assert_int_equal(nx_sig_sign(key, buf, mlen, &sig), 0);
	int pfd = memfd_create("payload", 0);
	assert_int_equal(write(pfd, payload, len), len);
	assert_int_equal(nx_nxb_write(f->src_fd, dir, buf, mlen, &sig, pfd, &e), 0);
	close(pfd);
}

static int install(struct fixture *f, const char *dir, char *id, char *msg)
{
	int dfd = openat(f->src_fd, dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	int err = bm_install(&f->bm, dfd, dir, id, msg, NX_ERRMSG_MAX);
	close(dfd);
	return err;
}

static int entries(int state_fd, const char *sub, char *names, size_t cap)
{
	int fd = openat(state_fd, sub, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int n = 0;
	if (names)
		names[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			n++;
			if (names && strlen(names) + strlen(de->d_name) + 2 < cap) {
				strcat(names, de->d_name);
				strcat(names, ";");
			}
		}
	closedir(d);
	return n;
}

static void assert_nothing_installed(struct fixture *f)
{
	assert_int_equal(entries(f->state_fd, NX_STATE_SLOT_A, NULL, 0), 0);
	assert_int_equal(entries(f->state_fd, NX_BUNDLE_STAGING_DIR, NULL, 0), 0);
}

static void flip(int dirfd, const char *path, off_t off)
{
	uint8_t b;
	int fd = openat(dirfd, path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0xff;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

static void test_bm_install_commits_verified_bundle(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX], names[256];

	make_bundle(f, "a.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	assert_string_equal(id, "test.exit42@1.0.0");
	assert_int_equal(entries(f->state_fd, NX_STATE_SLOT_A, names, sizeof(names)), 1);
	assert_string_equal(names, "test.exit42@1.0.0;");
	assert_int_equal(entries(f->state_fd, "slot-a/test.exit42@1.0.0", NULL, 0), 3);
	assert_int_equal(entries(f->state_fd, NX_BUNDLE_STAGING_DIR, NULL, 0), 0);
}

/* refused DIR ERR WORDS: install must fail with ERR, name the bundle and WORDS, leave nothing. */
static void refused(struct fixture *f, const char *dir, int want, const char *words)
{
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX];

	assert_int_equal(install(f, dir, id, msg), want);
	if (strstr(msg, words) == NULL || strstr(msg, dir) == NULL)
		fail_msg("%s: message '%s' lacks '%s' or the bundle name", dir, msg, words);
	assert_nothing_installed(f);
}

static void test_bm_install_refuses_unsigned(void **state)
{
	struct fixture *f = *state;
	make_bundle(f, "u.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(unlinkat(f->src_fd, "u.nxb/manifest.sig", 0), 0);
	refused(f, "u.nxb", -NX_EPERM, "manifest.sig");
}

static void test_bm_install_refuses_untrusted_key(void **state)
{
	struct fixture *f = *state;
	make_bundle(f, "k.nxb", "test.exit42", "1.0.0", elf, elf_len, &other_sec);
	refused(f, "k.nxb", -NX_EPERM, "untrusted key");
}

static void test_bm_install_refuses_flipped_manifest(void **state)
{
	struct fixture *f = *state;
	make_bundle(f, "m.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	flip(f->src_fd, "m.nxb/manifest.nxb", 20);
	refused(f, "m.nxb", -NX_EPERM, "signature does not verify");
}

static void test_bm_install_refuses_flipped_signature(void **state)
{
	struct fixture *f = *state;
	make_bundle(f, "s.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	flip(f->src_fd, "s.nxb/manifest.sig", NX_SIG_FILE_SIZE - 1);
	refused(f, "s.nxb", -NX_EPERM, "signature does not verify");
}

static void test_bm_install_refuses_flipped_payload(void **state)
{
	struct fixture *f = *state;
	make_bundle(f, "p.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	flip(f->src_fd, "p.nxb/payload.elf", 200);
	refused(f, "p.nxb", -NX_EINVAL, "SHA-256");
}

static void test_bm_install_refuses_truncated_manifest(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	make_bundle(f, "t.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(fstatat(f->src_fd, "t.nxb/manifest.nxb", &st, 0), 0);
	int fd = openat(f->src_fd, "t.nxb/manifest.nxb", O_WRONLY);
	assert_int_equal(ftruncate(fd, st.st_size - 8), 0);
	close(fd);
	refused(f, "t.nxb", -NX_EPERM, "signature does not verify");
}

static void test_bm_install_refuses_payload_over_cap(void **state)
{
	struct fixture *f = *state;
	make_bundle(f, "o.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	int fd = openat(f->src_fd, "o.nxb/payload.elf", O_WRONLY);
	assert_int_equal(ftruncate(fd, (off_t)NX_PAYLOAD_MAX + 1), 0);
	close(fd);
	refused(f, "o.nxb", -NX_EMSGSIZE, "payload.elf");
}

static void test_bm_install_refuses_malformed_elf(void **state)
{
	struct fixture *f = *state;
	uint8_t *bad = malloc(elf_len);
	memcpy(bad, elf, elf_len);
	bad[18] = 0x3e; /* e_machine = EM_X86_64 */
	make_bundle(f, "e.nxb", "test.exit42", "1.0.0", bad, elf_len, &sec);
	free(bad);
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX];
	assert_int_equal(install(f, "e.nxb", id, msg), -NX_EINVAL);
	assert_non_null(strstr(msg, "NXL_E_MACHINE"));
	assert_non_null(strstr(msg, "test.exit42"));
	assert_nothing_installed(f);
}

static void test_bm_install_refuses_downgrade(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX], names[256];

	make_bundle(f, "new.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	make_bundle(f, "old.nxb", "test.exit42", "0.9.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "new.nxb", id, msg), 0);
	assert_int_equal(install(f, "old.nxb", id, msg), -NX_EEXIST);
	assert_non_null(strstr(msg, "downgrade"));
	assert_non_null(strstr(msg, "0.9.0"));
	entries(f->state_fd, NX_STATE_SLOT_A, names, sizeof(names));
	assert_string_equal(names, "test.exit42@1.0.0;");
	assert_int_equal(entries(f->state_fd, NX_BUNDLE_STAGING_DIR, NULL, 0), 0);
}

static void test_bm_install_same_version(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX];
	uint8_t *other = malloc(elf_len);

	make_bundle(f, "a.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	/* The identical bundle again: nothing to change, accepted. */
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	assert_string_equal(id, "test.exit42@1.0.0");
	/* Different bytes under the same version: refused like a downgrade. */
	memcpy(other, elf, elf_len);
	other[elf_len - 1] ^= 1;
	make_bundle(f, "b.nxb", "test.exit42", "1.0.0", other, elf_len, &sec);
	free(other);
	assert_int_equal(install(f, "b.nxb", id, msg), -NX_EEXIST);
	assert_non_null(strstr(msg, "downgrade"));
}

static void test_bm_install_upgrade_replaces_older(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX], names[256];

	make_bundle(f, "a.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	make_bundle(f, "b.nxb", "test.exit42", "1.10.0", elf, elf_len, &sec);
	make_bundle(f, "c.nxb", "test.exit42", "1.9.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	assert_int_equal(install(f, "b.nxb", id, msg), 0);
	entries(f->state_fd, NX_STATE_SLOT_A, names, sizeof(names));
	assert_string_equal(names, "test.exit42@1.10.0;");
	/* 1.9.0 < 1.10.0 by SemVer precedence, though not by string order. */
	assert_int_equal(install(f, "c.nxb", id, msg), -NX_EEXIST);
}

static void test_bm_install_failed_step_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX];

	make_bundle(f, "a.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	f->bm.store.io = &bm_io_faulty;
	bm_faulty = (struct bm_faulty){.err = ENOSPC, .short_writes = 0};
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	int total = bm_faulty.calls;
	assert_int_equal(bm_uninstall(&f->bm, "test.exit42", msg, sizeof(msg)), 1);
	for (int k = 1; k <= total; k++) {
		bm_faulty.calls = 0;
		bm_faulty.fail_at = k;
		assert_int_equal(install(f, "a.nxb", id, msg), -NX_ENOSPC);
		assert_non_null(strstr(msg, "test.exit42@1.0.0"));
		assert_nothing_installed(f);
	}
	bm_faulty.calls = 0;
	bm_faulty.fail_at = total + 1;
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
}

static void test_bm_get_payload_is_sealed_verified_bytes(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX];
	uint64_t size = 0;
	struct nx_bundle_payload caps = {~0u, ~0u};

	make_bundle(f, "a.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	int fd = bm_get_payload(&f->bm, "test.exit42", id, &size, &caps, msg, sizeof(msg));
	assert_true(fd >= 0);
	assert_string_equal(id, "test.exit42@1.0.0");
	assert_int_equal(size, elf_len);
	assert_int_equal(caps.caps, 0); /* its manifest lists no capability */
	assert_int_equal(caps.kind, NX_BUNDLE_KIND_ELF);
	assert_int_equal(fcntl(fd, F_GET_SEALS), NX_BUNDLE_SEALS);
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_memory_equal(p, elf, elf_len);
	munmap(p, size);
	assert_ptr_equal(mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), MAP_FAILED);
	assert_int_equal(pwrite(fd, "x", 1, 0), -1);
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, 0), -1); /* F_SEAL_SEAL: no seal changes */
	close(fd);
}

static void test_bm_get_payload_reverifies_installed_bytes(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX];
	uint64_t size = 0;
	struct nx_bundle_payload caps;

	make_bundle(f, "a.nxb", "test.exit42", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	flip(f->state_fd, "slot-a/test.exit42@1.0.0/payload.elf", 300);
	assert_int_equal(bm_get_payload(&f->bm, "test.exit42", id, &size, &caps, msg, sizeof(msg)),
			 -NX_EINVAL);
	assert_non_null(strstr(msg, "SHA-256"));
	assert_int_equal(bm_get_payload(&f->bm, "absent", id, &size, &caps, msg, sizeof(msg)),
			 -NX_ESRCH);
}

static void test_bm_list_and_uninstall(void **state)
{
	struct fixture *f = *state;
	char id[BM_ID_MAX], msg[NX_ERRMSG_MAX], buf[256];
	size_t len = 0;

	make_bundle(f, "b.nxb", "test.b", "2.0.0", elf, elf_len, &sec);
	make_bundle(f, "a.nxb", "test.a", "1.0.0", elf, elf_len, &sec);
	assert_int_equal(install(f, "b.nxb", id, msg), 0);
	assert_int_equal(install(f, "a.nxb", id, msg), 0);
	assert_int_equal(bm_list(&f->bm, buf, sizeof(buf), &len, msg, sizeof(msg)), 2);
	assert_int_equal(len, strlen("test.a@1.0.0\ntest.b@2.0.0\n"));
	assert_memory_equal(buf, "test.a@1.0.0\ntest.b@2.0.0\n", len);
	assert_int_equal(bm_list(&f->bm, buf, 10, &len, msg, sizeof(msg)), -NX_EMSGSIZE);
	assert_int_equal(bm_uninstall(&f->bm, "test.a", msg, sizeof(msg)), 1);
	assert_int_equal(bm_uninstall(&f->bm, "test.a", msg, sizeof(msg)), -NX_ESRCH);
	assert_int_equal(bm_list(&f->bm, buf, sizeof(buf), &len, msg, sizeof(msg)), 1);
	assert_int_equal(entries(f->state_fd, NX_BUNDLE_STAGING_DIR, NULL, 0), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_bm_install_commits_verified_bundle),
	    T(test_bm_install_refuses_unsigned),
	    T(test_bm_install_refuses_untrusted_key),
	    T(test_bm_install_refuses_flipped_manifest),
	    T(test_bm_install_refuses_flipped_signature),
	    T(test_bm_install_refuses_flipped_payload),
	    T(test_bm_install_refuses_truncated_manifest),
	    T(test_bm_install_refuses_payload_over_cap),
	    T(test_bm_install_refuses_malformed_elf),
	    T(test_bm_install_refuses_downgrade),
	    T(test_bm_install_same_version),
	    T(test_bm_install_upgrade_replaces_older),
	    T(test_bm_install_failed_step_leaves_nothing),
	    T(test_bm_get_payload_is_sealed_verified_bytes),
	    T(test_bm_get_payload_reverifies_installed_bytes),
	    T(test_bm_list_and_uninstall),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
