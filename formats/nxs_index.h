/*
 * system.nxsindex: the signed table of contents of a .nxs system set,
 * canonical Cap'n Proto (formats/system-set.capnp: upstream SystemSetIndex
 * plus healthCheck), decoded into a fixed-size struct with every string
 * and list capped.
 *
 * Decoding refuses anything that is not exactly what nx_nxs_index_encode()
 * would emit for the same fields, so one index has one byte string, and
 * system.sig.ed25519 covers it.
 */
#ifndef NEXUS_FORMATS_NXS_INDEX_H
#define NEXUS_FORMATS_NXS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "capnp.h"
#include "fmt_err.h"
#include "manifest.h"
#include "semver.h"
#include "sig.h"
#include "nexus/limits.h"

#define NX_NXS_SCHEMA_VERSION 1
#define NX_NXS_PUBLISHER_LEN NX_SIG_PK_LEN /* bytes: the signer's Ed25519 public key */

/* Words of a text of at most cap bytes with its NUL. */
#define NX_NXS_TEXT_WORDS(cap) (((cap) + NX_CAPNP_WORD - 1) / NX_CAPNP_WORD)
/*
 * Bytes of the largest index the field caps allow (~58 KiB): root pointer
 * and struct, systemVersion, publisher, the list tag, then per bundle its
 * struct, name, version and two digests, then healthCheck. Far below both
 * the tar member cap and the Cap'n Proto reader's message cap.
 */
#define NX_NXS_INDEX_ENCODED_MAX                                                                   \
	(NX_CAPNP_WORD * (1 + 2 + 4 + NX_NXS_TEXT_WORDS(NX_SEMVER_MAX) +                           \
			  NX_NXS_PUBLISHER_LEN / NX_CAPNP_WORD + 1 +                               \
			  NX_NXS_BUNDLES_MAX * (1 + 4 + NX_NXS_TEXT_WORDS(NX_BUNDLE_NAME_MAX) +    \
						NX_NXS_TEXT_WORDS(NX_SEMVER_MAX) +                 \
						2 * NX_DIGEST_LEN / NX_CAPNP_WORD) +               \
			  NX_NXS_TEXT_WORDS(NX_BUNDLE_NAME_MAX)))

struct nx_nxs_entry {
	char name[NX_BUNDLE_NAME_MAX];
	char version[NX_SEMVER_MAX]; /* the bundle manifest's semver */
	uint8_t manifest_sha256[NX_DIGEST_LEN];
	uint8_t payload_sha256[NX_DIGEST_LEN];
	uint64_t payload_size;
};

struct nx_nxs_index {
	uint8_t schema_version;
	char system_version[NX_SEMVER_MAX];
	uint8_t publisher[NX_NXS_PUBLISHER_LEN];
	uint64_t timestamp_unix_ms;
	size_t n_bundles;
	struct nx_nxs_entry bundles[NX_NXS_BUNDLES_MAX]; /* sorted by name, unique */
	char health_check[NX_BUNDLE_NAME_MAX];		 /* "" or a name in bundles[] */
};

/*
 * Every field rule (docs/formats.md): schema version, semvers, 1..max
 * bundles, names valid and strictly ascending, payload sizes within the
 * .nxb cap, the health check empty or naming a bundle of the set.
 */
__attribute__((warn_unused_result)) int nx_nxs_index_check(const struct nx_nxs_index *ix,
							   struct nx_fmt_err *e);
/*
 * Canonical bytes of ix into buf (cap bytes; NX_NXS_INDEX_ENCODED_MAX
 * always suffices). Checks ix first: an invalid index is never encoded.
 */
__attribute__((warn_unused_result)) int nx_nxs_index_encode(const struct nx_nxs_index *ix,
							    void *buf, size_t cap, size_t *len,
							    struct nx_fmt_err *e);
/* Validates, decodes and checks; refuses non-canonical bytes. */
__attribute__((warn_unused_result)) int
nx_nxs_index_decode(const void *buf, size_t len, struct nx_nxs_index *out, struct nx_fmt_err *e);
/* The entry named name, or NULL. */
const struct nx_nxs_entry *nx_nxs_index_find(const struct nx_nxs_index *ix, const char *name);
/*
 * Anti-rollback: 0 when ix's systemVersion is strictly above floor (a
 * SemVer string the caller keeps, e.g. the installed set's version);
 * NX_FMT_ENXS_ROLLBACK when it is equal or lower; NX_FMT_EINVAL when floor
 * is not SemVer.
 */
__attribute__((warn_unused_result)) int
nx_nxs_version_above(const struct nx_nxs_index *ix, const char *floor, struct nx_fmt_err *e);

#endif
