/*
 * The .nxs system set: a plain ustar tar whose members are, in this order
 * and nothing else,
 *   system.nxsindex                 the index (nxs_index.h)
 *   system.sig.ed25519              "Ed" || key id || Ed25519 over the index bytes
 *   <name>.nxb/manifest.nxb         per bundle of the index, in its (name) order
 *   <name>.nxb/manifest.sig
 *   <name>.nxb/payload.elf
 * every one a regular file, no directory entries. The index signature has
 * manifest.sig's 74-byte layout, and its key id must be the id of the
 * index's publisher key. nxs_read.h reads it (libarchive), nxs_write.h
 * writes it.
 */
#ifndef NEXUS_FORMATS_NXS_H
#define NEXUS_FORMATS_NXS_H

#include <stddef.h>
#include <stdint.h>

#include "nxb.h"
#include "nxs_index.h"
#include "nexus/svc_bundle.h"

#define NX_NXS_SUFFIX ".nxs"
#define NX_NXS_INDEX_NAME "system.nxsindex"
#define NX_NXS_SIG_NAME "system.sig.ed25519"
#define NX_NXS_HEAD_MEMBERS 2	/* the index and its signature */
#define NX_NXS_BUNDLE_MEMBERS 3 /* manifest.nxb, manifest.sig, payload.elf */
/* Bytes of a member path with its NUL: "<name>.nxb/manifest.nxb" is the longest. */
#define NX_NXS_MEMBER_PATH_MAX (NX_BUNDLE_NAME_MAX + sizeof(".nxb/" NX_BUNDLE_MANIFEST) - 1)
#define NX_NXS_TAR_BLOCK 512 /* bytes of a tar header and the unit data is padded to */
#define NX_NXS_TAR_END (2 * NX_NXS_TAR_BLOCK) /* the two zero blocks that end an archive */
#define NX_NXS_MEMBER_MODE 0644
/* Seconds a ustar header's 11 octal digits hold: member mtimes up to the year 2242. */
#define NX_NXS_MTIME_MAX 077777777777ULL
/* The largest timestampUnixMs whose seconds fit NX_NXS_MTIME_MAX. */
#define NX_NXS_TIMESTAMP_MS_MAX (NX_NXS_MTIME_MAX * 1000 + 999)

/* Members a valid set with n bundles holds. */
static inline size_t nx_nxs_members(size_t n_bundles)
{
	return NX_NXS_HEAD_MEMBERS + NX_NXS_BUNDLE_MEMBERS * n_bundles;
}

/*
 * The path of member k (0-based, k < nx_nxs_members(ix->n_bundles)) of the
 * set ix describes, into out (NX_NXS_MEMBER_PATH_MAX bytes). The one
 * definition of the member order, for the reader and the writer alike.
 */
void nx_nxs_member_path(const struct nx_nxs_index *ix, size_t k, char out[NX_NXS_MEMBER_PATH_MAX]);

#endif
