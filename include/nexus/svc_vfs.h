/*
 * vfsd and packagefsd: the read-only package tree.
 *
 * Paths: "/packages/<name>@<version>/<file>" names a file of an installed
 * bundle; "pkg:/<name>/<file>" is the same file of the newest installed
 * version of <name>. A path travels as the frame body without a NUL, at
 * most NX_PATH_MAX - 1 bytes; "..", ".", empty segments, NUL and longer
 * paths are refused with -NX_EINVAL. Clients talk to vfsd; vfsd checks the
 * path, resolves the alias and forwards to packagefsd, which serves the
 * files from the state directory of bundlemgrd (svc_bundle.h).
 *
 * NX_VFS_OPEN  body: path. reply: arg = size, fd = a sealed memfd holding
 *              the whole file (NX_BUNDLE_SEALS), body = the resolved
 *              "/packages/..." path.
 * NX_VFS_READ  body: struct nx_vfs_read, then the path. reply: arg = bytes
 *              read (0 at or past the end), body = those bytes.
 * NX_VFS_STAT  body: path. reply: arg 0, body = struct nx_vfs_stat.
 * NX_PKGFS_RESOLVE (vfsd -> packagefsd) body: "<name>"; reply: arg 0,
 *              body = "<name>@<newest installed version>".
 * A refusal: arg = -NX_EINVAL (bad path), -NX_ESRCH (no such package or
 * file), -NX_EMSGSIZE (read over NX_VFS_READ_MAX, file over
 * NX_VFS_FILE_MAX); body = one line (nexus/svc.h).
 */
#ifndef NEXUS_SVC_VFS_H
#define NEXUS_SVC_VFS_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"

#define NX_SVC_VFSD "vfsd"
/*
 * vfsd's seed connection (docs/abi.md "The seed endpoint"): payloads'
 * NX_VFS_STAT and NX_VFS_READ, sent on their seed with that ty and these
 * bodies; the answer is the int64 result, then the reply's body (a READ
 * of at most NX_VFS_SEED_READ_MAX bytes fits one message).
 */
#define NX_VFS_SEED_CONN "vfsd.seed"
#define NX_VFS_SEED_READ_MAX (NX_CHAN_MSG_BYTES_MAX - 8)
#define NX_SVC_PACKAGEFSD "packagefsd"

/* vfsd: any path. */
#define NX_VFS_OPEN 0x0901
#define NX_VFS_READ 0x0902
#define NX_VFS_STAT 0x0903
/* packagefsd: the same bodies, "/packages/..." paths only, plus RESOLVE. */
#define NX_PKGFS_OPEN 0x0801
#define NX_PKGFS_READ 0x0802
#define NX_PKGFS_STAT 0x0803
#define NX_PKGFS_RESOLVE 0x0804

#define NX_VFS_PACKAGES_PREFIX "/packages/"
#define NX_VFS_ALIAS_PREFIX "pkg:/"
#define NX_VFS_READ_MAX (32U << 10)    /* bytes one READ returns; open the memfd for more */
#define NX_VFS_FILE_MAX NX_PAYLOAD_MAX /* bytes of a file packagefsd serves */

_Static_assert(NX_VFS_READ_MAX <= NX_FRAME_BODY_MAX, "a READ reply fits one frame");

struct nx_vfs_read {
	uint64_t offset; /* byte offset into the file */
	uint32_t count;	 /* bytes wanted, <= NX_VFS_READ_MAX */
	uint32_t pad;	 /* zero */
};

_Static_assert(sizeof(struct nx_vfs_read) == 16, "nx_vfs_read size");
_Static_assert(offsetof(struct nx_vfs_read, offset) == 0, "nx_vfs_read.offset");
_Static_assert(offsetof(struct nx_vfs_read, count) == 8, "nx_vfs_read.count");
_Static_assert(offsetof(struct nx_vfs_read, pad) == 12, "nx_vfs_read.pad");

#define NX_VFS_KIND_FILE 1

struct nx_vfs_stat {
	uint64_t size;		    /* bytes */
	uint32_t kind;		    /* NX_VFS_KIND_FILE */
	uint32_t pad;		    /* zero */
	char resolved[NX_PATH_MAX]; /* "/packages/<name>@<version>/<file>", NUL-terminated */
};

_Static_assert(sizeof(struct nx_vfs_stat) == 16 + NX_PATH_MAX, "nx_vfs_stat size");
_Static_assert(offsetof(struct nx_vfs_stat, size) == 0, "nx_vfs_stat.size");
_Static_assert(offsetof(struct nx_vfs_stat, kind) == 8, "nx_vfs_stat.kind");
_Static_assert(offsetof(struct nx_vfs_stat, pad) == 12, "nx_vfs_stat.pad");
_Static_assert(offsetof(struct nx_vfs_stat, resolved) == 16, "nx_vfs_stat.resolved");

#endif
