/*
 * Reading and verifying a .nxs system set (layout: nxs.h) from an fd,
 * with libarchive. Nothing is trusted before it is verified:
 *
 *   1. fstat: a regular file of at most NX_NXS_ARCHIVE_MAX bytes; nothing
 *      past that size is ever read (a file growing meanwhile changes nothing);
 *   2. every member, before its data is read: a plain ustar header, a
 *      regular file (no symlink, hard link, directory, device, FIFO), a
 *      relative path with no ".." and no empty segment or hidden NUL,
 *      exactly the member the order implies (no extra, missing, duplicate
 *      or reordered member), its size within its cap;
 *   3. system.nxsindex (<= NX_NXS_INDEX_MAX) and system.sig.ed25519; the
 *      signature over the exact index bytes through the caller's check
 *      BEFORE the index is parsed; then the index decoded (canonical, every
 *      field rule), and the signing key id must be its publisher key's;
 *   4. per bundle, in index order: manifest.nxb's SHA-256 against the
 *      index; manifest.sig through the caller's check; the manifest
 *      decoded, its name and semver equal to the entry's; payload.elf's
 *      size (from its header, before reading) and SHA-256 against the
 *      index and against the manifest (bundlemgrd's own checks);
 *   5. after the last member, only the zero end blocks.
 *
 * Each refusal has its own code (fmt_err.h, NX_FMT_ENXS_*, and the .nxb,
 * manifest and signature codes for a bundle's own checks) and a one-line
 * message naming the member and the problem.
 */
#ifndef NEXUS_FORMATS_NXS_READ_H
#define NEXUS_FORMATS_NXS_READ_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "manifest.h"
#include "nxs.h"
#include "sig.h"

/*
 * Who checks signatures (the shape of bundlemgrd's struct bm_sigcheck):
 * keystored in updated, a local trust set in tools and tests. verify
 * returns 0 when sig holds over msg[0..len) under a trusted key whose id
 * is sig->key_id; else -NX_E* with a reason in why (cap bytes).
 */
struct nx_nxs_sigcheck {
	void *ctx;
	int (*verify)(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		      size_t cap);
};

/* One bundle, every check of step 4 passed. The pointers live until the callback returns. */
struct nx_nxs_bundle {
	size_t index;			    /* its position in the set, from 0 */
	const struct nx_nxs_entry *entry;   /* its index entry: name, version, digests */
	const struct nx_manifest *manifest; /* manifest.nxb decoded */
	const uint8_t *manifest_bytes;	    /* manifest.nxb */
	size_t manifest_len;
	const uint8_t *sig_bytes; /* manifest.sig, NX_SIG_FILE_SIZE bytes */
	const uint8_t *payload;	  /* payload.elf */
	uint64_t payload_size;
};

/*
 * Where verified bundles go (updated stages them). index (may be NULL)
 * sees the index once it is verified and decoded, before any bundle
 * member is read; bundle sees each bundle once it checked out. Each
 * returns 0 to go on; anything else stops the read, which returns
 * NX_FMT_ENXS_STAGE with why as the message (keep your own code in ctx
 * if you need it).
 */
struct nx_nxs_sink {
	void *ctx;
	int (*bundle)(void *ctx, const struct nx_nxs_index *ix, const struct nx_nxs_bundle *b,
		      char *why, size_t cap);
	int (*index)(void *ctx, const struct nx_nxs_index *ix, char *why, size_t cap);
};

/*
 * Reads and verifies the set in fd (read with pread from offset 0: the
 * fd's offset is left alone; fd is not closed). Each bundle is handed to
 * sink (may be NULL) as soon as it is verified, in index order; the set as
 * a whole is valid only when this returns 0, so on failure the caller
 * discards what it staged. On success *out is the decoded index; on
 * failure *out is unchanged.
 */
__attribute__((warn_unused_result)) int nx_nxs_read(int fd, const struct nx_nxs_sigcheck *sc,
						    const struct nx_nxs_sink *sink,
						    struct nx_nxs_index *out, struct nx_fmt_err *e);

#endif
