/*
 * The mutations, one per refusal the update must make. A fault in a
 * bundle goes into the last bundle, so that the update has staged the
 * bundles before it when the reader refuses the set: what it staged must
 * go too.
 */
#include <archive_entry.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "nxsgen.h"

#define SIG_BYTE (NX_SIG_MAGIC_LEN + NX_SIG_KEYID_LEN + 10) /* a byte of the Ed25519 signature */
#define GARBAGE_GAP 100 /* zero bytes between the end blocks and the stray byte */

static size_t last(const struct gen_set *s)
{
	return s->ix.n_bundles - 1;
}

static const char *last_name(const struct gen_set *s)
{
	return s->ix.bundles[last(s)].name;
}

/* s changed: the last bundle's manifest and the index signed again, the members laid out. */
static int reseal_last(struct gen_set *s, struct gen_archive *a)
{
	if (gen_seal_manifest(s, last(s)) != 0 || gen_seal_index(s) != 0)
		return -1;
	gen_lay_out(s, a);
	return 0;
}

static int none(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	(void)a;
	return 0;
}

static int resign(struct gen_set *s, struct gen_archive *a)
{
	memcpy(s->ix.publisher, s->key->sk + NX_SIG_SK_LEN - NX_SIG_PK_LEN, NX_SIG_PK_LEN);
	if (gen_seal_index(s) != 0)
		return -1;
	gen_lay_out(s, a);
	return 0;
}

static int unsigned_set(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	gen_drop(a, 1);
	return 0;
}

static int bad_signature(struct gen_set *s, struct gen_archive *a)
{
	(void)a;
	s->index_sig[SIG_BYTE] ^= 1;
	return 0;
}

static int sig_size(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	a->m[1].len = NX_SIG_FILE_SIZE - 1;
	return 0;
}

static int publisher(struct gen_set *s, struct gen_archive *a)
{
	struct nx_pubkey other;
	struct nx_seckey other_sec;

	if (nx_sig_keygen("nxsgen", &other, &other_sec, NULL) != 0) {
		fprintf(stderr, "nxsgen: cannot make a key\n");
		return -1;
	}
	nx_seckey_wipe(&other_sec);
	/* Named as publisher, while the given key still signs. */
	memcpy(s->ix.publisher, other.pk, NX_SIG_PK_LEN);
	if (gen_seal_index(s) != 0)
		return -1;
	gen_lay_out(s, a);
	return 0;
}

static int index_empty(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	a->m[0].len = 0;
	return 0;
}

static int index_over_cap(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	a->m[0].data = NULL;
	a->m[0].len = NX_NXS_INDEX_MAX + 1;
	return 0;
}

static int index_garbage(struct gen_set *s, struct gen_archive *a)
{
	(void)a;
	memset(s->index, 0xff, s->index_len);
	return gen_sign(s, s->index, s->index_len, s->index_sig);
}

static int pax(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	a->pax = 1;
	return 0;
}

static int stray_byte(const struct gen_archive *a, int fd)
{
	static const uint8_t one = 1;
	struct stat st;

	(void)a;
	if (fstat(fd, &st) != 0 || pwrite(fd, &one, 1, st.st_size + GARBAGE_GAP) != 1) {
		fprintf(stderr, "nxsgen: cannot append\n");
		return -1;
	}
	return 0;
}

static int oversize(const struct gen_archive *a, int fd)
{
	(void)a;
	/* Sparse: the reader refuses on fstat's size before it reads a byte. */
	if (ftruncate(fd, (off_t)NX_NXS_ARCHIVE_MAX + 1) != 0) {
		fprintf(stderr, "nxsgen: cannot grow the file\n");
		return -1;
	}
	return 0;
}

static int extra_member(struct gen_set *s, struct gen_archive *a)
{
	static const uint8_t junk[] = "junk";
	struct gen_member m = {"junk", junk, sizeof(junk) - 1, AE_IFREG, NULL, 0};

	gen_insert(a, gen_k(last(s), 0), &m);
	return 0;
}

static int missing_member(struct gen_set *s, struct gen_archive *a)
{
	gen_drop(a, gen_k(last(s), 2));
	return 0;
}

static int duplicate_member(struct gen_set *s, struct gen_archive *a)
{
	struct gen_member m = a->m[gen_k(last(s), 0)];

	gen_insert(a, gen_k(last(s), 1), &m);
	return 0;
}

static int reordered_members(struct gen_set *s, struct gen_archive *a)
{
	gen_swap(a, gen_k(last(s), 0), gen_k(last(s), 1));
	return 0;
}

static int symlink_member(struct gen_set *s, struct gen_archive *a)
{
	gen_retype(a, gen_k(last(s), 2), AE_IFLNK, "/etc/passwd", 0);
	return 0;
}

static int hardlink_member(struct gen_set *s, struct gen_archive *a)
{
	gen_retype(a, gen_k(last(s), 2), AE_IFREG, a->m[gen_k(0, 2)].path, 1);
	return 0;
}

static int directory(struct gen_set *s, struct gen_archive *a)
{
	struct gen_member m = {.type = AE_IFDIR};

	snprintf(m.path, sizeof(m.path), "%s" NX_NXB_SUFFIX, last_name(s));
	gen_insert(a, gen_k(last(s), 0), &m);
	return 0;
}

static int fifo(struct gen_set *s, struct gen_archive *a)
{
	gen_retype(a, gen_k(last(s), 2), AE_IFIFO, NULL, 0);
	return 0;
}

static int device(struct gen_set *s, struct gen_archive *a)
{
	gen_retype(a, gen_k(last(s), 2), AE_IFCHR, NULL, 0);
	return 0;
}

static int absolute(struct gen_set *s, struct gen_archive *a)
{
	(void)s;
	snprintf(a->m[0].path, sizeof(a->m[0].path), "/%s", NX_NXS_INDEX_NAME);
	return 0;
}

static int dotdot(struct gen_set *s, struct gen_archive *a)
{
	snprintf(a->m[gen_k(last(s), 0)].path, GEN_PATH_MAX,
		 "%s" NX_NXB_SUFFIX "/../%s" NX_NXB_SUFFIX "/%s", last_name(s), last_name(s),
		 NX_BUNDLE_MANIFEST);
	return 0;
}

static int empty_segment(struct gen_set *s, struct gen_archive *a)
{
	snprintf(a->m[gen_k(last(s), 0)].path, GEN_PATH_MAX, "%s" NX_NXB_SUFFIX "//%s",
		 last_name(s), NX_BUNDLE_MANIFEST);
	return 0;
}

static int nul_in_name(const struct gen_archive *a, int fd)
{
	static const char name[] = NX_NXS_INDEX_NAME "\0evil";

	return gen_patch_name(a, fd, 0, name, sizeof(name));
}

static int manifest_digest(struct gen_set *s, struct gen_archive *a)
{
	(void)a;
	s->b[last(s)].manifest[s->b[last(s)].manifest_len - 1] ^= 1;
	return 0;
}

static int payload_digest(struct gen_set *s, struct gen_archive *a)
{
	(void)a;
	s->b[last(s)].payload[s->b[last(s)].payload_len / 2] ^= 1;
	return 0;
}

static int payload_size(struct gen_set *s, struct gen_archive *a)
{
	a->m[gen_k(last(s), 2)].len--;
	return 0;
}

static int member_over_cap(struct gen_set *s, struct gen_archive *a)
{
	a->m[gen_k(last(s), 0)].data = NULL;
	a->m[gen_k(last(s), 0)].len = NX_MANIFEST_MAX + 1;
	return 0;
}

static int bundle_sig(struct gen_set *s, struct gen_archive *a)
{
	(void)a;
	s->b[last(s)].sig[SIG_BYTE] ^= 1;
	return 0;
}

static int bundle_version(struct gen_set *s, struct gen_archive *a)
{
	snprintf(s->b[last(s)].m.semver, NX_SEMVER_MAX, "9.9.9");
	return reseal_last(s, a);
}

static int bundle_name(struct gen_set *s, struct gen_archive *a)
{
	char *name = s->b[last(s)].m.name;

	name[0] = name[0] == 'z' ? 'y' : 'z';
	return reseal_last(s, a);
}

static int manifest_payload_digest(struct gen_set *s, struct gen_archive *a)
{
	s->b[last(s)].m.payload_digest[0] ^= 1;
	return reseal_last(s, a);
}

/* Signed and consistent, but no ELF: updated's loader check refuses it, not the reader. */
static int payload_not_elf(struct gen_set *s, struct gen_archive *a)
{
	struct gen_bundle *b = &s->b[last(s)];

	memset(b->payload, 'x', b->payload_len < 16 ? b->payload_len : 16);
	crypto_hash_sha256(b->m.payload_digest, b->payload, b->payload_len);
	memcpy(s->ix.bundles[last(s)].payload_sha256, b->m.payload_digest, NX_DIGEST_LEN);
	return reseal_last(s, a);
}

static const struct gen_mutation table[] = {
    {"none", "the set as read (nxs-pack's bytes)", none, NULL},
    {"resign", "the index re-signed by KEY, named as its publisher", resign, NULL},
    {"unsigned", "no system.sig.ed25519", unsigned_set, NULL},
    {"bad-signature", "a bit of the index signature flipped", bad_signature, NULL},
    {"sig-size", "system.sig.ed25519 one byte short", sig_size, NULL},
    {"publisher", "the index names another publisher, KEY signs", publisher, NULL},
    {"index-empty", "system.nxsindex of 0 bytes", index_empty, NULL},
    {"index-over-cap", "system.nxsindex one byte over NX_NXS_INDEX_MAX", index_over_cap, NULL},
    {"index-garbage", "system.nxsindex bytes not Cap'n Proto, signed", index_garbage, NULL},
    {"pax", "pax extended headers, not plain ustar", pax, NULL},
    {"trailing-garbage", "a non-zero byte after the end blocks", none, stray_byte},
    {"oversize", "one byte over NX_NXS_ARCHIVE_MAX (sparse)", none, oversize},
    {"extra-member", "a member \"junk\" before the last bundle", extra_member, NULL},
    {"missing-member", "the last bundle without payload.elf", missing_member, NULL},
    {"duplicate-member", "the last manifest.nxb twice", duplicate_member, NULL},
    {"reordered-members", "the last manifest.sig before its manifest.nxb", reordered_members, NULL},
    {"symlink", "the last payload.elf a symlink to /etc/passwd", symlink_member, NULL},
    {"hardlink", "the last payload.elf a hard link to the first", hardlink_member, NULL},
    {"directory", "a directory entry for the last bundle", directory, NULL},
    {"fifo", "the last payload.elf a FIFO", fifo, NULL},
    {"device", "the last payload.elf a character device", device, NULL},
    {"absolute", "/system.nxsindex", absolute, NULL},
    {"dotdot", "the last manifest.nxb by a path with \"..\"", dotdot, NULL},
    {"empty-segment", "the last manifest.nxb by a path with \"//\"", empty_segment, NULL},
    {"nul-in-name", "bytes after a NUL in system.nxsindex's name", none, nul_in_name},
    {"manifest-digest", "a byte of the last manifest.nxb flipped", manifest_digest, NULL},
    {"payload-digest", "a byte of the last payload.elf flipped", payload_digest, NULL},
    {"payload-size", "the last payload.elf one byte short", payload_size, NULL},
    {"member-over-cap", "the last manifest.nxb one byte over NX_MANIFEST_MAX", member_over_cap,
     NULL},
    {"bundle-sig", "a bit of the last manifest.sig flipped", bundle_sig, NULL},
    {"bundle-version", "the last manifest says 9.9.9 (signed)", bundle_version, NULL},
    {"bundle-name", "the last manifest names another bundle (signed)", bundle_name, NULL},
    {"manifest-payload-digest", "the last manifest's payload digest wrong (signed)",
     manifest_payload_digest, NULL},
    {"payload-not-elf", "the last payload.elf not an ELF (everything signed)", payload_not_elf,
     NULL},
};

const struct gen_mutation *gen_mutation_find(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const struct gen_mutation *gen_mutations(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}
