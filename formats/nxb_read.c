/*
 * Reading and verifying a .nxb bundle directory, in the order nxb.h gives:
 * cheap certain refusals (entries, types, sizes) before reading, the
 * signature before parsing, the manifest before trusting the payload.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"
#include "fmt_fail.h"
#include "nxb.h"

#define NXB_CHUNK (64U << 10) /* bytes hashed (and copied) per read of the payload */

static const char *const members[NX_NXB_MEMBERS] = {NX_BUNDLE_MANIFEST, NX_BUNDLE_SIG,
						    NX_BUNDLE_PAYLOAD};

static int check_entries(int dirfd, struct nx_fmt_err *e)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(d = fdopendir(fd))) {
		r = nx_fmt_fail(e, NX_FMT_EIO, "bundle directory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	while (!r && (errno = 0, de = readdir(d))) {
		int known = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
		for (int i = 0; i < NX_NXB_MEMBERS; i++)
			known |= !strcmp(de->d_name, members[i]);
		if (!known)
			r = nx_fmt_fail(
			    e, NX_FMT_ENXB_EXTRA,
			    "unexpected entry \"%.64s\": a bundle holds only %s, %s, %s",
			    de->d_name, NX_BUNDLE_MANIFEST, NX_BUNDLE_SIG, NX_BUNDLE_PAYLOAD);
	}
	if (!r && errno)
		r = nx_fmt_fail(e, NX_FMT_EIO, "bundle directory: %s", strerror(errno));
	closedir(d);
	return r;
}

/* Opens a member; missing_code for ENOENT, ENXB_TYPE for a symlink or special file. */
static int open_member(int dirfd, const char *name, int missing_code, int *fd, uint64_t *size,
		       struct nx_fmt_err *e)
{
	if (!nxf_open_regular(dirfd, name, fd, size))
		return 0;
	if (errno == ENOENT)
		return nx_fmt_fail(e, missing_code, "%s: missing%s", name,
				   missing_code == NX_FMT_ENXB_UNSIGNED ? " (bundle is unsigned)"
									: "");
	/* A socket cannot even be opened (ENXIO): it is refused like any special file. */
	if (errno == ELOOP || errno == EINVAL || errno == ENXIO)
		return nx_fmt_fail(e, NX_FMT_ENXB_TYPE, "%s: %s", name,
				   errno == ELOOP ? "is a symlink" : "not a regular file");
	return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", name, strerror(errno));
}

static int open_members(struct nx_nxb *b, int dirfd, int *mfd, int *sfd, struct nx_fmt_err *e)
{
	uint64_t msize, ssize;
	int r;
	if ((r = open_member(dirfd, NX_BUNDLE_SIG, NX_FMT_ENXB_UNSIGNED, sfd, &ssize, e)))
		return r;
	if ((r = open_member(dirfd, NX_BUNDLE_MANIFEST, NX_FMT_ENXB_MEMBER, mfd, &msize, e)))
		return r;
	if ((r = open_member(dirfd, NX_BUNDLE_PAYLOAD, NX_FMT_ENXB_MEMBER, &b->payload_fd,
			     &b->payload_size, e)))
		return r;
	if (ssize != NX_SIG_FILE_SIZE)
		return nx_fmt_fail(e, NX_FMT_ESIGFILE, "%s: %llu bytes, want %d", NX_BUNDLE_SIG,
				   (unsigned long long)ssize, NX_SIG_FILE_SIZE);
	if (msize == 0 || msize > NX_MANIFEST_MAX)
		return nx_fmt_fail(e, NX_FMT_ENXB_MANIFEST_SIZE, "%s: %llu bytes, want 1..%u",
				   NX_BUNDLE_MANIFEST, (unsigned long long)msize,
				   (unsigned)NX_MANIFEST_MAX);
	if (b->payload_size == 0 || b->payload_size > NX_PAYLOAD_MAX)
		return nx_fmt_fail(e, NX_FMT_ENXB_PAYLOAD_SIZE, "%s: %llu bytes, want 1..%llu",
				   NX_BUNDLE_PAYLOAD, (unsigned long long)b->payload_size,
				   (unsigned long long)NX_PAYLOAD_MAX);
	b->manifest_len = (size_t)msize;
	return 0;
}

static int read_small(struct nx_nxb *b, int mfd, int sfd, struct nx_fmt_err *e)
{
	uint8_t sig[NX_SIG_FILE_SIZE];
	if (nxf_pread_all(sfd, sig, sizeof(sig)))
		return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", NX_BUNDLE_SIG, strerror(errno));
	int r = nx_sig_parse(sig, sizeof(sig), &b->sig, e);
	if (r)
		return r;
	if (!(b->manifest = malloc(b->manifest_len)))
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "%s: out of memory", NX_BUNDLE_MANIFEST);
	if (nxf_pread_all(mfd, b->manifest, b->manifest_len))
		return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", NX_BUNDLE_MANIFEST, strerror(errno));
	return 0;
}

int nx_nxb_open(struct nx_nxb *b, int dirfd, struct nx_fmt_err *e)
{
	int mfd = -1, sfd = -1, r;
	memset(b, 0, sizeof(*b));
	b->payload_fd = -1;
	if (!(r = check_entries(dirfd, e)) && !(r = open_members(b, dirfd, &mfd, &sfd, e)))
		r = read_small(b, mfd, sfd, e);
	if (mfd >= 0)
		close(mfd);
	if (sfd >= 0)
		close(sfd);
	if (r)
		nx_nxb_close(b);
	return r;
}

int nx_nxb_verify_sig(struct nx_nxb *b, const struct nx_trust *t, struct nx_fmt_err *e)
{
	int r = nx_trust_verify(t, b->manifest, b->manifest_len, &b->sig, e);
	b->sig_verified = r == 0;
	return r;
}

void nx_nxb_mark_verified(struct nx_nxb *b)
{
	b->sig_verified = true;
}

int nx_nxb_parse(struct nx_nxb *b, struct nx_fmt_err *e)
{
	if (!b->sig_verified)
		return nx_fmt_fail(e, NX_FMT_EINVAL,
				   "%s: refusing to parse before its signature is verified",
				   NX_BUNDLE_MANIFEST);
	int r = nx_manifest_decode(b->manifest, b->manifest_len, &b->m, e);
	b->parsed = r == 0;
	return r;
}

int nx_nxb_payload_copy(struct nx_nxb *b, int out_fd, struct nx_fmt_err *e)
{
	crypto_hash_sha256_state st;
	uint8_t digest[crypto_hash_sha256_BYTES];
	uint8_t *chunk;
	uint64_t done = 0;
	int r = 0;
	if (!b->parsed)
		return nx_fmt_fail(e, NX_FMT_EINVAL, "payload checked before the manifest");
	if (b->payload_size != b->m.payload_size)
		return nx_fmt_fail(e, NX_FMT_ENXB_PAYLOAD_MISMATCH,
				   "%s: %llu bytes, the manifest says %llu", NX_BUNDLE_PAYLOAD,
				   (unsigned long long)b->payload_size,
				   (unsigned long long)b->m.payload_size);
	if (!(chunk = malloc(NXB_CHUNK)))
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "%s: out of memory", NX_BUNDLE_PAYLOAD);
	crypto_hash_sha256_init(&st);
	while (!r && done < b->payload_size) {
		size_t n = b->payload_size - done < NXB_CHUNK ? (size_t)(b->payload_size - done)
							      : NXB_CHUNK;
		ssize_t got = pread(b->payload_fd, chunk, n, (off_t)done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			r = nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", NX_BUNDLE_PAYLOAD,
					got ? strerror(errno) : "shorter than when opened");
		else if (out_fd >= 0 && nxf_write_all(out_fd, chunk, (size_t)got))
			r = nx_fmt_fail(e, NX_FMT_EIO, "copying %s: %s", NX_BUNDLE_PAYLOAD,
					strerror(errno));
		else {
			crypto_hash_sha256_update(&st, chunk, (size_t)got);
			done += (uint64_t)got;
		}
	}
	free(chunk);
	if (r)
		return r;
	crypto_hash_sha256_final(&st, digest);
	if (memcmp(digest, b->m.payload_digest, sizeof(digest)))
		return nx_fmt_fail(e, NX_FMT_ENXB_DIGEST, "%s: SHA-256 differs from the manifest's",
				   NX_BUNDLE_PAYLOAD);
	return 0;
}

int nx_nxb_verify(struct nx_nxb *b, int dirfd, const struct nx_trust *t, struct nx_fmt_err *e)
{
	int r;
	if ((r = nx_nxb_open(b, dirfd, e)))
		return r;
	if ((r = nx_nxb_verify_sig(b, t, e)) || (r = nx_nxb_parse(b, e)) ||
	    (r = nx_nxb_payload_copy(b, -1, e)))
		nx_nxb_close(b);
	return r;
}

void nx_nxb_close(struct nx_nxb *b)
{
	free(b->manifest);
	b->manifest = NULL;
	if (b->payload_fd >= 0)
		close(b->payload_fd);
	b->payload_fd = -1;
	b->sig_verified = b->parsed = false;
}
