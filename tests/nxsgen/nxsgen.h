/*
 * nxsgen: a good .nxs taken apart (set.c), changed by one named mutation
 * (mutations.c) and written back member by member with libarchive
 * (tar.c), for the refusal tests that run through `nexus-sim update`
 * (tests/e2e/update_refusals.sh). Whatever a mutation changes that a
 * signature covers, it signs again with the given key, so that the set
 * is refused for the fault it carries and not for a stale signature.
 */
#ifndef NEXUS_TESTS_NXSGEN_H
#define NEXUS_TESTS_NXSGEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "manifest.h"
#include "nxs.h"
#include "sig.h"

/* A valid set's members and the few a mutation adds. */
#define GEN_MEMBERS_MAX (NX_NXS_HEAD_MEMBERS + NX_NXS_BUNDLES_MAX * NX_NXS_BUNDLE_MEMBERS + 4)
#define GEN_PATH_MAX 256 /* bytes of a member path a mutation writes, with its NUL */
_Static_assert(GEN_PATH_MAX >= NX_NXS_MEMBER_PATH_MAX, "a member path fits");

struct gen_bundle {
	struct nx_manifest m; /* manifest.nxb decoded */
	uint8_t *manifest;    /* NX_MANIFEST_MAX bytes of room */
	size_t manifest_len;
	uint8_t sig[NX_SIG_FILE_SIZE]; /* manifest.sig */
	uint8_t *payload;
	size_t payload_len;
};

struct gen_set {
	const struct nx_seckey *key; /* signs whatever a mutation signs again */
	struct nx_nxs_index ix;
	uint8_t *index; /* system.nxsindex, NX_NXS_INDEX_ENCODED_MAX bytes of room */
	size_t index_len;
	uint8_t index_sig[NX_SIG_FILE_SIZE]; /* system.sig.ed25519 */
	struct gen_bundle *b;		     /* ix.n_bundles of them */
	size_t nb;			     /* allocated in b (the index may not be read) */
};

struct gen_member {
	char path[GEN_PATH_MAX];
	const uint8_t *data; /* NULL: len zero bytes */
	size_t len;
	mode_t type;	  /* AE_IFREG, AE_IFLNK, AE_IFDIR, AE_IFCHR, AE_IFIFO */
	const char *link; /* a symlink's target, or a hard link's when hardlink */
	int hardlink;
};

struct gen_archive {
	struct gen_member m[GEN_MEMBERS_MAX];
	size_t n;
	time_t mtime; /* every member's: the index's timestamp, as nxs-pack writes it */
	int pax;      /* pax extended headers instead of plain ustar */
};

/* Member k of bundle i's three (0 manifest.nxb, 1 manifest.sig, 2 payload.elf). */
static inline size_t gen_k(size_t i, size_t k)
{
	return NX_NXS_HEAD_MEMBERS + i * NX_NXS_BUNDLE_MEMBERS + k;
}

/* set.c. Each returns 0, or -1 having said why on stderr. */
int gen_load(struct gen_set *s, int fd, const char *path);
void gen_free(struct gen_set *s);
/* Bundle i's manifest encoded from s->b[i].m, signed, and its digest put in the index. */
int gen_seal_manifest(struct gen_set *s, size_t i);
/* The index encoded from s->ix and signed. */
int gen_seal_index(struct gen_set *s);
/* Signs len bytes into a signature member. */
int gen_sign(const struct gen_set *s, const void *msg, size_t len, uint8_t out[NX_SIG_FILE_SIZE]);
/* a: the members of s, in the order the index implies, pointing into s. */
void gen_lay_out(const struct gen_set *s, struct gen_archive *a);

/* tar.c */
void gen_drop(struct gen_archive *a, size_t k);
void gen_insert(struct gen_archive *a, size_t at, const struct gen_member *m);
void gen_swap(struct gen_archive *a, size_t j, size_t k);
/* Member k turned into a member with no data: type (and link) as given. */
void gen_retype(struct gen_archive *a, size_t k, mode_t type, const char *link, int hardlink);
int gen_write(const struct gen_archive *a, int fd);
/* Overwrites member k's name field with len bytes (a NUL may be among them), checksum fixed. */
int gen_patch_name(const struct gen_archive *a, int fd, size_t k, const void *name, size_t len);

/* mutations.c */
struct gen_mutation {
	const char *name;
	const char *what;
	/* Applied to s and the laid-out a, before a is written. */
	int (*edit)(struct gen_set *s, struct gen_archive *a);
	/* Applied to the written file (may be NULL). */
	int (*after)(const struct gen_archive *a, int fd);
};

const struct gen_mutation *gen_mutation_find(const char *name);
/* The table, for --list: n set to its length. */
const struct gen_mutation *gen_mutations(size_t *n);

#endif
