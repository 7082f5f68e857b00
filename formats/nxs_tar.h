/*
 * Internal to formats/nxs_read.c: the .nxs as a sequence of members, read
 * with libarchive from an fd through pread (never past the size fstat gave
 * when the read began, never moving the caller's offset). Each header is
 * checked before its member is handed out: the raw 512 bytes (plain ustar,
 * no pax or GNU header, no NUL inside a name), the type (regular files
 * only), the path (relative, no "..", no empty segment).
 */
#ifndef NEXUS_FORMATS_NXS_TAR_H
#define NEXUS_FORMATS_NXS_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "nxs.h"

#define NXS_TAR_PATH_SHOWN 80 /* bytes of a refused path a message shows */

struct nxs_tar {
	struct archive *a;
	int fd;
	uint64_t size; /* bytes of the archive when the read began: nothing past it is read */
	uint64_t off;  /* next byte the read callback returns */
	uint64_t end;  /* first byte after the last member's padded data */
	uint8_t *chunk;
	const char *path;     /* the current member's path (libarchive's storage) */
	uint64_t member_size; /* the current member's data bytes, from its header */
};

/* Starts reading fd, whose size the caller took with fstat. */
__attribute__((warn_unused_result)) int nxs_tar_open(struct nxs_tar *t, int fd, uint64_t size,
						     struct nx_fmt_err *e);
/*
 * The next member's header, checked; *eof set (and 0 returned) at the end
 * of the archive. k numbers the member in messages.
 */
__attribute__((warn_unused_result)) int nxs_tar_next(struct nxs_tar *t, size_t k, bool *eof,
						     struct nx_fmt_err *e);
/* Exactly len (the current member's size) bytes of its data. */
__attribute__((warn_unused_result)) int nxs_tar_data(struct nxs_tar *t, void *buf, size_t len,
						     struct nx_fmt_err *e);
/*
 * Whether a member named path follows among the remaining headers (which
 * it consumes): tells a member out of order from a missing one. A header
 * that fails its checks ends the search.
 */
bool nxs_tar_follows(struct nxs_tar *t, const char *path);
/* After the last member: the rest of the file is the end blocks, at least two, all zero. */
__attribute__((warn_unused_result)) int nxs_tar_end(struct nxs_tar *t, struct nx_fmt_err *e);
void nxs_tar_close(struct nxs_tar *t);

#endif
