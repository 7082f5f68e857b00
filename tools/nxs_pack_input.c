/*
 * nxs-pack's input directory: nothing but bundle directories, each
 * verified as bundlemgrd would (signature against the trust set, manifest,
 * payload size and digest) before anything is packed. Entries are read in
 * name order so the first refusal reported is always the same one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "nxs.h"
#include "nxs_pack.h"

#define PACK_MSG_MAX (2 * NX_FMT_MSG_MAX) /* bytes of one composed message */

static int by_dir(const void *a, const void *b)
{
	return strcmp(((const struct pack_bundle *)a)->dir, ((const struct pack_bundle *)b)->dir);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pack_bundle *)a)->nxb.m.name,
		      ((const struct pack_bundle *)b)->nxb.m.name);
}

/* The entry names of the directory, at most NX_NXS_BUNDLES_MAX, sorted. */
static int list_entries(const char *path, int dfd, struct pack_bundle *b, size_t *n)
{
	char msg[PACK_MSG_MAX];
	struct dirent *de;
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	int rc = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return pack_fail(path, strerror(errno), EX_NOINPUT);
	}
	*n = 0;
	while (!rc && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == NX_NXS_BUNDLES_MAX) {
			snprintf(msg, sizeof(msg),
				 "more than %d entries: a system set holds at most %d bundles",
				 NX_NXS_BUNDLES_MAX, NX_NXS_BUNDLES_MAX);
			rc = pack_fail(path, msg, EX_DATAERR);
		} else
			snprintf(b[(*n)++].dir, sizeof(b->dir), "%s", de->d_name);
	}
	if (!rc && errno)
		rc = pack_fail(path, strerror(errno), EX_NOINPUT);
	closedir(d);
	if (!rc && *n == 0)
		rc =
		    pack_fail(path, "holds no bundle: a system set needs at least one", EX_DATAERR);
	qsort(b, *n, sizeof(*b), by_dir);
	return rc;
}

static int verify_one(const char *path, int dfd, struct nx_trust const *trust,
		      struct pack_bundle *b)
{
	char file[PACK_MSG_MAX];
	struct nx_fmt_err e;
	size_t len = strlen(b->dir), slen = strlen(NX_NXB_SUFFIX);
	int bfd, r;
	snprintf(file, sizeof(file), "%s/%s", path, b->dir);
	if (len <= slen || strcmp(b->dir + len - slen, NX_NXB_SUFFIX))
		return pack_fail(file, "not a <name>.nxb bundle directory", EX_DATAERR);
	if ((bfd = openat(dfd, b->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return pack_fail(file,
				 errno == ENOTDIR || errno == ELOOP
				     ? "not a <name>.nxb bundle directory"
				     : strerror(errno),
				 errno == ENOTDIR || errno == ELOOP ? EX_DATAERR : EX_NOINPUT);
	r = nx_nxb_verify(&b->nxb, bfd, trust, &e);
	close(bfd);
	if (r)
		return pack_fail(file, e.msg, r == NX_FMT_EIO ? EX_NOINPUT : EX_DATAERR);
	return 0;
}

int pack_read_input(const char *path, const struct nx_trust *trust, struct pack_bundle **out,
		    size_t *n)
{
	struct pack_bundle *b = calloc(NX_NXS_BUNDLES_MAX, sizeof(*b));
	char msg[PACK_MSG_MAX];
	size_t verified = 0;
	int dfd, rc;
	if (!b)
		return pack_fail(path, "out of memory", EX_SOFTWARE);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(b);
		return pack_fail(path, strerror(errno), EX_NOINPUT);
	}
	rc = list_entries(path, dfd, b, n);
	/* verified counts the bundles nx_nxb_verify() left open, for pack_bundles_free(). */
	while (!rc && verified < *n && !(rc = verify_one(path, dfd, trust, &b[verified])))
		verified++;
	close(dfd);
	if (!rc) {
		qsort(b, *n, sizeof(*b), by_name);
		for (size_t i = 1; !rc && i < *n; i++)
			if (!strcmp(b[i].nxb.m.name, b[i - 1].nxb.m.name)) {
				snprintf(msg, sizeof(msg), "%s and %s both hold bundle %s",
					 b[i - 1].dir, b[i].dir, b[i].nxb.m.name);
				rc = pack_fail(path, msg, EX_DATAERR);
			}
	}
	if (rc) {
		pack_bundles_free(b, verified);
		return rc;
	}
	*out = b;
	return 0;
}

void pack_bundles_free(struct pack_bundle *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++)
		nx_nxb_close(&b[i].nxb);
	free(b);
}
