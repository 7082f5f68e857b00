/*
 * The .nxs system set (formats/nxs_read.h, nxs_write.h) on sets built
 * here with a fresh key: the writer's output is deterministic and reads
 * back bundle by bundle; every refusal class of the reader has its own
 * test, on an archive written member by member with libarchive (or
 * patched byte by byte where libarchive cannot write the fault); every
 * limit at N and N+1; the writer refuses before writing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "keyfile.h"
#include "nxs_read.h"
#include "nxs_test_index.h"
#include "nxs_write.h"
#include "nexus/err.h"

#define TS_MS 1700000000123ULL /* the sets' timestamp: tar mtime 1700000000 */
#define PAYLOAD_LEN 3000       /* bytes of each bundle's payload unless a test says */
#define MEMBERS_MAX (NX_NXS_BUNDLES_MAX * NX_NXS_BUNDLE_MEMBERS + 16)

static struct nx_pubkey pub, other_pub;
static struct nx_seckey sec, other_sec;
static struct nx_trust trust;

/* ---- a set in memory ---- */

struct tbundle {
	uint8_t manifest[NX_MANIFEST_MAX];
	size_t mlen;
	struct nx_sig sig;
	uint8_t *payload; /* NULL: plen zero bytes */
	size_t plen;
};

struct tset {
	struct nx_nxs_index ix;
	uint8_t index[NX_NXS_INDEX_MAX + 1];
	size_t index_len;
	struct nx_sig index_sig;
	struct tbundle b[NX_NXS_BUNDLES_MAX];
};

static struct tset S;

static void sign_manifest(size_t i, const struct nx_manifest *m, const struct nx_seckey *key)
{
	struct tbundle *b = &S.b[i];
	assert_int_equal(nx_manifest_encode(m, b->manifest, sizeof(b->manifest), &b->mlen, NULL),
			 0);
	assert_int_equal(nx_sig_sign(key, b->manifest, b->mlen, &b->sig), 0);
	crypto_hash_sha256(S.ix.bundles[i].manifest_sha256, b->manifest, b->mlen);
}

/* Bundle i's manifest as it should be: name and version of its entry, its payload's digest. */
static void good_manifest(size_t i, struct nx_manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->schema_version = NX_MANIFEST_SCHEMA_VERSION;
	strcpy(m->name, S.ix.bundles[i].name);
	strcpy(m->semver, S.ix.bundles[i].version);
	m->payload_size = S.b[i].plen;
	memcpy(m->payload_digest, S.ix.bundles[i].payload_sha256, NX_DIGEST_LEN);
}

static void payload_digest(size_t i)
{
	struct tbundle *b = &S.b[i];
	if (b->payload) {
		crypto_hash_sha256(S.ix.bundles[i].payload_sha256, b->payload, b->plen);
		return;
	}
	uint8_t *zeros = calloc(1, b->plen);
	assert_non_null(zeros);
	crypto_hash_sha256(S.ix.bundles[i].payload_sha256, zeros, b->plen);
	free(zeros);
}

/* Encodes S.ix and signs it with key (the publisher's unless a test says). */
static void seal_index_with(const struct nx_seckey *key)
{
	assert_int_equal(nx_nxs_index_encode(&S.ix, S.index, sizeof(S.index), &S.index_len, NULL),
			 0);
	assert_int_equal(nx_sig_sign(key, S.index, S.index_len, &S.index_sig), 0);
}

static void seal_index(void)
{
	seal_index_with(&sec);
}

static void free_set(void)
{
	for (size_t i = 0; i < NX_NXS_BUNDLES_MAX; i++) {
		free(S.b[i].payload);
		S.b[i].payload = NULL;
	}
}

/* n bundles "b000".. with payloads of plen bytes (zeros when zero_payloads), signed by sec. */
static void make_set_sized(size_t n, size_t plen, int zero_payloads)
{
	struct nx_manifest m;
	free_set();
	memset(&S.ix, 0, sizeof(S.ix));
	S.ix.schema_version = NX_NXS_SCHEMA_VERSION;
	strcpy(S.ix.system_version, "1.0.0");
	memcpy(S.ix.publisher, pub.pk, sizeof(pub.pk));
	S.ix.timestamp_unix_ms = TS_MS;
	S.ix.n_bundles = n;
	strcpy(S.ix.health_check, "b000");
	for (size_t i = 0; i < n; i++) {
		struct tbundle *b = &S.b[i];
		snprintf(S.ix.bundles[i].name, sizeof(S.ix.bundles[i].name), "b%03zu", i);
		strcpy(S.ix.bundles[i].version, "1.0.0");
		b->plen = plen;
		if (!zero_payloads) {
			assert_non_null(b->payload = malloc(plen));
			for (size_t j = 0; j < plen; j++)
				b->payload[j] = (uint8_t)(i * 7 + j * 13);
		}
		S.ix.bundles[i].payload_size = plen;
		payload_digest(i);
		good_manifest(i, &m);
		sign_manifest(i, &m, &sec);
	}
	seal_index();
}

static void make_set(size_t n)
{
	make_set_sized(n, PAYLOAD_LEN, 0);
}

/* ---- the archive, member by member ---- */

struct tmember {
	char path[256];
	const uint8_t *data;
	size_t len;
	mode_t type;	  /* AE_IFREG, AE_IFLNK, AE_IFDIR, AE_IFCHR, AE_IFIFO */
	const char *link; /* symlink target, or hard link target when hardlink */
	int hardlink;
};

static struct tmember M[MEMBERS_MAX];
static size_t nm;
static uint8_t sigfiles[NX_NXS_BUNDLES_MAX + 1][NX_SIG_FILE_SIZE];

static void add(const char *path, const void *data, size_t len)
{
	assert_true(nm < MEMBERS_MAX);
	M[nm] = (struct tmember){.data = data, .len = len, .type = AE_IFREG};
	snprintf(M[nm++].path, sizeof(M[0].path), "%s", path);
}

/* The members of S in the order the index implies. */
static void set_members(void)
{
	char p[NX_NXS_MEMBER_PATH_MAX];
	nm = 0;
	add(NX_NXS_INDEX_NAME, S.index, S.index_len);
	nx_sig_format(&S.index_sig, sigfiles[0]);
	add(NX_NXS_SIG_NAME, sigfiles[0], NX_SIG_FILE_SIZE);
	for (size_t i = 0; i < S.ix.n_bundles; i++) {
		nx_nxs_member_path(&S.ix, nm, p);
		add(p, S.b[i].manifest, S.b[i].mlen);
		nx_sig_format(&S.b[i].sig, sigfiles[i + 1]);
		nx_nxs_member_path(&S.ix, nm, p);
		add(p, sigfiles[i + 1], NX_SIG_FILE_SIZE);
		nx_nxs_member_path(&S.ix, nm, p);
		add(p, S.b[i].payload, S.b[i].plen);
	}
}

static void drop(size_t k)
{
	memmove(&M[k], &M[k + 1], (nm - k - 1) * sizeof(M[0]));
	nm--;
}

static void insert(size_t at, struct tmember m)
{
	memmove(&M[at + 1], &M[at], (nm - at) * sizeof(M[0]));
	M[at] = m;
	nm++;
}

static void swap(size_t a, size_t b)
{
	struct tmember t = M[a];
	M[a] = M[b];
	M[b] = t;
}

static struct tmember special(const char *path, mode_t type, const char *link)
{
	struct tmember m = {.type = type, .link = link};
	snprintf(m.path, sizeof(m.path), "%s", path);
	return m;
}

/* M written as ustar (or pax, to test that it is refused) into a fresh memfd. */
static int write_members_as(int format)
{
	static const uint8_t zeros[64 << 10];
	int fd = memfd_create("nxs", MFD_CLOEXEC);
	struct archive *a = archive_write_new();
	struct archive_entry *en = archive_entry_new();
	assert_true(fd >= 0);
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
	assert_int_equal(archive_write_open_fd(a, fd), ARCHIVE_OK);
	for (size_t k = 0; k < nm; k++) {
		archive_entry_clear(en);
		archive_entry_set_pathname(en, M[k].path);
		archive_entry_set_filetype(en, M[k].type);
		archive_entry_set_perm(en, NX_NXS_MEMBER_MODE);
		/* A pax writer records sub-second mtimes in an extended header. */
		archive_entry_set_mtime(en, (time_t)(TS_MS / 1000),
					format == ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE ? 5 : 0);
		if (M[k].type == AE_IFLNK)
			archive_entry_set_symlink(en, M[k].link);
		if (M[k].hardlink)
			archive_entry_set_hardlink(en, M[k].link);
		if (M[k].type == AE_IFCHR)
			archive_entry_set_rdev(en, makedev(1, 3));
		archive_entry_set_size(
		    en, M[k].type == AE_IFREG && !M[k].hardlink ? (la_int64_t)M[k].len : 0);
		assert_int_equal(archive_write_header(a, en), ARCHIVE_OK);
		for (size_t done = 0; M[k].type == AE_IFREG && done < M[k].len;) {
			size_t n =
			    M[k].len - done < sizeof(zeros) ? M[k].len - done : sizeof(zeros);
			const void *from = M[k].data ? M[k].data + done : zeros;
			assert_int_equal(archive_write_data(a, from, n), (la_ssize_t)n);
			done += n;
		}
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(en);
	return fd;
}

static int write_members(void)
{
	return write_members_as(ARCHIVE_FORMAT_TAR_USTAR);
}

/* Payload fds for the writer: a memfd per bundle (a sparse one for zero payloads). */
static void payload_fds(struct nx_nxs_wbundle *wb)
{
	for (size_t i = 0; i < S.ix.n_bundles; i++) {
		int fd = memfd_create("payload", MFD_CLOEXEC);
		assert_true(fd >= 0);
		if (S.b[i].payload)
			assert_int_equal(write(fd, S.b[i].payload, S.b[i].plen),
					 (ssize_t)S.b[i].plen);
		else
			assert_int_equal(ftruncate(fd, (off_t)S.b[i].plen), 0);
		wb[i] = (struct nx_nxs_wbundle){S.b[i].manifest, S.b[i].mlen, &S.b[i].sig, fd};
	}
}

static void close_fds(struct nx_nxs_wbundle *wb, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(wb[i].payload_fd);
}

/* S through the real writer into a memfd; the writer's result in *r. */
static int write_set(int *r, struct nx_fmt_err *e)
{
	static struct nx_nxs_wbundle wb[NX_NXS_BUNDLES_MAX];
	int fd = memfd_create("nxs", MFD_CLOEXEC);
	assert_true(fd >= 0);
	payload_fds(wb);
	*r = nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, S.ix.n_bundles, e);
	close_fds(wb, S.ix.n_bundles);
	return fd;
}

static uint8_t *file_bytes(int fd, size_t *len)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	uint8_t *b = malloc((size_t)st.st_size + 1);
	assert_non_null(b);
	assert_int_equal(pread(fd, b, (size_t)st.st_size, 0), st.st_size);
	*len = (size_t)st.st_size;
	return b;
}

/* ---- reading ---- */

/* keystored's outcomes from the local trust set, counting calls. */
struct verifier {
	int calls;
	size_t last_len;
};

static int local_verify(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
			size_t cap)
{
	struct verifier *v = ctx;
	int code = nx_trust_verify(&trust, msg, len, sig, NULL);
	v->calls++;
	v->last_len = len;
	if (code == NX_FMT_EUNTRUSTED) {
		snprintf(why, cap, "signed by untrusted key");
		return -NX_ESRCH;
	}
	if (code) {
		snprintf(why, cap, "signature does not verify");
		return -NX_EPERM;
	}
	return 0;
}

/* What the sink saw: every bundle checked against S as it arrives. */
struct sink_log {
	size_t n;
	size_t refuse_at; /* refuse the bundle with this index (SIZE_MAX: none) */
};

static int check_bundle(void *ctx, const struct nx_nxs_index *ix, const struct nx_nxs_bundle *b,
			char *why, size_t cap)
{
	struct sink_log *log = ctx;
	uint8_t sig[NX_SIG_FILE_SIZE];
	assert_int_equal(b->index, log->n);
	assert_ptr_equal(b->entry, &ix->bundles[b->index]);
	assert_string_equal(b->entry->name, S.ix.bundles[b->index].name);
	assert_string_equal(b->manifest->name, b->entry->name);
	assert_int_equal(b->manifest_len, S.b[b->index].mlen);
	assert_memory_equal(b->manifest_bytes, S.b[b->index].manifest, b->manifest_len);
	nx_sig_format(&S.b[b->index].sig, sig);
	assert_memory_equal(b->sig_bytes, sig, sizeof(sig));
	assert_int_equal(b->payload_size, S.b[b->index].plen);
	if (S.b[b->index].payload)
		assert_memory_equal(b->payload, S.b[b->index].payload, b->payload_size);
	log->n++;
	if (b->index == log->refuse_at) {
		snprintf(why, cap, "staging area full");
		return -NX_ENOSPC;
	}
	return 0;
}

static struct verifier V;
static struct sink_log L;
static struct nx_fmt_err E;

static int read_fd(int fd)
{
	static struct nx_nxs_index out;
	struct nx_nxs_sigcheck sc = {&V, local_verify};
	struct nx_nxs_sink sink = {&L, check_bundle, NULL};
	memset(&V, 0, sizeof(V));
	memset(&E, 0, sizeof(E));
	L = (struct sink_log){0, SIZE_MAX};
	int r = nx_nxs_read(fd, &sc, &sink, &out, &E);
	if (r) {
		assert_int_equal(E.code, r);
		assert_null(strchr(E.msg, '\n'));
	} else {
		assert_memory_equal(&out, &S.ix, sizeof(out));
		assert_int_equal(L.n, S.ix.n_bundles);
	}
	return r;
}

/* M written and read: the code, and the message must contain `says`. */
static void expect(int code, const char *says)
{
	int fd = write_members();
	int r = read_fd(fd);
	close(fd);
	if (r != code)
		fail_msg("want %d (%s), got %d: %s", code, nx_fmt_strerror(code), r, E.msg);
	if (says && !strstr(E.msg, says))
		fail_msg("message \"%s\" lacks \"%s\"", E.msg, says);
}

/* Offset of member k's header in fd (members of M: sizes known). */
static off_t header_at(size_t k)
{
	off_t at = 0;
	for (size_t j = 0; j < k; j++)
		at += NX_NXS_TAR_BLOCK + (off_t)((M[j].len + NX_NXS_TAR_BLOCK - 1) /
						 NX_NXS_TAR_BLOCK * NX_NXS_TAR_BLOCK);
	return at;
}

/* Overwrites bytes of member k's header and fixes its checksum. */
static void patch_header(int fd, size_t k, size_t field, const void *bytes, size_t len)
{
	uint8_t h[NX_NXS_TAR_BLOCK];
	unsigned sum = 0;
	off_t at = header_at(k);
	assert_int_equal(pread(fd, h, sizeof(h), at), sizeof(h));
	memcpy(h + field, bytes, len);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	assert_int_equal(pwrite(fd, h, sizeof(h), at), sizeof(h));
}

static int setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	assert_int_equal(nx_sig_keygen("test", &pub, &sec, NULL), 0);
	assert_int_equal(nx_sig_keygen("other", &other_pub, &other_sec, NULL), 0);
	trust.n = 0;
	assert_int_equal(nx_trust_add(&trust, &pub, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_set();
	return 0;
}

/* ---- the writer ---- */

/* A ustar numeric field: octal digits, ended by a space or NUL. */
static unsigned long long octal(const uint8_t *field, size_t len)
{
	char text[16] = {0};
	memcpy(text, field, len);
	return strtoull(text, NULL, 8);
}

static void test_nxs_written_set_reads_back_bundle_by_bundle(void **state)
{
	(void)state;
	int r;
	make_set(3);
	int fd = write_set(&r, &E);
	assert_int_equal(r, 0);
	assert_int_equal(read_fd(fd), 0);
	assert_int_equal(L.n, 3);
	assert_int_equal(V.calls, 4); /* the index and each bundle's manifest */
	/* Read twice, the same verdict: nothing in the reader depends on the first read. */
	assert_int_equal(read_fd(fd), 0);
	close(fd);
}

static void test_nxs_write_is_deterministic_with_fixed_headers(void **state)
{
	(void)state;
	size_t len1, len2, len3;
	int r;
	make_set(2);
	int fd1 = write_set(&r, &E), fd2 = write_set(&r, &E);
	uint8_t *a = file_bytes(fd1, &len1), *b = file_bytes(fd2, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(a, b, len1);
	/* The test's own libarchive writer with the documented fields gives the same bytes. */
	set_members();
	int fd3 = write_members();
	uint8_t *c = file_bytes(fd3, &len3);
	assert_int_equal(len1, len3);
	assert_memory_equal(a, c, len1);
	/* The documented header fields, member by member. */
	for (size_t k = 0; k < nm; k++) {
		const uint8_t *h = a + header_at(k);
		assert_int_equal(octal(h + 100, 8), NX_NXS_MEMBER_MODE);
		assert_int_equal(octal(h + 108, 8), 0); /* uid */
		assert_int_equal(octal(h + 116, 8), 0); /* gid */
		assert_int_equal(octal(h + 136, 12), TS_MS / 1000);
		assert_int_equal(h[156], '0');
		assert_memory_equal(h + 257,
				    "ustar\0"
				    "00",
				    8);
		assert_int_equal(h[265], 0); /* uname */
		assert_int_equal(h[297], 0); /* gname */
	}
	/* No padding past the two zero end blocks. */
	assert_int_equal(len1, header_at(nm) + NX_NXS_TAR_END);
	free(a);
	free(b);
	free(c);
	close(fd1);
	close(fd2);
	close(fd3);
}

static void test_nxs_write_refuses_before_writing(void **state)
{
	(void)state;
	static struct nx_nxs_wbundle wb[2];
	struct stat st;
	int fd = memfd_create("nxs", MFD_CLOEXEC);
	make_set(2);
	payload_fds(wb);
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 1, &E),
			 NX_FMT_EINVAL);
	struct nx_sig wrong = S.index_sig;
	memcpy(wrong.key_id, other_pub.id, NX_SIG_KEYID_LEN);
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &wrong, wb, 2, &E),
			 NX_FMT_ENXS_PUBLISHER);
	wb[1].manifest = S.b[0].manifest;
	wb[1].manifest_len = S.b[0].mlen;
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 2, &E),
			 NX_FMT_ENXS_MANIFEST_DIGEST);
	assert_non_null(strstr(E.msg, "b001.nxb/manifest.nxb"));
	wb[1].manifest_len = 0;
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 2, &E),
			 NX_FMT_ENXS_MEMBER_SIZE);
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len - 8, &S.index_sig, wb, 2, &E),
			 NX_FMT_ECAPNP_BOUNDS);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close_fds(wb, 2);
	close(fd);
}

static void test_nxs_write_refuses_a_payload_that_changed(void **state)
{
	(void)state;
	static struct nx_nxs_wbundle wb[2];
	int fd = memfd_create("nxs", MFD_CLOEXEC);
	uint8_t c = 0x5a;
	make_set(2);
	payload_fds(wb);
	assert_int_equal(pwrite(wb[1].payload_fd, &c, 1, 7), 1);
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 2, &E),
			 NX_FMT_ENXS_PAYLOAD_MISMATCH);
	assert_non_null(strstr(E.msg, "b001.nxb/payload.elf: SHA-256"));
	assert_int_equal(ftruncate(wb[1].payload_fd, PAYLOAD_LEN - 1), 0);
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 2, &E),
			 NX_FMT_ENXS_PAYLOAD_MISMATCH);
	assert_int_equal(ftruncate(wb[1].payload_fd, PAYLOAD_LEN + 1), 0);
	assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 2, &E),
			 NX_FMT_ENXS_PAYLOAD_MISMATCH);
	assert_non_null(strstr(E.msg, "longer"));
	close_fds(wb, 2);
	close(fd);
}

static void test_nxs_write_timestamp_at_limit_and_one_past(void **state)
{
	(void)state;
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	struct stat st;
	int r;
	make_set(1);
	S.ix.timestamp_unix_ms = NX_NXS_TIMESTAMP_MS_MAX;
	seal_index();
	int fd = write_set(&r, &E);
	assert_int_equal(r, 0);
	assert_int_equal(archive_read_support_format_tar(a), ARCHIVE_OK);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(archive_read_open_fd(a, fd, 10240), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &en), ARCHIVE_OK);
	assert_int_equal(archive_entry_mtime(en), (time_t)NX_NXS_MTIME_MAX);
	archive_read_free(a);
	close(fd);
	S.ix.timestamp_unix_ms = NX_NXS_TIMESTAMP_MS_MAX + 1;
	seal_index();
	fd = write_set(&r, &E);
	assert_int_equal(r, NX_FMT_ERANGE);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
}

/*
 * Two bundles whose payloads make the archive exactly NX_NXS_ARCHIVE_MAX
 * bytes; one payload byte more is the smallest archive over it (tar sizes
 * go in 512-byte blocks). Payloads are sparse zeros, the output /dev/null.
 */
static void test_nxs_write_archive_size_at_limit_and_one_past(void **state)
{
	(void)state;
	static struct nx_nxs_wbundle wb[2];
	struct nx_manifest m;
	uint64_t fixed;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	make_set_sized(2, NX_NXS_TAR_BLOCK, 1);
	payload_fds(wb);
	fixed = nx_nxs_archive_size(&S.ix, S.index_len, wb) - 2 * NX_NXS_TAR_BLOCK;
	close_fds(wb, 2);
	S.b[0].plen = NX_PAYLOAD_MAX;
	S.b[1].plen = (size_t)(NX_NXS_ARCHIVE_MAX - fixed - NX_PAYLOAD_MAX);
	for (size_t extra = 0; extra < 2; extra++) {
		S.b[1].plen += extra;
		for (size_t i = 0; i < 2; i++) {
			S.ix.bundles[i].payload_size = S.b[i].plen;
			payload_digest(i);
			good_manifest(i, &m);
			sign_manifest(i, &m, &sec);
		}
		seal_index();
		payload_fds(wb);
		assert_int_equal(nx_nxs_archive_size(&S.ix, S.index_len, wb),
				 extra ? NX_NXS_ARCHIVE_MAX + NX_NXS_TAR_BLOCK
				       : NX_NXS_ARCHIVE_MAX);
		assert_int_equal(nx_nxs_write(fd, S.index, S.index_len, &S.index_sig, wb, 2, &E),
				 extra ? NX_FMT_ENXS_ARCHIVE_SIZE : 0);
		close_fds(wb, 2);
	}
	close(fd);
}

/* ---- the reader: a valid set, and how it is used ---- */

static void test_nxs_read_sink_refusal_stops_the_read(void **state)
{
	(void)state;
	struct nx_nxs_sigcheck sc = {&V, local_verify};
	struct nx_nxs_sink sink = {&L, check_bundle, NULL};
	static struct nx_nxs_index out;
	make_set(3);
	set_members();
	int fd = write_members();
	memset(&V, 0, sizeof(V));
	L = (struct sink_log){0, 1};
	assert_int_equal(nx_nxs_read(fd, &sc, &sink, &out, &E), NX_FMT_ENXS_STAGE);
	assert_string_equal(E.msg, "b001.nxb: staging area full");
	assert_int_equal(L.n, 2);
	/* No sink at all: the set is still verified in full. */
	assert_int_equal(nx_nxs_read(fd, &sc, NULL, &out, &E), 0);
	close(fd);
}

static void test_nxs_read_leaves_the_fd_offset_and_refuses_a_pipe(void **state)
{
	(void)state;
	int p[2];
	make_set(1);
	set_members();
	int fd = write_members();
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	assert_int_equal(read_fd(fd), 0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 5);
	close(fd);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(read_fd(p[0]), NX_FMT_EINVAL);
	close(p[0]);
	close(p[1]);
}

static void test_nxs_read_bundle_count_at_limit_and_one_past(void **state)
{
	(void)state;
	static uint8_t over[NX_NXS_INDEX_ENCODED_MAX + 4096];
	make_set_sized(NX_NXS_BUNDLES_MAX, 16, 0);
	set_members();
	expect(0, NULL);
	assert_int_equal(L.n, NX_NXS_BUNDLES_MAX);
	/* N+1: the signed index lists 257 bundles; refused before any bundle member. */
	S.index_len = nxs_test_index_over_max(over, sizeof(over), pub.pk);
	memcpy(S.index, over, S.index_len);
	assert_int_equal(nx_sig_sign(&sec, S.index, S.index_len, &S.index_sig), 0);
	set_members();
	nm = 2;
	expect(NX_FMT_ENXS_BUNDLES, "system.nxsindex: bundles: 257 entries");
}

/* ---- the reader: each refusal class ---- */

static void test_nxs_read_unsigned_set_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	drop(1);
	expect(NX_FMT_ENXS_UNSIGNED, "system.sig.ed25519: missing (the set is unsigned)");
	assert_int_equal(V.calls, 0);
	nm = 1;
	expect(NX_FMT_ENXS_UNSIGNED, "system.sig.ed25519");
}

static void test_nxs_read_invalid_signature_refused(void **state)
{
	(void)state;
	make_set(2);
	S.index_sig.sig[10] ^= 1;
	set_members();
	expect(NX_FMT_ENXS_BADSIG, "system.sig.ed25519: signature does not verify");
	assert_int_equal(L.n, 0);
	/* Signed by a key the caller does not trust (and named as publisher). */
	memcpy(S.ix.publisher, other_pub.pk, sizeof(other_pub.pk));
	seal_index_with(&other_sec);
	set_members();
	expect(NX_FMT_ENXS_BADSIG, "untrusted");
}

/* Garbage in the index with a bad signature: refused for the signature, never parsed. */
static void test_nxs_read_signature_checked_before_index_parsed(void **state)
{
	(void)state;
	make_set(1);
	memset(S.index, 0xff, S.index_len);
	S.index_sig.sig[0] ^= 1;
	set_members();
	expect(NX_FMT_ENXS_BADSIG, "system.sig.ed25519");
	assert_int_equal(V.calls, 1);
	assert_int_equal(V.last_len, S.index_len);
	/* Signed, the same garbage reaches the decoder, which refuses it. */
	assert_int_equal(nx_sig_sign(&sec, S.index, S.index_len, &S.index_sig), 0);
	set_members();
	expect(NX_FMT_ECAPNP_POINTER, "system.nxsindex: ");
}

static void test_nxs_read_key_id_not_the_publishers_refused(void **state)
{
	(void)state;
	make_set(2);
	memcpy(S.ix.publisher, other_pub.pk, sizeof(other_pub.pk));
	seal_index(); /* signed by the trusted key, which the index does not name */
	set_members();
	expect(NX_FMT_ENXS_PUBLISHER, "not the index's publisher");
}

static void test_nxs_read_mismatched_manifest_digest_refused(void **state)
{
	(void)state;
	make_set(2);
	S.b[1].manifest[S.b[1].mlen - 1] ^= 1;
	set_members();
	expect(NX_FMT_ENXS_MANIFEST_DIGEST, "b001.nxb/manifest.nxb: SHA-256 differs");
	assert_int_equal(L.n, 1);
	assert_int_equal(V.calls, 2); /* the index, b000; not b001's manifest */
}

static void test_nxs_read_mismatched_payload_digest_refused(void **state)
{
	(void)state;
	make_set(2);
	S.b[1].payload[100] ^= 1;
	set_members();
	expect(NX_FMT_ENXS_PAYLOAD_MISMATCH,
	       "b001.nxb/payload.elf: SHA-256 differs from the index");
	assert_int_equal(L.n, 1);
}

static void test_nxs_read_mismatched_payload_size_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	M[nm - 1].len--;
	expect(NX_FMT_ENXS_PAYLOAD_MISMATCH,
	       "b001.nxb/payload.elf: 2999 bytes, the index says 3000");
	S.ix.bundles[0].payload_size++;
	seal_index();
	set_members();
	expect(NX_FMT_ENXS_PAYLOAD_MISMATCH,
	       "b000.nxb/payload.elf: 3000 bytes, the index says 3001");
}

/* bundlemgrd's own checks: the payload against the manifest, index and manifest disagreeing. */
static void test_nxs_read_payload_disagreeing_with_its_manifest_refused(void **state)
{
	(void)state;
	struct nx_manifest m;
	make_set(2);
	good_manifest(1, &m);
	m.payload_size++;
	sign_manifest(1, &m, &sec);
	seal_index();
	set_members();
	expect(NX_FMT_ENXB_PAYLOAD_MISMATCH, "b001.nxb/payload.elf: 3000 bytes, the manifest says");
	good_manifest(1, &m);
	m.payload_digest[0] ^= 1;
	sign_manifest(1, &m, &sec);
	seal_index();
	set_members();
	expect(NX_FMT_ENXB_DIGEST, "b001.nxb/payload.elf: SHA-256 differs from the manifest");
}

/* A sparse memfd: the size check runs on fstat before a byte is read. */
static void test_nxs_read_archive_size_at_limit_and_one_past(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	int fd = write_members();
	assert_int_equal(ftruncate(fd, (off_t)NX_NXS_ARCHIVE_MAX), 0);
	assert_int_equal(read_fd(fd), 0);
	assert_int_equal(ftruncate(fd, (off_t)NX_NXS_ARCHIVE_MAX + 1), 0);
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_ARCHIVE_SIZE);
	assert_int_equal(V.calls, 0);
	close(fd);
}

static void test_nxs_read_index_size_at_limit_and_one_past(void **state)
{
	(void)state;
	make_set(1);
	memset(S.index, 0, sizeof(S.index));
	for (size_t extra = 0; extra < 2; extra++) {
		S.index_len = NX_NXS_INDEX_MAX + extra;
		assert_int_equal(nx_sig_sign(&sec, S.index, S.index_len, &S.index_sig), 0);
		set_members();
		/* At the cap it is read, verified, and refused by the decoder's own message cap. */
		expect(extra ? NX_FMT_ENXS_INDEX_SIZE : NX_FMT_ECAPNP_SIZE, "system.nxsindex");
		assert_int_equal(V.calls, !extra);
	}
	S.index_len = 0;
	set_members();
	expect(NX_FMT_ENXS_INDEX_SIZE, "system.nxsindex: 0 bytes");
}

static void test_nxs_read_extra_member_refused(void **state)
{
	(void)state;
	static const uint8_t junk[] = "junk";
	make_set(2);
	set_members();
	insert(5, M[0]);
	snprintf(M[5].path, sizeof(M[5].path), "junk");
	M[5].data = junk;
	M[5].len = sizeof(junk) - 1;
	expect(NX_FMT_ENXS_EXTRA,
	       "junk: not a member of this set (b001.nxb/manifest.nxb expected)");
	set_members();
	insert(nm, M[0]);
	snprintf(M[nm - 1].path, sizeof(M[0].path), "b001.nxb/extra");
	expect(NX_FMT_ENXS_EXTRA, "b001.nxb/extra: after the last member");
	set_members();
	insert(3, M[2]);
	snprintf(M[3].path, sizeof(M[3].path), "b000.nxb/README");
	expect(NX_FMT_ENXS_EXTRA, "b000.nxb/README");
	/* Longer than any member path can be. */
	memset(M[3].path, 'a', NX_NXS_MEMBER_PATH_MAX);
	M[3].path[NX_NXS_MEMBER_PATH_MAX] = 0;
	expect(NX_FMT_ENXS_EXTRA, "...: not a member of this set");
}

static void test_nxs_read_missing_member_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	drop(4);
	expect(NX_FMT_ENXS_MISSING,
	       "b000.nxb/payload.elf: missing (b001.nxb/manifest.nxb in its place)");
	set_members();
	drop(nm - 1);
	expect(NX_FMT_ENXS_MISSING, "b001.nxb/payload.elf: missing");
	set_members();
	drop(0);
	expect(NX_FMT_ENXS_MISSING, "system.nxsindex: missing");
	nm = 0;
	expect(NX_FMT_ENXS_MISSING, "system.nxsindex: missing");
}

static void test_nxs_read_duplicate_member_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	insert(3, M[2]);
	expect(NX_FMT_ENXS_DUPLICATE, "b000.nxb/manifest.nxb: a second time, as member 4");
	set_members();
	insert(nm, M[nm - 1]);
	expect(NX_FMT_ENXS_DUPLICATE, "b001.nxb/payload.elf: a second time, as member 9");
	set_members();
	insert(2, M[0]);
	expect(NX_FMT_ENXS_DUPLICATE, "system.nxsindex: a second time");
}

static void test_nxs_read_reordered_members_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	swap(2, 3);
	expect(NX_FMT_ENXS_ORDER, "b000.nxb/manifest.sig: member 3, before b000.nxb/manifest.nxb");
	set_members();
	for (size_t k = 0; k < 3; k++)
		swap(2 + k, 5 + k);
	expect(NX_FMT_ENXS_ORDER, "b001.nxb/manifest.nxb: member 3, before b000.nxb/manifest.nxb");
	set_members();
	swap(0, 1);
	expect(NX_FMT_ENXS_ORDER, "system.sig.ed25519: member 1, before system.nxsindex");
	set_members();
	swap(1, 2);
	expect(NX_FMT_ENXS_ORDER, "before system.sig.ed25519");
}

static void test_nxs_read_symlink_member_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	M[4] = special("b000.nxb/payload.elf", AE_IFLNK, "/etc/passwd");
	expect(NX_FMT_ENXS_SYMLINK, "b000.nxb/payload.elf: a symbolic link");
}

static void test_nxs_read_hardlink_member_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	M[7] = special("b001.nxb/payload.elf", AE_IFREG, "b000.nxb/payload.elf");
	M[7].hardlink = 1;
	expect(NX_FMT_ENXS_HARDLINK, "b001.nxb/payload.elf: a hard link");
}

static void test_nxs_read_directory_entry_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	insert(2, special("b000.nxb", AE_IFDIR, NULL));
	expect(NX_FMT_ENXS_DIRECTORY, "b000.nxb/: a directory entry");
}

static void test_nxs_read_device_or_fifo_member_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	M[4] = special("b000.nxb/payload.elf", AE_IFCHR, NULL);
	expect(NX_FMT_ENXS_SPECIAL, "b000.nxb/payload.elf: not a regular file (typeflag '3'");
	M[4] = special("b000.nxb/payload.elf", AE_IFIFO, NULL);
	expect(NX_FMT_ENXS_SPECIAL, "typeflag '6'");
	M[4] = special("b000.nxb/payload.elf", AE_IFBLK, NULL);
	expect(NX_FMT_ENXS_SPECIAL, "typeflag '4'");
}

static void test_nxs_read_absolute_path_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	snprintf(M[0].path, sizeof(M[0].path), "/system.nxsindex");
	expect(NX_FMT_ENXS_PATH_ABSOLUTE, "/system.nxsindex: an absolute path");
}

static void test_nxs_read_dotdot_path_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	snprintf(M[2].path, sizeof(M[2].path), "b000.nxb/../b000.nxb/manifest.nxb");
	expect(NX_FMT_ENXS_PATH_DOTDOT, "a \"..\" segment");
	snprintf(M[2].path, sizeof(M[2].path), "..");
	expect(NX_FMT_ENXS_PATH_DOTDOT, NULL);
}

static void test_nxs_read_empty_path_segment_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	snprintf(M[2].path, sizeof(M[2].path), "b000.nxb//manifest.nxb");
	expect(NX_FMT_ENXS_PATH_EMPTY, "\"b000.nxb//manifest.nxb\": an empty segment");
}

/* libarchive cannot write a NUL inside a name: patch the header and its checksum. */
static void test_nxs_read_nul_in_path_refused(void **state)
{
	(void)state;
	static const char name[] = "system.nxsindex\0evil";
	make_set(2);
	set_members();
	int fd = write_members();
	patch_header(fd, 0, 0, name, sizeof(name));
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_PATH_NUL);
	assert_non_null(strstr(E.msg, "member 1: \"system.nxsindex\": bytes after a NUL"));
	close(fd);
}

static void test_nxs_read_pax_gnu_and_broken_tar_refused(void **state)
{
	(void)state;
	static const uint8_t gnu_magic[8] = "ustar  ";
	static const uint8_t garbage = 1;
	make_set(2);
	set_members();
	int fd = write_members_as(ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE);
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_TAR);
	assert_non_null(strstr(E.msg, "member 1: a pax extended header"));
	close(fd);
	fd = write_members();
	patch_header(fd, 3, 257, gnu_magic, sizeof(gnu_magic));
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_TAR);
	assert_non_null(strstr(E.msg, "member 4: not a plain ustar header"));
	close(fd);
	/* An empty file; a byte after the end blocks; the end blocks cut off; a broken checksum. */
	fd = memfd_create("empty", MFD_CLOEXEC);
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_TAR);
	assert_non_null(strstr(E.msg, "not a tar archive"));
	close(fd);
	fd = write_members();
	off_t end = lseek(fd, 0, SEEK_END);
	assert_int_equal(pwrite(fd, &garbage, 1, end + 100), 1);
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_TAR);
	assert_non_null(strstr(E.msg, "after the last member"));
	assert_int_equal(ftruncate(fd, end - NX_NXS_TAR_BLOCK), 0);
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_TAR);
	assert_non_null(strstr(E.msg, "end blocks"));
	assert_int_equal(pwrite(fd, &garbage, 1, header_at(2) + 10), 1);
	assert_int_equal(read_fd(fd), NX_FMT_ENXS_TAR);
	assert_non_null(strstr(E.msg, "member 3"));
	close(fd);
}

static void test_nxs_read_bundle_manifest_signature_bad_refused(void **state)
{
	(void)state;
	struct nx_manifest m;
	make_set(2);
	S.b[1].sig.sig[5] ^= 1;
	set_members();
	expect(NX_FMT_ENXS_BUNDLE_SIG, "b001.nxb/manifest.sig: signature does not verify");
	assert_int_equal(L.n, 1);
	/* Signed by an untrusted key; and garbage signed badly is refused before it is parsed. */
	good_manifest(1, &m);
	sign_manifest(1, &m, &other_sec);
	seal_index();
	set_members();
	expect(NX_FMT_ENXS_BUNDLE_SIG, "untrusted");
	memset(S.b[1].manifest, 0xee, S.b[1].mlen);
	crypto_hash_sha256(S.ix.bundles[1].manifest_sha256, S.b[1].manifest, S.b[1].mlen);
	seal_index();
	set_members();
	expect(NX_FMT_ENXS_BUNDLE_SIG, "b001.nxb/manifest.sig");
	assert_int_equal(nx_sig_sign(&sec, S.b[1].manifest, S.b[1].mlen, &S.b[1].sig), 0);
	set_members();
	expect(NX_FMT_ECAPNP_FAR, "b001.nxb/manifest.nxb: ");
}

static void test_nxs_read_bundle_name_or_version_not_the_index_refused(void **state)
{
	(void)state;
	struct nx_manifest m;
	make_set(2);
	strcpy(S.ix.bundles[1].version, "1.0.1");
	good_manifest(1, &m);
	strcpy(m.semver, "1.0.0");
	sign_manifest(1, &m, &sec);
	seal_index();
	set_members();
	expect(NX_FMT_ENXS_BUNDLE_MISMATCH, "b001.nxb/manifest.nxb: b001@1.0.0, the index says "
					    "b001@1.0.1");
	make_set(2);
	good_manifest(1, &m);
	strcpy(m.name, "b001x");
	sign_manifest(1, &m, &sec);
	seal_index();
	set_members();
	expect(NX_FMT_ENXS_BUNDLE_MISMATCH, "b001x@1.0.0, the index says b001@1.0.0");
}

static void test_nxs_read_signature_member_size_refused(void **state)
{
	(void)state;
	make_set(2);
	set_members();
	M[1].len = NX_SIG_FILE_SIZE - 1;
	expect(NX_FMT_ESIGFILE, "system.sig.ed25519: 73 bytes, want 74");
	set_members();
	M[6].len = NX_SIG_FILE_SIZE + 1;
	M[6].data = NULL;
	expect(NX_FMT_ESIGFILE, "b001.nxb/manifest.sig: 75 bytes");
}

static void test_nxs_read_manifest_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	make_set(1);
	set_members();
	for (size_t extra = 0; extra < 2; extra++) {
		M[2].len = NX_MANIFEST_MAX + extra;
		M[2].data = NULL;
		expect(extra ? NX_FMT_ENXS_MEMBER_SIZE : NX_FMT_ENXS_MANIFEST_DIGEST,
		       "b000.nxb/manifest.nxb: ");
	}
	M[2].len = 0;
	expect(NX_FMT_ENXS_MEMBER_SIZE, "b000.nxb/manifest.nxb: 0 bytes");
}

static void test_nxs_read_payload_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	make_set(1);
	set_members();
	for (size_t extra = 0; extra < 2; extra++) {
		M[4].len = NX_PAYLOAD_MAX + extra;
		M[4].data = NULL;
		/* At the cap the size is compared with the index's (before a byte is read). */
		expect(extra ? NX_FMT_ENXS_MEMBER_SIZE : NX_FMT_ENXS_PAYLOAD_MISMATCH,
		       "b000.nxb/payload.elf: ");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nxs_written_set_reads_back_bundle_by_bundle),
	    cmocka_unit_test(test_nxs_write_is_deterministic_with_fixed_headers),
	    cmocka_unit_test(test_nxs_write_refuses_before_writing),
	    cmocka_unit_test(test_nxs_write_refuses_a_payload_that_changed),
	    cmocka_unit_test(test_nxs_write_timestamp_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_write_archive_size_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_read_sink_refusal_stops_the_read),
	    cmocka_unit_test(test_nxs_read_leaves_the_fd_offset_and_refuses_a_pipe),
	    cmocka_unit_test(test_nxs_read_bundle_count_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_read_unsigned_set_refused),
	    cmocka_unit_test(test_nxs_read_invalid_signature_refused),
	    cmocka_unit_test(test_nxs_read_signature_checked_before_index_parsed),
	    cmocka_unit_test(test_nxs_read_key_id_not_the_publishers_refused),
	    cmocka_unit_test(test_nxs_read_mismatched_manifest_digest_refused),
	    cmocka_unit_test(test_nxs_read_mismatched_payload_digest_refused),
	    cmocka_unit_test(test_nxs_read_mismatched_payload_size_refused),
	    cmocka_unit_test(test_nxs_read_payload_disagreeing_with_its_manifest_refused),
	    cmocka_unit_test(test_nxs_read_archive_size_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_read_index_size_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_read_extra_member_refused),
	    cmocka_unit_test(test_nxs_read_missing_member_refused),
	    cmocka_unit_test(test_nxs_read_duplicate_member_refused),
	    cmocka_unit_test(test_nxs_read_reordered_members_refused),
	    cmocka_unit_test(test_nxs_read_symlink_member_refused),
	    cmocka_unit_test(test_nxs_read_hardlink_member_refused),
	    cmocka_unit_test(test_nxs_read_directory_entry_refused),
	    cmocka_unit_test(test_nxs_read_device_or_fifo_member_refused),
	    cmocka_unit_test(test_nxs_read_absolute_path_refused),
	    cmocka_unit_test(test_nxs_read_dotdot_path_refused),
	    cmocka_unit_test(test_nxs_read_empty_path_segment_refused),
	    cmocka_unit_test(test_nxs_read_nul_in_path_refused),
	    cmocka_unit_test(test_nxs_read_pax_gnu_and_broken_tar_refused),
	    cmocka_unit_test(test_nxs_read_bundle_manifest_signature_bad_refused),
	    cmocka_unit_test(test_nxs_read_bundle_name_or_version_not_the_index_refused),
	    cmocka_unit_test(test_nxs_read_signature_member_size_refused),
	    cmocka_unit_test(test_nxs_read_manifest_cap_at_limit_and_one_past),
	    cmocka_unit_test(test_nxs_read_payload_cap_at_limit_and_one_past),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
