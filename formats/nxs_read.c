/*
 * The .nxs reader, in the order nxs_read.h gives: the archive's size
 * before any byte, each header before its data, the index signature
 * before the index is parsed, each bundle's signature before its manifest
 * is parsed, sizes before payload bytes. The member sequence is checked
 * against the one nx_nxs_member_path() defines, so a refusal can say
 * what is wrong: extra, missing, duplicate or out of order.
 */
#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fmt_fail.h"
#include "nxs_read.h"
#include "nxs_tar.h"

struct reader {
	struct nxs_tar t;
	const struct nx_nxs_sigcheck *sc;
	const struct nx_nxs_sink *sink;
	struct nx_nxs_index *ix; /* valid once `verified` */
	bool verified;		 /* ix decoded from a verified index: all members are known */
	size_t k;		 /* the member read next, from 0 */
	struct nx_fmt_err *e;
};

/* "member: detail", so a refusal from a decoder names the member it is about. */
static int prefixed(struct nx_fmt_err *e, int code, const char *member)
{
	char detail[NX_FMT_MSG_MAX];
	if (!e)
		return code;
	memcpy(detail, e->msg, sizeof(detail));
	return nx_fmt_fail(e, code, "%s: %s", member, detail);
}

static size_t members_known(const struct reader *r)
{
	return r->verified ? nx_nxs_members(r->ix->n_bundles) : NX_NXS_HEAD_MEMBERS;
}

/* Is path member j of the set, for some j in [from, to)? */
static bool is_member(const struct reader *r, const char *path, size_t from, size_t to)
{
	char want[NX_NXS_MEMBER_PATH_MAX];
	for (size_t j = from; j < to && j < members_known(r); j++) {
		nx_nxs_member_path(r->ix, j, want);
		if (!strcmp(want, path))
			return true;
	}
	return false;
}

/* The current member is not `want`, member k: say which way it is wrong. */
static int misplaced(struct reader *r, const char *want)
{
	char got[NX_NXS_MEMBER_PATH_MAX];
	if (strlen(r->t.path) >= sizeof(got))
		return nx_fmt_fail(r->e, NX_FMT_ENXS_EXTRA, "%.*s...: not a member of this set",
				   NXS_TAR_PATH_SHOWN, r->t.path);
	/* A copy: looking ahead below reads other headers over r->t.path. */
	strcpy(got, r->t.path);
	if (is_member(r, got, 0, r->k))
		return nx_fmt_fail(r->e, NX_FMT_ENXS_DUPLICATE, "%s: a second time, as member %zu",
				   got, r->k + 1);
	/* Before the index is known any name may be a later member. */
	if (!r->verified || is_member(r, got, r->k + 1, members_known(r))) {
		if (nxs_tar_follows(&r->t, want))
			return nx_fmt_fail(r->e, NX_FMT_ENXS_ORDER,
					   "%s: member %zu, before %s, which comes first", got,
					   r->k + 1, want);
		if (r->k == 1)
			return nx_fmt_fail(r->e, NX_FMT_ENXS_UNSIGNED,
					   "%s: missing (the set is unsigned)", want);
		return nx_fmt_fail(r->e, NX_FMT_ENXS_MISSING, "%s: missing (%s in its place)", want,
				   got);
	}
	return nx_fmt_fail(r->e, NX_FMT_ENXS_EXTRA, "%s: not a member of this set (%s expected)",
			   got, want);
}

/* The header of member k, which must be the one the order implies. */
static int next_member(struct reader *r)
{
	char want[NX_NXS_MEMBER_PATH_MAX];
	bool eof;
	int err = nxs_tar_next(&r->t, r->k, &eof, r->e);
	if (err)
		return err;
	nx_nxs_member_path(r->ix, r->k, want);
	if (eof && r->k == 1)
		return nx_fmt_fail(r->e, NX_FMT_ENXS_UNSIGNED, "%s: missing (the set is unsigned)",
				   want);
	if (eof)
		return nx_fmt_fail(r->e, NX_FMT_ENXS_MISSING, "%s: missing", want);
	return strcmp(r->t.path, want) ? misplaced(r, want) : 0;
}

/* After the last member: the end of the archive, nothing more. */
static int no_more_members(struct reader *r)
{
	bool eof;
	int err = nxs_tar_next(&r->t, r->k, &eof, r->e);
	if (err)
		return err;
	if (eof)
		return nxs_tar_end(&r->t, r->e);
	if (is_member(r, r->t.path, 0, r->k))
		return nx_fmt_fail(r->e, NX_FMT_ENXS_DUPLICATE,
				   "%.*s: a second time, as member %zu", NXS_TAR_PATH_SHOWN,
				   r->t.path, r->k + 1);
	return nx_fmt_fail(r->e, NX_FMT_ENXS_EXTRA, "%.*s: after the last member of the set",
			   NXS_TAR_PATH_SHOWN, r->t.path);
}

/* The current member's data (its size already checked against its cap) into a new buffer. */
static int read_data(struct reader *r, uint8_t **out)
{
	size_t len = (size_t)r->t.member_size;
	int err;
	if (!(*out = malloc(len ? len : 1)))
		return nx_fmt_fail(r->e, NX_FMT_ENOMEM, "%s: out of memory", r->t.path);
	if ((err = nxs_tar_data(&r->t, *out, len, r->e))) {
		free(*out);
		*out = NULL;
	}
	r->k++;
	return err;
}

/* A signature member: exactly NX_SIG_FILE_SIZE bytes of manifest.sig's layout. */
static int read_sig(struct reader *r, const char *path, uint8_t raw[NX_SIG_FILE_SIZE],
		    struct nx_sig *sig)
{
	uint8_t *data;
	int err;
	if ((err = next_member(r)))
		return err;
	if (r->t.member_size != NX_SIG_FILE_SIZE)
		return nx_fmt_fail(r->e, NX_FMT_ESIGFILE, "%s: %llu bytes, want %d", path,
				   (unsigned long long)r->t.member_size, NX_SIG_FILE_SIZE);
	if ((err = read_data(r, &data)))
		return err;
	memcpy(raw, data, NX_SIG_FILE_SIZE);
	free(data);
	if ((err = nx_sig_parse(raw, NX_SIG_FILE_SIZE, sig, r->e)))
		return prefixed(r->e, err, path);
	return 0;
}

/* The caller's check of sig over msg; code for its refusal. */
static int check_sig(struct reader *r, const struct nx_sig *sig, const void *msg, size_t len,
		     int code, const char *path)
{
	char why[NX_FMT_MSG_MAX] = "";
	int refused = r->sc->verify(r->sc->ctx, sig, msg, len, why, sizeof(why));
	why[sizeof(why) - 1] = 0;
	if (refused)
		return nx_fmt_fail(r->e, code, "%s: %s", path, why[0] ? why : "signature refused");
	return 0;
}

/* Members 0 and 1: the index, verified, then decoded. */
static int read_head(struct reader *r)
{
	uint8_t raw[NX_SIG_FILE_SIZE], id[NX_SIG_KEYID_LEN], *index = NULL;
	size_t len;
	struct nx_sig sig;
	int err;
	if ((err = next_member(r)))
		return err;
	if (r->t.member_size == 0 || r->t.member_size > NX_NXS_INDEX_MAX)
		return nx_fmt_fail(r->e, NX_FMT_ENXS_INDEX_SIZE, "%s: %llu bytes, want 1..%u",
				   NX_NXS_INDEX_NAME, (unsigned long long)r->t.member_size,
				   (unsigned)NX_NXS_INDEX_MAX);
	len = (size_t)r->t.member_size;
	if ((err = read_data(r, &index)) || (err = read_sig(r, NX_NXS_SIG_NAME, raw, &sig)) ||
	    (err = check_sig(r, &sig, index, len, NX_FMT_ENXS_BADSIG, NX_NXS_SIG_NAME)))
		goto out;
	/* Verified: only now are its bytes parsed. */
	if ((err = nx_nxs_index_decode(index, len, r->ix, r->e))) {
		err = prefixed(r->e, err, NX_NXS_INDEX_NAME);
		goto out;
	}
	nx_sig_key_id(r->ix->publisher, id);
	if (memcmp(id, sig.key_id, sizeof(id))) {
		err = nx_fmt_fail(r->e, NX_FMT_ENXS_PUBLISHER,
				  "%s: signed by a key that is not the index's publisher",
				  NX_NXS_SIG_NAME);
		goto out;
	}
	r->verified = true;
	if (r->sink && r->sink->index) {
		char why[NX_FMT_MSG_MAX] = "";

		if (r->sink->index(r->sink->ctx, r->ix, why, sizeof(why)))
			err = nx_fmt_fail(r->e, NX_FMT_ENXS_STAGE, "%s", why);
	}
out:
	free(index);
	return err;
}

/* The payload header, against the index and the manifest, before its bytes are read. */
static int payload_size_ok(struct reader *r, const struct nx_nxs_entry *b,
			   const struct nx_manifest *m)
{
	uint64_t size = r->t.member_size;
	if (size == 0 || size > NX_PAYLOAD_MAX)
		return nx_fmt_fail(r->e, NX_FMT_ENXS_MEMBER_SIZE, "%s: %llu bytes, want 1..%llu",
				   r->t.path, (unsigned long long)size,
				   (unsigned long long)NX_PAYLOAD_MAX);
	if (size != b->payload_size)
		return nx_fmt_fail(r->e, NX_FMT_ENXS_PAYLOAD_MISMATCH,
				   "%s: %llu bytes, the index says %llu", r->t.path,
				   (unsigned long long)size, (unsigned long long)b->payload_size);
	if (size != m->payload_size)
		return nx_fmt_fail(r->e, NX_FMT_ENXB_PAYLOAD_MISMATCH,
				   "%s: %llu bytes, the manifest says %llu", r->t.path,
				   (unsigned long long)size, (unsigned long long)m->payload_size);
	return 0;
}

/* The manifest member: cap, then its digest against the index. */
static int read_manifest(struct reader *r, const struct nx_nxs_entry *b, uint8_t **bytes,
			 size_t *len)
{
	uint8_t digest[NX_DIGEST_LEN];
	int err;
	if ((err = next_member(r)))
		return err;
	if (r->t.member_size == 0 || r->t.member_size > NX_MANIFEST_MAX)
		return nx_fmt_fail(r->e, NX_FMT_ENXS_MEMBER_SIZE, "%s: %llu bytes, want 1..%u",
				   r->t.path, (unsigned long long)r->t.member_size,
				   (unsigned)NX_MANIFEST_MAX);
	*len = (size_t)r->t.member_size;
	if ((err = read_data(r, bytes)))
		return err;
	crypto_hash_sha256(digest, *bytes, *len);
	if (memcmp(digest, b->manifest_sha256, sizeof(digest)))
		return nx_fmt_fail(r->e, NX_FMT_ENXS_MANIFEST_DIGEST,
				   "%s" NX_NXB_SUFFIX "/%s: SHA-256 differs from the index's",
				   b->name, NX_BUNDLE_MANIFEST);
	return 0;
}

/* The payload member: size against index and manifest, then its digest against both. */
static int read_payload(struct reader *r, const struct nx_nxs_entry *b, const struct nx_manifest *m,
			uint8_t **bytes)
{
	char path[NX_NXS_MEMBER_PATH_MAX];
	uint8_t digest[NX_DIGEST_LEN];
	int err;
	nx_nxs_member_path(r->ix, r->k, path);
	if ((err = next_member(r)) || (err = payload_size_ok(r, b, m)) ||
	    (err = read_data(r, bytes)))
		return err;
	crypto_hash_sha256(digest, *bytes, (size_t)b->payload_size);
	if (memcmp(digest, b->payload_sha256, sizeof(digest)))
		return nx_fmt_fail(r->e, NX_FMT_ENXS_PAYLOAD_MISMATCH,
				   "%s: SHA-256 differs from the index's", path);
	if (memcmp(digest, m->payload_digest, sizeof(digest)))
		return nx_fmt_fail(r->e, NX_FMT_ENXB_DIGEST,
				   "%s: SHA-256 differs from the manifest's", path);
	return 0;
}

/* Bundle i: its three members, each check bundlemgrd makes, then the sink. */
static int read_bundle(struct reader *r, size_t i, struct nx_manifest *m)
{
	const struct nx_nxs_entry *b = &r->ix->bundles[i];
	char path[NX_NXS_MEMBER_PATH_MAX], why[NX_FMT_MSG_MAX] = "";
	uint8_t raw[NX_SIG_FILE_SIZE], *manifest = NULL, *payload = NULL;
	size_t mlen = 0;
	struct nx_sig sig;
	int err;
	nx_nxs_member_path(r->ix, r->k, path);
	if ((err = read_manifest(r, b, &manifest, &mlen)))
		goto out;
	nx_nxs_member_path(r->ix, r->k, path);
	if ((err = read_sig(r, path, raw, &sig)) ||
	    (err = check_sig(r, &sig, manifest, mlen, NX_FMT_ENXS_BUNDLE_SIG, path)))
		goto out;
	if ((err = nx_manifest_decode(manifest, mlen, m, r->e))) {
		nx_nxs_member_path(r->ix, r->k - 2, path);
		err = prefixed(r->e, err, path);
		goto out;
	}
	if (strcmp(m->name, b->name) || strcmp(m->semver, b->version)) {
		err = nx_fmt_fail(r->e, NX_FMT_ENXS_BUNDLE_MISMATCH,
				  "%s" NX_NXB_SUFFIX "/%s: %s@%s, the index says %s@%s", b->name,
				  NX_BUNDLE_MANIFEST, m->name, m->semver, b->name, b->version);
		goto out;
	}
	if ((err = read_payload(r, b, m, &payload)))
		goto out;
	struct nx_nxs_bundle out = {i, b, m, manifest, mlen, raw, payload, b->payload_size};
	if (r->sink && r->sink->bundle(r->sink->ctx, r->ix, &out, why, sizeof(why))) {
		why[sizeof(why) - 1] = 0;
		err = nx_fmt_fail(r->e, NX_FMT_ENXS_STAGE, "%s" NX_NXB_SUFFIX ": %s", b->name,
				  why[0] ? why : "refused by the caller");
	}
out:
	free(manifest);
	free(payload);
	return err;
}

static int read_all(struct reader *r, int fd)
{
	struct nx_manifest *m = malloc(sizeof(*m));
	struct stat st;
	int err;
	if (!m)
		return nx_fmt_fail(r->e, NX_FMT_ENOMEM, "system set: out of memory");
	if (fstat(fd, &st))
		err = nx_fmt_fail(r->e, NX_FMT_EIO, "system set: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		err = nx_fmt_fail(r->e, NX_FMT_EINVAL, "system set: not a regular file");
	else if ((uint64_t)st.st_size > NX_NXS_ARCHIVE_MAX)
		err = nx_fmt_fail(
		    r->e, NX_FMT_ENXS_ARCHIVE_SIZE, "system set: %llu bytes, at most %llu",
		    (unsigned long long)st.st_size, (unsigned long long)NX_NXS_ARCHIVE_MAX);
	else if (!(err = nxs_tar_open(&r->t, fd, (uint64_t)st.st_size, r->e)) &&
		 !(err = read_head(r))) {
		for (size_t i = 0; !err && i < r->ix->n_bundles; i++)
			err = read_bundle(r, i, m);
		if (!err)
			err = no_more_members(r);
	}
	free(m);
	return err;
}

int nx_nxs_read(int fd, const struct nx_nxs_sigcheck *sc, const struct nx_nxs_sink *sink,
		struct nx_nxs_index *out, struct nx_fmt_err *e)
{
	struct reader r = {.sc = sc, .sink = sink, .e = e};
	int err;
	if (sodium_init() < 0 || !(r.ix = calloc(1, sizeof(*r.ix))))
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "system set: cannot set up the reader");
	if (!(err = read_all(&r, fd)))
		memcpy(out, r.ix, sizeof(*out));
	nxs_tar_close(&r.t);
	free(r.ix);
	return err;
}
