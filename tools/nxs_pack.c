/*
 * nxs-pack: a directory of signed .nxb bundles + META.toml + secret key ->
 * a signed .nxs system set (formats/nxs.h). Every bundle is verified
 * first (its own signature against --trust, or the key's public half;
 * its manifest; its payload size and digest); the index lists them by
 * name and is signed with the key, whose public half it names as the
 * publisher. The output is written to a hidden file beside OUT and
 * renamed over it only when complete and fsynced: OUT is never
 * half-written. The same inputs give the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "file_read.h"
#include "keyfile.h"
#include "nxhost.h"
#include "nxs_meta.h"
#include "nxs_pack.h"
#include "nxs_write.h"
#include "toml.h"

#define PACK_PATH_MAX 4096 /* bytes of a path argument including the NUL */
#define PACK_TMP_RANDOM 8  /* random bytes in the temporary output's name */

struct args {
	const char *input, *meta, *key, *output, *trust;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nxs-pack --input DIR --meta META.toml --key KEY --output OUT.nxs "
		   "[--trust DIR]\n"
		   "\n"
		   "Packs the signed bundles DIR/<name>.nxb (nothing else may be in DIR) into a\n"
		   "system set: each bundle is verified (its signature against the public keys\n"
		   "in --trust DIR, default the public half of KEY), the index is built from\n"
		   "them and META.toml (version, timestamp_unix_ms, health_check) and signed\n"
		   "with the Ed25519 secret KEY. OUT.nxs is replaced only when complete.\n"
		   "\n"
		   "exit: 0 ok, 64 usage, 65 refused input, 66 an input cannot be opened,\n"
		   "      70 internal error, 73 OUT cannot be written\n");
}

int pack_fail(const char *file, const char *msg, int rc)
{
	fprintf(stderr, "nxs-pack: %s: %s\n", file, msg);
	return rc;
}

static int usage_fail(const char *what)
{
	fprintf(stderr, "nxs-pack: %s\n", what);
	usage(stderr);
	return EX_USAGE;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	static const char *const names[] = {"--input", "--meta", "--key", "--output", "--trust"};
	const char **slots[] = {&a->input, &a->meta, &a->key, &a->output, &a->trust};
	char msg[PACK_PATH_MAX];
	const size_t nopt = sizeof(names) / sizeof(names[0]);
	for (int i = 1; i < argc; i++) {
		size_t o = 0;
		while (o < nopt && strcmp(argv[i], names[o]))
			o++;
		if (o == nopt) {
			snprintf(msg, sizeof(msg), "unknown argument '%.200s'", argv[i]);
			return usage_fail(msg);
		}
		if (i + 1 == argc) {
			snprintf(msg, sizeof(msg), "%s needs a value", names[o]);
			return usage_fail(msg);
		}
		if (*slots[o]) {
			snprintf(msg, sizeof(msg), "%s given twice", names[o]);
			return usage_fail(msg);
		}
		*slots[o] = argv[++i];
	}
	/* --trust, the last, is optional: the others are named when missing. */
	for (size_t o = 0; o + 1 < nopt; o++)
		if (!*slots[o]) {
			snprintf(msg, sizeof(msg), "missing %s", names[o]);
			return usage_fail(msg);
		}
	return 0;
}

static int read_meta(const char *path, struct nx_nxs_meta *m)
{
	static char src[NX_TOML_SRC_MAX];
	struct nx_fmt_err e;
	uint64_t size;
	int fd, r;
	if (nxf_open_regular(AT_FDCWD, path, &fd, &size))
		return pack_fail(path, strerror(errno), EX_NOINPUT);
	if (size > NX_TOML_SRC_MAX) {
		close(fd);
		return pack_fail(path, "larger than the 64 KiB a TOML source may be", EX_DATAERR);
	}
	r = nxf_pread_all(fd, src, (size_t)size);
	close(fd);
	if (r)
		return pack_fail(path, strerror(errno), EX_NOINPUT);
	if (nx_nxs_meta_from_toml(src, (size_t)size, m, &e))
		return pack_fail(path, e.msg, EX_DATAERR);
	return 0;
}

/* The signing key, and the trust set bundles are checked against. */
static int read_keys(const struct args *a, struct nx_seckey *sec, struct nx_trust *trust)
{
	struct nx_fmt_err e;
	struct nx_pubkey pub = {{0}, {0}, ""};
	int r = nx_seckey_load(AT_FDCWD, a->key, sec, &e), dfd;
	if (r)
		return pack_fail(a->key, e.msg, r == NX_FMT_EIO ? EX_NOINPUT : EX_DATAERR);
	trust->n = 0;
	if (!a->trust) {
		memcpy(pub.id, sec->id, sizeof(pub.id));
		memcpy(pub.pk, sec->sk + NX_SIG_SK_LEN - NX_SIG_PK_LEN, sizeof(pub.pk));
		return nx_trust_add(trust, &pub, &e) ? pack_fail(a->key, e.msg, EX_SOFTWARE) : 0;
	}
	if ((dfd = open(a->trust, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return pack_fail(a->trust, strerror(errno), EX_NOINPUT);
	r = nx_trust_load(trust, dfd, &e);
	close(dfd);
	return r ? pack_fail(a->trust, e.msg, EX_DATAERR) : 0;
}

static void fill_index(struct nx_nxs_index *ix, const struct nx_nxs_meta *m,
		       const struct nx_seckey *sec, const struct pack_bundle *b, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	ix->schema_version = NX_NXS_SCHEMA_VERSION;
	memcpy(ix->system_version, m->version, sizeof(m->version));
	memcpy(ix->publisher, sec->sk + NX_SIG_SK_LEN - NX_SIG_PK_LEN, sizeof(ix->publisher));
	ix->timestamp_unix_ms = m->timestamp_unix_ms;
	memcpy(ix->health_check, m->health_check, sizeof(m->health_check));
	ix->n_bundles = n;
	for (size_t i = 0; i < n; i++) {
		struct nx_nxs_entry *x = &ix->bundles[i];
		const struct nx_manifest *mf = &b[i].nxb.m;
		memcpy(x->name, mf->name, sizeof(x->name));
		memcpy(x->version, mf->semver, sizeof(x->version));
		crypto_hash_sha256(x->manifest_sha256, b[i].nxb.manifest, b[i].nxb.manifest_len);
		/* nx_nxb_verify() hashed the payload: its digest is the manifest's. */
		memcpy(x->payload_sha256, mf->payload_digest, sizeof(x->payload_sha256));
		x->payload_size = mf->payload_size;
	}
}

/* A write refusal from formats/ as an exit code. */
static int write_rc(int code)
{
	if (code == NX_FMT_EIO)
		return EX_CANTCREAT;
	if (code == NX_FMT_ENOMEM || code == NX_FMT_EINVAL)
		return EX_SOFTWARE;
	return EX_DATAERR;
}

/* fd: a fresh temporary file; the set written and fsynced into it. */
static int write_set(int fd, const char *out, const void *index, size_t index_len,
		     const struct nx_sig *sig, const struct pack_bundle *b, size_t n)
{
	struct nx_nxs_wbundle wb[NX_NXS_BUNDLES_MAX];
	struct nx_fmt_err e;
	int r;
	for (size_t i = 0; i < n; i++)
		wb[i] = (struct nx_nxs_wbundle){b[i].nxb.manifest, b[i].nxb.manifest_len,
						&b[i].nxb.sig, b[i].nxb.payload_fd};
	if ((r = nx_nxs_write(fd, index, index_len, sig, wb, n, &e)))
		return pack_fail(out, e.msg, write_rc(r));
	if (fsync(fd))
		return pack_fail(out, strerror(errno), EX_CANTCREAT);
	return 0;
}

/* Writes to ".<OUT's name>.<random>" beside OUT, then renames it to OUT. */
static int write_atomic(const char *out, const void *index, size_t index_len,
			const struct nx_sig *sig, const struct pack_bundle *b, size_t n)
{
	char dir[PACK_PATH_MAX], base[PACK_PATH_MAX], tmp[PACK_PATH_MAX], *name;
	uint8_t rnd[PACK_TMP_RANDOM];
	char hex[2 * PACK_TMP_RANDOM + 1];
	int dfd, fd, rc;
	if (strlen(out) >= sizeof(dir))
		return pack_fail(out, "path too long", EX_USAGE);
	strcpy(dir, out);
	strcpy(base, out);
	name = basename(base);
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..") || out[strlen(out) - 1] == '/')
		return pack_fail(out, "not a file name", EX_USAGE);
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return pack_fail(dir, strerror(errno), EX_CANTCREAT);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(tmp, sizeof(tmp), ".%.200s.%s", name, hex);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) <
	    0) {
		close(dfd);
		return pack_fail(out, strerror(errno), EX_CANTCREAT);
	}
	rc = write_set(fd, out, index, index_len, sig, b, n);
	close(fd);
	if (!rc && renameat(dfd, tmp, dfd, name))
		rc = pack_fail(out, strerror(errno), EX_CANTCREAT);
	if (rc)
		unlinkat(dfd, tmp, 0);
	else if (fsync(dfd))
		rc = pack_fail(dir, strerror(errno), EX_CANTCREAT);
	close(dfd);
	return rc;
}

static int pack(const struct args *a, const struct nx_nxs_meta *m, const struct nx_seckey *sec,
		const struct pack_bundle *b, size_t n)
{
	static struct nx_nxs_index ix;
	static uint8_t index[NX_NXS_INDEX_ENCODED_MAX];
	struct nx_fmt_err e;
	struct nx_sig sig;
	size_t len;
	char msg[2 * NX_FMT_MSG_MAX];
	fill_index(&ix, m, sec, b, n);
	if (nx_nxs_index_encode(&ix, index, sizeof(index), &len, &e)) {
		if (e.code == NX_FMT_ENXS_HEALTH)
			snprintf(msg, sizeof(msg), "health_check \"%s\" is not a bundle in %s",
				 m->health_check, a->input);
		return pack_fail(a->meta, e.code == NX_FMT_ENXS_HEALTH ? msg : e.msg, EX_DATAERR);
	}
	if (nx_sig_sign(sec, index, len, &sig))
		return pack_fail(a->key, "signing failed", EX_SOFTWARE);
	return write_atomic(a->output, index, len, &sig, b, n);
}

int main(int argc, char **argv)
{
	static struct nx_trust trust;
	struct args a = {0};
	struct nx_nxs_meta m;
	struct nx_seckey sec;
	struct pack_bundle *b = NULL;
	size_t n = 0;
	int rc;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if ((rc = parse_args(argc, argv, &a)))
		return rc;
	if (sodium_init() < 0)
		return pack_fail("libsodium", "cannot initialise", EX_SOFTWARE);
	if ((rc = read_meta(a.meta, &m)) || (rc = read_keys(&a, &sec, &trust)))
		goto out;
	if (!(rc = pack_read_input(a.input, &trust, &b, &n))) {
		rc = pack(&a, &m, &sec, b, n);
		pack_bundles_free(b, n);
	}
out:
	nx_seckey_wipe(&sec);
	return rc;
}
