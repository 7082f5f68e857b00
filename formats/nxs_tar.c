/*
 * libarchive beneath the .nxs reader (nxs_tar.h). libarchive parses the
 * headers; the checks libarchive does not make (the header is plain
 * ustar, no bytes hide after a NUL in a name, the type byte is '0') read
 * the raw header at the offset libarchive reports for it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt_fail.h"
#include "nxs_tar.h"

#define NXS_READ_CHUNK (64U << 10) /* bytes per pread handed to libarchive */

/* ustar header fields (POSIX.1-1988), byte offsets into the 512-byte block. */
#define USTAR_NAME 0
#define USTAR_NAME_LEN 100
#define USTAR_TYPEFLAG 156
#define USTAR_MAGIC 257 /* "ustar\0" then version "00" */
#define USTAR_PREFIX 345
#define USTAR_PREFIX_LEN 155

static la_ssize_t in_read(struct archive *a, void *ctx, const void **buf)
{
	struct nxs_tar *t = ctx;
	uint64_t left = t->size - t->off;
	size_t want = left < NXS_READ_CHUNK ? (size_t)left : NXS_READ_CHUNK;
	ssize_t n;
	do
		n = want ? pread(t->fd, t->chunk, want, (off_t)t->off) : 0;
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	t->off += (uint64_t)n;
	*buf = t->chunk;
	return n;
}

static la_int64_t in_skip(struct archive *a, void *ctx, la_int64_t request)
{
	struct nxs_tar *t = ctx;
	uint64_t left = t->size - t->off;
	uint64_t n = request < 0 ? 0 : (uint64_t)request < left ? (uint64_t)request : left;
	(void)a;
	t->off += n;
	return (la_int64_t)n;
}

static int tar_fail(struct nxs_tar *t, size_t k, struct nx_fmt_err *e)
{
	const char *why = archive_error_string(t->a);
	return nx_fmt_fail(e, NX_FMT_ENXS_TAR, "member %zu: %s", k + 1,
			   why ? why : "not a tar header libarchive reads");
}

int nxs_tar_open(struct nxs_tar *t, int fd, uint64_t size, struct nx_fmt_err *e)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->size = size;
	if (!(t->chunk = malloc(NXS_READ_CHUNK)) || !(t->a = archive_read_new()))
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "libarchive: out of memory");
	/* tar alone: no other format, no decompression filter. */
	if (archive_read_support_format_tar(t->a) != ARCHIVE_OK ||
	    archive_read_open2(t->a, t, NULL, in_read, in_skip, NULL) != ARCHIVE_OK) {
		const char *why = archive_error_string(t->a);
		return nx_fmt_fail(e, NX_FMT_ENXS_TAR, "not a tar archive: %s",
				   why ? why : "libarchive cannot open it");
	}
	return 0;
}

/* The bytes after the first NUL of a header's text field are NUL too. */
static bool nul_clean(const uint8_t *field, size_t len)
{
	const uint8_t *nul = memchr(field, 0, len);
	for (const uint8_t *p = nul; p && p < field + len; p++)
		if (*p)
			return false;
	return true;
}

/* What libarchive does not check: plain ustar, no hidden bytes in a name, no pax header. */
static int check_raw(struct nxs_tar *t, size_t k, int *typeflag, struct nx_fmt_err *e)
{
	uint8_t h[NX_NXS_TAR_BLOCK];
	la_int64_t at = archive_read_header_position(t->a);
	if (at < 0 || (uint64_t)at + sizeof(h) > t->size ||
	    pread(t->fd, h, sizeof(h), (off_t)at) != (ssize_t)sizeof(h))
		return nx_fmt_fail(e, NX_FMT_ENXS_TAR, "member %zu: header not readable", k + 1);
	if (memcmp(h + USTAR_MAGIC,
		   "ustar\0"
		   "00",
		   8))
		return nx_fmt_fail(e, NX_FMT_ENXS_TAR,
				   "member %zu: not a plain ustar header (GNU, v7 or other tar)",
				   k + 1);
	if (h[USTAR_TYPEFLAG] == 'x' || h[USTAR_TYPEFLAG] == 'g')
		return nx_fmt_fail(e, NX_FMT_ENXS_TAR, "member %zu: a pax extended header", k + 1);
	if (!nul_clean(h + USTAR_NAME, USTAR_NAME_LEN) ||
	    !nul_clean(h + USTAR_PREFIX, USTAR_PREFIX_LEN))
		return nx_fmt_fail(e, NX_FMT_ENXS_PATH_NUL,
				   "member %zu: \"%.*s\": bytes after a NUL in its name", k + 1,
				   USTAR_NAME_LEN, (const char *)h + USTAR_NAME);
	t->end = (uint64_t)at + NX_NXS_TAR_BLOCK;
	*typeflag = h[USTAR_TYPEFLAG];
	return 0;
}

static int check_type(struct archive_entry *en, int typeflag, const char *path,
		      struct nx_fmt_err *e)
{
	mode_t type = archive_entry_filetype(en);
	if (typeflag == '1' || archive_entry_hardlink(en))
		return nx_fmt_fail(e, NX_FMT_ENXS_HARDLINK, "%.*s: a hard link", NXS_TAR_PATH_SHOWN,
				   path);
	if (typeflag == '2' || type == AE_IFLNK)
		return nx_fmt_fail(e, NX_FMT_ENXS_SYMLINK, "%.*s: a symbolic link",
				   NXS_TAR_PATH_SHOWN, path);
	if (typeflag == '5' || type == AE_IFDIR)
		return nx_fmt_fail(e, NX_FMT_ENXS_DIRECTORY, "%.*s: a directory entry",
				   NXS_TAR_PATH_SHOWN, path);
	if (typeflag != '0' || type != AE_IFREG)
		return nx_fmt_fail(
		    e, NX_FMT_ENXS_SPECIAL,
		    "%.*s: not a regular file (typeflag '%c': device, FIFO or other)",
		    NXS_TAR_PATH_SHOWN, path, typeflag >= 0x20 ? typeflag : '?');
	return 0;
}

static int check_path(const char *path, struct nx_fmt_err *e)
{
	if (path[0] == '/')
		return nx_fmt_fail(e, NX_FMT_ENXS_PATH_ABSOLUTE, "%.*s: an absolute path",
				   NXS_TAR_PATH_SHOWN, path);
	for (const char *seg = path;;) {
		size_t n = strcspn(seg, "/");
		if (n == 0)
			return nx_fmt_fail(e, NX_FMT_ENXS_PATH_EMPTY, "\"%.*s\": an empty segment",
					   NXS_TAR_PATH_SHOWN, path);
		if (n == 2 && !strncmp(seg, "..", 2))
			return nx_fmt_fail(e, NX_FMT_ENXS_PATH_DOTDOT, "%.*s: a \"..\" segment",
					   NXS_TAR_PATH_SHOWN, path);
		if (!seg[n])
			return 0;
		seg += n + 1;
	}
}

int nxs_tar_next(struct nxs_tar *t, size_t k, bool *eof, struct nx_fmt_err *e)
{
	struct archive_entry *en;
	int r = archive_read_next_header(t->a, &en), typeflag;
	*eof = r == ARCHIVE_EOF;
	if (*eof)
		return 0;
	if (r != ARCHIVE_OK)
		return tar_fail(t, k, e);
	if ((r = check_raw(t, k, &typeflag, e)))
		return r;
	if (!(t->path = archive_entry_pathname(en)) || archive_entry_size(en) < 0)
		return nx_fmt_fail(e, NX_FMT_ENXS_TAR, "member %zu: no path or size", k + 1);
	t->member_size = (uint64_t)archive_entry_size(en);
	t->end += (t->member_size + NX_NXS_TAR_BLOCK - 1) / NX_NXS_TAR_BLOCK * NX_NXS_TAR_BLOCK;
	if ((r = check_type(en, typeflag, t->path, e)))
		return r;
	return check_path(t->path, e);
}

int nxs_tar_data(struct nxs_tar *t, void *buf, size_t len, struct nx_fmt_err *e)
{
	size_t done = 0;
	while (done < len) {
		la_ssize_t n = archive_read_data(t->a, (uint8_t *)buf + done, len - done);
		if (n <= 0)
			return n ? nx_fmt_fail(e, NX_FMT_ENXS_TAR, "%.*s: %s", NXS_TAR_PATH_SHOWN,
					       t->path, archive_error_string(t->a))
				 : nx_fmt_fail(e, NX_FMT_ENXS_TAR, "%.*s: data ends early",
					       NXS_TAR_PATH_SHOWN, t->path);
		done += (size_t)n;
	}
	return 0;
}

bool nxs_tar_follows(struct nxs_tar *t, const char *path)
{
	bool eof = false;
	for (size_t k = 0; !eof; k++)
		if (nxs_tar_next(t, k, &eof, NULL))
			return false;
		else if (!eof && !strcmp(t->path, path))
			return true;
	return false;
}

int nxs_tar_end(struct nxs_tar *t, struct nx_fmt_err *e)
{
	uint64_t at = t->end;
	if (t->size < at || t->size - at < NX_NXS_TAR_END)
		return nx_fmt_fail(e, NX_FMT_ENXS_TAR,
				   "the archive ends without its two zero end blocks");
	while (at < t->size) {
		size_t n = t->size - at < NXS_READ_CHUNK ? (size_t)(t->size - at) : NXS_READ_CHUNK;
		ssize_t got = pread(t->fd, t->chunk, n, (off_t)at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return nx_fmt_fail(e, NX_FMT_EIO, "reading the end of the archive: %s",
					   got ? strerror(errno) : "shorter than when opened");
		for (ssize_t i = 0; i < got; i++)
			if (t->chunk[i])
				return nx_fmt_fail(e, NX_FMT_ENXS_TAR,
						   "non-zero byte at offset %llu, after the last "
						   "member",
						   (unsigned long long)(at + (uint64_t)i));
		at += (uint64_t)got;
	}
	return 0;
}

void nxs_tar_close(struct nxs_tar *t)
{
	if (t->a)
		archive_read_free(t->a);
	free(t->chunk);
	t->a = NULL;
	t->chunk = NULL;
}
