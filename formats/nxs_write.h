/*
 * Writing a .nxs system set (nxs.h) with libarchive: deterministic bytes
 * for the same inputs (fixed member order, ustar headers only, mode 0644,
 * uid/gid 0, empty user and group names, mtime the index's timestamp in
 * seconds, no padding after the two end blocks).
 *
 * The writer re-decodes the index it is given and writes nothing the
 * reader would refuse for a correctly signed index: each manifest's
 * SHA-256 is checked against its entry before the first byte is written,
 * and each payload's size and SHA-256 while it is copied (a payload that
 * changed since the caller verified it fails the write).
 */
#ifndef NEXUS_FORMATS_NXS_WRITE_H
#define NEXUS_FORMATS_NXS_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "nxs.h"
#include "sig.h"

/* One bundle's members, in the index's order. */
struct nx_nxs_wbundle {
	const void *manifest; /* manifest.nxb bytes */
	size_t manifest_len;
	const struct nx_sig *sig; /* manifest.sig */
	int payload_fd;		  /* payload.elf, read from offset 0 (pread: its offset is kept) */
};

/* The bytes an archive of these members takes: headers, padded data, the end blocks. */
uint64_t nx_nxs_archive_size(const struct nx_nxs_index *ix, size_t index_len,
			     const struct nx_nxs_wbundle *bundles);

/*
 * Writes the set to fd (from its current offset): index (canonical bytes
 * the caller encoded and signed), index_sig, then bundles[0..n) as the
 * index lists them; n must be the index's bundle count. Refuses before
 * writing anything when the index does not decode, index_sig's key id is
 * not the publisher's (NX_FMT_ENXS_PUBLISHER), the timestamp is over
 * NX_NXS_TIMESTAMP_MS_MAX (NX_FMT_ERANGE), a manifest is empty or over its
 * cap or does not hash to its entry, or the archive would exceed
 * NX_NXS_ARCHIVE_MAX. On any failure fd holds garbage the caller discards.
 */
__attribute__((warn_unused_result)) int nx_nxs_write(int fd, const void *index, size_t index_len,
						     const struct nx_sig *index_sig,
						     const struct nx_nxs_wbundle *bundles, size_t n,
						     struct nx_fmt_err *e);

#endif
