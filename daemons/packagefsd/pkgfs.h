/*
 * packagefsd's file service over the slot directory, free of IPC so tests
 * drive it directly. Paths are checked with the vfs rules (vfs_path.h)
 * before anything is opened; every open is openat beneath the slot with
 * O_NOFOLLOW, one segment at a time.
 */
#ifndef NEXUS_PKGFS_H
#define NEXUS_PKGFS_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/svc_vfs.h"

/* "<name>@<newest installed version>" into out (NX_PATH_MAX); 0 or -NX_ESRCH / -NX_EINVAL. */
__attribute__((warn_unused_result)) int pkgfs_resolve(int slot_fd, const char *name,
						      char out[NX_PATH_MAX], char *msg, size_t cap);

/*
 * Open the file a "/packages/<name>@<version>/<file>" path names: a
 * read-only fd of a regular file of at most NX_VFS_FILE_MAX bytes, with
 * *size, or -NX_E* and a message.
 */
__attribute__((warn_unused_result)) int pkgfs_open(int slot_fd, const char *path, size_t len,
						   uint64_t *size, char *msg, size_t cap);

/* A memfd holding the whole of fd (size bytes), sealed with NX_BUNDLE_SEALS; or -NX_E*. */
__attribute__((warn_unused_result)) int pkgfs_sealed_copy(int fd, uint64_t size);

#endif
