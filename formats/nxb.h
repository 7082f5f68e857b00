/*
 * The .nxb bundle: a directory `<name>.nxb/` holding exactly three regular
 * files, manifest.nxb, manifest.sig and payload.elf (names from
 * nexus/svc_bundle.h). Any other entry, a symlink or a non-regular member
 * is refused.
 *
 * Verification runs in this order and stops at the first refusal, each
 * with its own code (formats/fmt_err.h):
 *   1. nx_nxb_open:        members, types, sizes against the caps (before
 *                          reading), manifest.nxb and manifest.sig read
 *   2. nx_nxb_verify_sig:  Ed25519 over the exact manifest.nxb bytes, key
 *                          looked up by key id in a trust set (or a caller
 *                          that verified elsewhere, e.g. keystored, says so
 *                          with nx_nxb_mark_verified)
 *   3. nx_nxb_parse:       canonical decode + every field rule; refuses to
 *                          run before step 2
 *   4. nx_nxb_payload_copy: payload size and SHA-256 against the manifest,
 *                          optionally copying the very bytes hashed to a fd
 * nx_nxb_verify runs all four.
 */
#ifndef NEXUS_FORMATS_NXB_H
#define NEXUS_FORMATS_NXB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "manifest.h"
#include "sig.h"
#include "nexus/limits.h"
#include "nexus/svc_bundle.h"

#define NX_NXB_SUFFIX ".nxb"
#define NX_NXB_MEMBERS 3 /* entries a bundle directory holds, besides . and .. */

struct nx_nxb {
	uint8_t *manifest; /* manifest.nxb bytes (owned) */
	size_t manifest_len;
	struct nx_sig sig;
	int payload_fd; /* payload.elf, opened read-only (owned) */
	uint64_t payload_size;
	bool sig_verified;
	bool parsed;
	struct nx_manifest m; /* valid once parsed */
};

/* Step 1. dirfd is the bundle directory; it is not kept. */
__attribute__((warn_unused_result)) int nx_nxb_open(struct nx_nxb *b, int dirfd,
						    struct nx_fmt_err *e);
/* Step 2 against a local trust set. */
__attribute__((warn_unused_result)) int
nx_nxb_verify_sig(struct nx_nxb *b, const struct nx_trust *t, struct nx_fmt_err *e);
/* Step 2 done by someone else: call only after b->sig held over b->manifest. */
void nx_nxb_mark_verified(struct nx_nxb *b);
/* Step 3. */
__attribute__((warn_unused_result)) int nx_nxb_parse(struct nx_nxb *b, struct nx_fmt_err *e);
/*
 * Step 4: hashes payload.elf from offset 0, writing each chunk to out_fd
 * too when out_fd >= 0 (a memfd to seal, a staging file), then checks size
 * and digest. On failure out_fd holds garbage the caller discards.
 */
__attribute__((warn_unused_result)) int nx_nxb_payload_copy(struct nx_nxb *b, int out_fd,
							    struct nx_fmt_err *e);
/* Steps 1-4. On failure b is closed. */
__attribute__((warn_unused_result)) int
nx_nxb_verify(struct nx_nxb *b, int dirfd, const struct nx_trust *t, struct nx_fmt_err *e);
void nx_nxb_close(struct nx_nxb *b);

/*
 * Writes a bundle atomically: the three members into a fresh directory
 * stage_name beneath stage_fd, each fsynced, then the directory fsynced and
 * renamed (no replace) to name beneath parent_fd, and parent_fd fsynced.
 * Both must be on one filesystem. payload bytes come from payload_fd
 * (read from offset 0 to EOF). On failure nothing is left at either name;
 * NX_FMT_ENXB_EXISTS when name (or stage_name) already exists.
 */
__attribute__((warn_unused_result)) int
nx_nxb_write_staged(int stage_fd, const char *stage_name, int parent_fd, const char *name,
		    const void *manifest, size_t manifest_len, const struct nx_sig *sig,
		    int payload_fd, struct nx_fmt_err *e);
/* The same with a hidden stage directory ".<name>.<random>" beside name. */
__attribute__((warn_unused_result)) int nx_nxb_write(int parent_fd, const char *name,
						     const void *manifest, size_t manifest_len,
						     const struct nx_sig *sig, int payload_fd,
						     struct nx_fmt_err *e);

#endif
