/* Internal to nxs-pack: the bundles of its --input directory, verified. */
#ifndef NEXUS_TOOLS_NXS_PACK_H
#define NEXUS_TOOLS_NXS_PACK_H

#include <limits.h>
#include <stddef.h>

#include "nxb.h"
#include "sig.h"

struct pack_bundle {
	char dir[NAME_MAX + 1]; /* its entry in the input directory */
	struct nx_nxb nxb;	/* verified: manifest bytes and decoded, signature, payload fd */
};

/* Prints "nxs-pack: FILE: MSG" on stderr and returns rc. */
int pack_fail(const char *file, const char *msg, int rc);

/*
 * Every entry of the directory at path must be a bundle directory
 * "<anything>.nxb" that nx_nxb_verify() accepts against trust; the result
 * is sorted by bundle (manifest) name, and two bundles of one name are
 * refused. Returns 0 or the exit code (messages printed); on success the
 * caller frees *out with pack_bundles_free().
 */
int pack_read_input(const char *path, const struct nx_trust *trust, struct pack_bundle **out,
		    size_t *n);
void pack_bundles_free(struct pack_bundle *b, size_t n);

#endif
