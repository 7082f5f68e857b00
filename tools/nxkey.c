/*
 * nxkey: Ed25519 key pairs for signing bundles (formats/sig.h gives the
 * file format). The secret key file is created 0600 and never replaces an
 * existing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "file_read.h"
#include "sig.h"
#include "keyfile.h"

#define NXKEY_DEFAULT_COMMENT "nexus-sim signing key"
#define NXKEY_PATH_MAX 4096 /* bytes of PREFIX plus ".key" and the NUL */

static void usage(FILE *f)
{
	fprintf(f, "usage: nxkey generate PREFIX [--comment TEXT]\n"
		   "       nxkey id FILE.pub\n"
		   "\n"
		   "generate  write a new Ed25519 key pair: PREFIX.key (secret, mode 0600)\n"
		   "          and PREFIX.pub (public); refuses to overwrite either\n"
		   "id        print the key id (first 8 bytes of SHA-256 of the public key)\n");
}

static int write_new(const char *path, mode_t mode, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (nxf_write_all(fd, buf, len) || fsync(fd)) {
		int saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		return -1;
	}
	return close(fd);
}

static int generate(const char *prefix, const char *comment)
{
	struct nx_pubkey pub;
	struct nx_seckey sec;
	struct nx_fmt_err e;
	char text[NX_SIG_KEYFILE_MAX], key_path[NXKEY_PATH_MAX], pub_path[NXKEY_PATH_MAX];
	char hex[NX_KEY_ID_CHARS + 1];
	size_t len;
	int rc = 0;
	if ((size_t)snprintf(key_path, sizeof(key_path), "%s.key", prefix) >= sizeof(key_path) ||
	    (size_t)snprintf(pub_path, sizeof(pub_path), "%s.pub", prefix) >= sizeof(pub_path)) {
		fprintf(stderr, "nxkey: %s: prefix too long\n", prefix);
		return EX_USAGE;
	}
	if (nx_sig_keygen(comment, &pub, &sec, &e)) {
		fprintf(stderr, "nxkey: %s\n", e.msg);
		return EX_USAGE;
	}
	if (nx_seckey_format(&sec, text, sizeof(text), &len) ||
	    write_new(key_path, 0600, text, len)) {
		fprintf(stderr, "nxkey: %s: %s\n", key_path, strerror(errno));
		rc = EX_CANTCREAT;
	}
	sodium_memzero(text, sizeof(text));
	nx_seckey_wipe(&sec);
	if (rc)
		return rc;
	if (nx_pubkey_format(&pub, text, sizeof(text), &len) ||
	    write_new(pub_path, 0644, text, len)) {
		fprintf(stderr, "nxkey: %s: %s\n", pub_path, strerror(errno));
		unlink(key_path);
		return EX_CANTCREAT;
	}
	nx_sig_key_id_hex(pub.id, hex);
	printf("%s\n", hex);
	return 0;
}

static int id(const char *path)
{
	struct nx_pubkey pub;
	struct nx_fmt_err e;
	char hex[NX_KEY_ID_CHARS + 1];
	int r = nx_pubkey_load(AT_FDCWD, path, &pub, &e);
	if (r) {
		fprintf(stderr, "nxkey: %s\n", e.msg);
		return r == NX_FMT_EIO ? EX_NOINPUT : EX_DATAERR;
	}
	nx_sig_key_id_hex(pub.id, hex);
	printf("%s\n", hex);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "generate"))
		return generate(argv[2], NXKEY_DEFAULT_COMMENT);
	if (argc == 5 && !strcmp(argv[1], "generate") && !strcmp(argv[3], "--comment"))
		return generate(argv[2], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "id"))
		return id(argv[2]);
	usage(stderr);
	return EX_USAGE;
}
