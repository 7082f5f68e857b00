/*
 * The .nxs writer (nxs_write.h): every check that can refuse runs before
 * the first byte; then libarchive writes ustar members in the order
 * nx_nxs_member_path() defines, with every header field fixed, so the
 * same inputs give the same bytes.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"
#include "fmt_fail.h"
#include "nxs_write.h"

#define NXS_COPY_CHUNK (64U << 10) /* bytes of payload read, hashed and written at a time */

/* The output: fd, or nothing more once the write has failed. */
struct out {
	int fd;
	bool failed;
};

static la_ssize_t out_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct out *o = ctx;
	if (o->failed)
		return (la_ssize_t)len;
	if (nxf_write_all(o->fd, buf, len)) {
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	return (la_ssize_t)len;
}

static uint64_t member_blocks(uint64_t size)
{
	return NX_NXS_TAR_BLOCK +
	       (size + NX_NXS_TAR_BLOCK - 1) / NX_NXS_TAR_BLOCK * NX_NXS_TAR_BLOCK;
}

uint64_t nx_nxs_archive_size(const struct nx_nxs_index *ix, size_t index_len,
			     const struct nx_nxs_wbundle *bundles)
{
	uint64_t total =
	    member_blocks(index_len) + member_blocks(NX_SIG_FILE_SIZE) + NX_NXS_TAR_END;
	for (size_t i = 0; i < ix->n_bundles; i++)
		total += member_blocks(bundles[i].manifest_len) + member_blocks(NX_SIG_FILE_SIZE) +
			 member_blocks(ix->bundles[i].payload_size);
	return total;
}

/* Everything that can refuse the set, before a byte is written. */
static int precheck(const struct nx_nxs_index *ix, size_t index_len, const struct nx_sig *sig,
		    const struct nx_nxs_wbundle *bundles, size_t n, struct nx_fmt_err *e)
{
	uint8_t id[NX_SIG_KEYID_LEN], digest[NX_DIGEST_LEN];
	uint64_t total;
	if (n != ix->n_bundles)
		return nx_fmt_fail(e, NX_FMT_EINVAL, "%zu bundles given, the index lists %zu", n,
				   ix->n_bundles);
	nx_sig_key_id(ix->publisher, id);
	if (memcmp(id, sig->key_id, sizeof(id)))
		return nx_fmt_fail(e, NX_FMT_ENXS_PUBLISHER,
				   "%s: signing key is not the index's publisher", NX_NXS_SIG_NAME);
	if (ix->timestamp_unix_ms > NX_NXS_TIMESTAMP_MS_MAX)
		return nx_fmt_fail(e, NX_FMT_ERANGE,
				   "timestampUnixMs %llu: a ustar mtime holds at most %llu",
				   (unsigned long long)ix->timestamp_unix_ms,
				   (unsigned long long)NX_NXS_TIMESTAMP_MS_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct nx_nxs_entry *b = &ix->bundles[i];
		if (bundles[i].manifest_len == 0 || bundles[i].manifest_len > NX_MANIFEST_MAX)
			return nx_fmt_fail(
			    e, NX_FMT_ENXS_MEMBER_SIZE, "%s.nxb/%s: %zu bytes, want 1..%u", b->name,
			    NX_BUNDLE_MANIFEST, bundles[i].manifest_len, (unsigned)NX_MANIFEST_MAX);
		crypto_hash_sha256(digest, bundles[i].manifest, bundles[i].manifest_len);
		if (memcmp(digest, b->manifest_sha256, sizeof(digest)))
			return nx_fmt_fail(e, NX_FMT_ENXS_MANIFEST_DIGEST,
					   "%s.nxb/%s: SHA-256 differs from the index's", b->name,
					   NX_BUNDLE_MANIFEST);
	}
	if ((total = nx_nxs_archive_size(ix, index_len, bundles)) > NX_NXS_ARCHIVE_MAX)
		return nx_fmt_fail(
		    e, NX_FMT_ENXS_ARCHIVE_SIZE, "the set would take %llu bytes, at most %llu",
		    (unsigned long long)total, (unsigned long long)NX_NXS_ARCHIVE_MAX);
	return 0;
}

static int la_fail(struct archive *a, const char *path, struct nx_fmt_err *e)
{
	const char *why = archive_error_string(a);
	return nx_fmt_fail(e, NX_FMT_EIO, "writing %s: %s", path, why ? why : "libarchive failed");
}

/* A fixed ustar header: only the path and size vary. */
static int header(struct archive *a, struct archive_entry *en, const char *path, uint64_t size,
		  time_t mtime, struct nx_fmt_err *e)
{
	archive_entry_clear(en);
	archive_entry_set_pathname(en, path);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, NX_NXS_MEMBER_MODE);
	archive_entry_set_size(en, (la_int64_t)size);
	archive_entry_set_mtime(en, mtime, 0);
	archive_entry_set_uid(en, 0);
	archive_entry_set_gid(en, 0);
	return archive_write_header(a, en) == ARCHIVE_OK ? 0 : la_fail(a, path, e);
}

static int put_bytes(struct archive *a, struct archive_entry *en, const char *path, const void *buf,
		     size_t len, time_t mtime, struct nx_fmt_err *e)
{
	int r = header(a, en, path, len, mtime, e);
	if (!r && archive_write_data(a, buf, len) != (la_ssize_t)len)
		r = la_fail(a, path, e);
	return r;
}

/* payload.elf from its fd: exactly the index's size, hashing to the index's digest. */
static int put_payload(struct archive *a, struct archive_entry *en, const char *path,
		       const struct nx_nxs_entry *b, int fd, time_t mtime, struct nx_fmt_err *e)
{
	crypto_hash_sha256_state st;
	uint8_t digest[NX_DIGEST_LEN], *chunk;
	uint64_t done = 0;
	int r;
	if ((r = header(a, en, path, b->payload_size, mtime, e)))
		return r;
	if (!(chunk = malloc(NXS_COPY_CHUNK)))
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "%s: out of memory", path);
	crypto_hash_sha256_init(&st);
	while (!r && done <= b->payload_size) {
		/* One byte more than the size is asked for, to see a payload that grew. */
		uint64_t want = b->payload_size + 1 - done;
		ssize_t got = pread(
		    fd, chunk, want < NXS_COPY_CHUNK ? (size_t)want : NXS_COPY_CHUNK, (off_t)done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			r = nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", path, strerror(errno));
		else if (got == 0)
			break;
		else if ((done += (uint64_t)got) > b->payload_size)
			r = nx_fmt_fail(e, NX_FMT_ENXS_PAYLOAD_MISMATCH,
					"%s: longer than the index's %llu bytes", path,
					(unsigned long long)b->payload_size);
		else if (archive_write_data(a, chunk, (size_t)got) != got)
			r = la_fail(a, path, e);
		else
			crypto_hash_sha256_update(&st, chunk, (size_t)got);
	}
	free(chunk);
	if (r)
		return r;
	if (done != b->payload_size)
		return nx_fmt_fail(e, NX_FMT_ENXS_PAYLOAD_MISMATCH,
				   "%s: %llu bytes, the index says %llu", path,
				   (unsigned long long)done, (unsigned long long)b->payload_size);
	crypto_hash_sha256_final(&st, digest);
	if (memcmp(digest, b->payload_sha256, sizeof(digest)))
		return nx_fmt_fail(e, NX_FMT_ENXS_PAYLOAD_MISMATCH,
				   "%s: SHA-256 differs from the index's", path);
	return 0;
}

/* One member k of the set, bytes from wherever nx_nxs_member_path() says it comes. */
static int put_member(struct archive *a, struct archive_entry *en, const struct nx_nxs_index *ix,
		      size_t k, const void *index, size_t index_len, const struct nx_sig *index_sig,
		      const struct nx_nxs_wbundle *bundles, struct nx_fmt_err *e)
{
	time_t mtime = (time_t)(ix->timestamp_unix_ms / 1000);
	uint8_t sig[NX_SIG_FILE_SIZE];
	char path[NX_NXS_MEMBER_PATH_MAX];
	nx_nxs_member_path(ix, k, path);
	if (k == 0)
		return put_bytes(a, en, path, index, index_len, mtime, e);
	if (k == 1) {
		nx_sig_format(index_sig, sig);
		return put_bytes(a, en, path, sig, sizeof(sig), mtime, e);
	}
	size_t i = (k - NX_NXS_HEAD_MEMBERS) / NX_NXS_BUNDLE_MEMBERS;
	switch ((k - NX_NXS_HEAD_MEMBERS) % NX_NXS_BUNDLE_MEMBERS) {
	case 0:
		return put_bytes(a, en, path, bundles[i].manifest, bundles[i].manifest_len, mtime,
				 e);
	case 1:
		nx_sig_format(bundles[i].sig, sig);
		return put_bytes(a, en, path, sig, sizeof(sig), mtime, e);
	default:
		return put_payload(a, en, path, &ix->bundles[i], bundles[i].payload_fd, mtime, e);
	}
}

static int put_members(struct archive *a, const struct nx_nxs_index *ix, const void *index,
		       size_t index_len, const struct nx_sig *index_sig,
		       const struct nx_nxs_wbundle *bundles, struct nx_fmt_err *e)
{
	struct archive_entry *en = archive_entry_new();
	int r = 0;
	if (!en)
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "libarchive: out of memory");
	for (size_t k = 0; !r && k < nx_nxs_members(ix->n_bundles); k++)
		r = put_member(a, en, ix, k, index, index_len, index_sig, bundles, e);
	archive_entry_free(en);
	return r;
}

int nx_nxs_write(int fd, const void *index, size_t index_len, const struct nx_sig *index_sig,
		 const struct nx_nxs_wbundle *bundles, size_t n, struct nx_fmt_err *e)
{
	struct nx_nxs_index *ix = malloc(sizeof(*ix));
	struct out o = {fd, false};
	struct archive *a = NULL;
	int r;
	if (!ix || sodium_init() < 0) {
		r = nx_fmt_fail(e, NX_FMT_ENOMEM, "system set: cannot set up the writer");
		goto out;
	}
	if ((r = nx_nxs_index_decode(index, index_len, ix, e)) ||
	    (r = precheck(ix, index_len, index_sig, bundles, n, e)))
		goto out;
	if (!(a = archive_write_new()) || archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, &o, NULL, out_write, NULL, NULL) != ARCHIVE_OK) {
		r = nx_fmt_fail(e, NX_FMT_ENOMEM, "libarchive: cannot set up a ustar writer");
		goto out;
	}
	if ((r = put_members(a, ix, index, index_len, index_sig, bundles, e)))
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK)
		r = la_fail(a, "the end of the archive", e);
out:
	/*
	 * free closes the archive (and frees its buffers): after a failure the
	 * end blocks it writes go nowhere. (archive_write_fail would skip the
	 * close, but libarchive 3.6 then leaks the output buffer.)
	 */
	o.failed = r != 0;
	if (a)
		archive_write_free(a);
	free(ix);
	return r;
}
