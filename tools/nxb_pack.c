/*
 * nxb-pack: payload.elf + manifest.toml + secret key -> a signed bundle
 * directory OUT/NAME.nxb, written atomically (formats/nxb.h). The payload
 * is not validated as an ELF here: that is the loader's job at exec time,
 * and tests need validly signed bundles around malformed ELFs.
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
#include "manifest_toml.h"
#include "nxb.h"
#include "keyfile.h"
#include "toml.h"

#define PACK_PATH_MAX 4096 /* bytes of the output path including the NUL */

struct args {
	const char *payload, *out, *toml, *key;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nxb-pack PAYLOAD.elf OUT/NAME.nxb --toml MANIFEST.toml --key KEY\n"
		   "\n"
		   "Reads the manifest source, fills payloadSize and payloadDigest (SHA-256)\n"
		   "from the payload, encodes the canonical manifest.nxb, signs it with the\n"
		   "Ed25519 secret KEY (made by nxkey) and writes the bundle directory\n"
		   "atomically. NAME must be the manifest's name; OUT/NAME.nxb must not exist.\n"
		   "\n"
		   "exit: 0 ok, 64 usage, 65 bad input, 66 an input cannot be opened,\n"
		   "      70 internal error, 73 the bundle cannot be written\n");
}

/* 0, or -1 after saying on stderr what is wrong with the command line. */
static int parse_args(int argc, char **argv, struct args *a)
{
	int pos = 0;
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--toml") || !strcmp(argv[i], "--key")) && i + 1 >= argc) {
			fprintf(stderr, "nxb-pack: %s needs a file\n", argv[i]);
			return -1;
		} else if (!strcmp(argv[i], "--toml")) {
			a->toml = argv[++i];
		} else if (!strcmp(argv[i], "--key")) {
			a->key = argv[++i];
		} else if (argv[i][0] == '-' || pos == 2) {
			fprintf(stderr, "nxb-pack: unexpected argument '%s'\n", argv[i]);
			return -1;
		} else if (pos++ == 0) {
			a->payload = argv[i];
		} else {
			a->out = argv[i];
		}
	}
	const char *missing = !a->payload ? "the payload ELF"
			      : !a->out	  ? "the output bundle directory"
			      : !a->toml  ? "--toml MANIFEST.toml"
			      : !a->key	  ? "--key KEY (make one with: nxkey generate NAME)"
					  : NULL;
	if (missing != NULL) {
		fprintf(stderr, "nxb-pack: missing %s\n", missing);
		return -1;
	}
	return 0;
}

static int fail(const char *file, const char *msg, int rc)
{
	fprintf(stderr, "nxb-pack: %s: %s\n", file, msg);
	return rc;
}

static int read_toml(const char *path, struct nx_manifest *m)
{
	static char src[NX_TOML_SRC_MAX];
	struct nx_fmt_err e;
	uint64_t size;
	int fd, r;
	if (nxf_open_regular(AT_FDCWD, path, &fd, &size))
		return fail(path, strerror(errno), EX_NOINPUT);
	if (size > NX_TOML_SRC_MAX) {
		close(fd);
		return fail(path, "larger than the 64 KiB a manifest source may be", EX_DATAERR);
	}
	r = nxf_pread_all(fd, src, (size_t)size);
	close(fd);
	if (r)
		return fail(path, strerror(errno), EX_NOINPUT);
	if (nx_manifest_from_toml(src, (size_t)size, m, &e))
		return fail(path, e.msg, EX_DATAERR);
	return 0;
}

/* Size and SHA-256 of the payload into m. */
static int hash_payload(const char *path, int *fd, struct nx_manifest *m)
{
	static uint8_t chunk[64 << 10];
	crypto_hash_sha256_state st;
	uint64_t size, done = 0;
	if (nxf_open_regular(AT_FDCWD, path, fd, &size))
		return fail(path, strerror(errno), EX_NOINPUT);
	if (size == 0 || size > NX_PAYLOAD_MAX)
		return fail(path, "payload must be 1 byte to 50 MiB", EX_DATAERR);
	crypto_hash_sha256_init(&st);
	while (done < size) {
		size_t n = size - done < sizeof(chunk) ? (size_t)(size - done) : sizeof(chunk);
		if (nxf_pread_at(*fd, chunk, n, done))
			return fail(path, strerror(errno), EX_NOINPUT);
		crypto_hash_sha256_update(&st, chunk, n);
		done += n;
	}
	crypto_hash_sha256_final(&st, m->payload_digest);
	m->payload_size = size;
	return 0;
}

static int sign(const char *key_path, const void *msg, size_t len, struct nx_sig *sig)
{
	struct nx_seckey sec;
	struct nx_fmt_err e;
	int r = nx_seckey_load(AT_FDCWD, key_path, &sec, &e);
	if (r)
		return fail(key_path, e.msg, r == NX_FMT_EIO ? EX_NOINPUT : EX_DATAERR);
	r = nx_sig_sign(&sec, msg, len, sig);
	nx_seckey_wipe(&sec);
	return r ? fail(key_path, "signing failed", EX_SOFTWARE) : 0;
}

static int write_bundle(const struct args *a, const struct nx_manifest *m, const void *mbytes,
			size_t mlen, const struct nx_sig *sig, int payload_fd)
{
	char dir[PACK_PATH_MAX], base[PACK_PATH_MAX], want[NX_BUNDLE_NAME_MAX + 8];
	struct nx_fmt_err e;
	int dfd, r;
	if (strlen(a->out) >= sizeof(dir))
		return fail(a->out, "path too long", EX_USAGE);
	strcpy(dir, a->out);
	strcpy(base, a->out);
	snprintf(want, sizeof(want), "%s%s", m->name, NX_NXB_SUFFIX);
	if (strcmp(basename(base), want)) {
		char msg[NX_FMT_MSG_MAX];
		snprintf(msg, sizeof(msg), "must be named %s after the manifest's name", want);
		return fail(a->out, msg, EX_USAGE);
	}
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail(dir, strerror(errno), EX_CANTCREAT);
	r = nx_nxb_write(dfd, want, mbytes, mlen, sig, payload_fd, &e);
	close(dfd);
	if (r)
		return fail(a->out, e.msg,
			    r == NX_FMT_ENXB_PAYLOAD_SIZE ? EX_DATAERR : EX_CANTCREAT);
	return 0;
}

int main(int argc, char **argv)
{
	static struct nx_manifest m;
	static uint8_t mbytes[NX_MANIFEST_MAX];
	struct args a = {0};
	struct nx_fmt_err e;
	struct nx_sig sig;
	size_t mlen;
	int payload_fd = -1, rc;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &a)) {
		usage(stderr);
		return EX_USAGE;
	}
	if (sodium_init() < 0)
		return fail("libsodium", "cannot initialise", EX_SOFTWARE);
	if ((rc = read_toml(a.toml, &m)) || (rc = hash_payload(a.payload, &payload_fd, &m)))
		goto out;
	if (nx_manifest_encode(&m, mbytes, sizeof(mbytes), &mlen, &e)) {
		rc = fail(a.toml, e.msg, EX_DATAERR);
		goto out;
	}
	if (!(rc = sign(a.key, mbytes, mlen, &sig)))
		rc = write_bundle(&a, &m, mbytes, mlen, &sig, payload_fd);
out:
	if (payload_fd >= 0)
		close(payload_fd);
	return rc;
}
