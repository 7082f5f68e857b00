/*
 * The members of a set written as a tar with libarchive, with the header
 * fields nxs-pack writes (nxs_write.h), so that an unmutated set comes
 * out byte for byte as nxs-pack made it; and the one fault libarchive
 * cannot write (a NUL inside a name) patched into the header afterwards.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nxsgen.h"

/* ustar header fields (POSIX.1-1988), byte offsets into the 512-byte block. */
#define USTAR_NAME_LEN 100
#define USTAR_CHKSUM 148
#define USTAR_CHKSUM_LEN 8

void gen_drop(struct gen_archive *a, size_t k)
{
	memmove(&a->m[k], &a->m[k + 1], (a->n - k - 1) * sizeof(a->m[0]));
	a->n--;
}

void gen_insert(struct gen_archive *a, size_t at, const struct gen_member *m)
{
	memmove(&a->m[at + 1], &a->m[at], (a->n - at) * sizeof(a->m[0]));
	a->m[at] = *m;
	a->n++;
}

void gen_swap(struct gen_archive *a, size_t j, size_t k)
{
	struct gen_member t = a->m[j];

	a->m[j] = a->m[k];
	a->m[k] = t;
}

void gen_retype(struct gen_archive *a, size_t k, mode_t type, const char *link, int hardlink)
{
	a->m[k].type = type;
	a->m[k].link = link;
	a->m[k].hardlink = hardlink;
	a->m[k].data = NULL;
	a->m[k].len = 0;
}

/* Data bytes member m's header announces. */
static size_t data_len(const struct gen_member *m)
{
	return m->type == AE_IFREG && !m->hardlink ? m->len : 0;
}

static int put_data(struct archive *a, const struct gen_member *m)
{
	static const uint8_t zeros[64 << 10];

	for (size_t done = 0; done < data_len(m);) {
		size_t n = data_len(m) - done < sizeof(zeros) ? data_len(m) - done : sizeof(zeros);

		if (archive_write_data(a, m->data ? m->data + done : zeros, n) != (la_ssize_t)n)
			return -1;
		done += n;
	}
	return 0;
}

static int put_member(struct archive *a, struct archive_entry *en, const struct gen_archive *ga,
		      const struct gen_member *m)
{
	archive_entry_clear(en);
	archive_entry_set_pathname(en, m->path);
	archive_entry_set_filetype(en, m->type);
	archive_entry_set_perm(en, NX_NXS_MEMBER_MODE);
	/* A sub-second mtime is what makes libarchive's pax writer emit an extended header. */
	archive_entry_set_mtime(en, ga->mtime, ga->pax ? 1 : 0);
	if (m->type == AE_IFLNK)
		archive_entry_set_symlink(en, m->link);
	if (m->hardlink)
		archive_entry_set_hardlink(en, m->link);
	if (m->type == AE_IFCHR)
		archive_entry_set_rdev(en, makedev(1, 3));
	archive_entry_set_size(en, (la_int64_t)data_len(m));
	if (archive_write_header(a, en) != ARCHIVE_OK)
		return -1;
	return put_data(a, m);
}

int gen_write(const struct gen_archive *ga, int fd)
{
	struct archive *a = archive_write_new();
	struct archive_entry *en = archive_entry_new();
	int err = a == NULL || en == NULL;

	/* Plain ustar, ending right after the two zero blocks: nxs-pack's bytes. */
	if (!err)
		err =
		    archive_write_set_format(a, ga->pax ? ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE
							: ARCHIVE_FORMAT_TAR_USTAR) != ARCHIVE_OK ||
		    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
		    archive_write_open_fd(a, fd) != ARCHIVE_OK;
	for (size_t k = 0; !err && k < ga->n; k++)
		err = put_member(a, en, ga, &ga->m[k]);
	if (!err)
		err = archive_write_close(a) != ARCHIVE_OK;
	if (err)
		fprintf(stderr, "nxsgen: libarchive: %s\n",
			a && archive_error_string(a) ? archive_error_string(a) : "out of memory");
	archive_entry_free(en);
	archive_write_free(a);
	return err ? -1 : 0;
}

/* Offset of member k's header: every header and data block before it. */
static off_t header_at(const struct gen_archive *a, size_t k)
{
	off_t at = 0;

	for (size_t j = 0; j < k; j++)
		at += NX_NXS_TAR_BLOCK + (off_t)((data_len(&a->m[j]) + NX_NXS_TAR_BLOCK - 1) /
						 NX_NXS_TAR_BLOCK * NX_NXS_TAR_BLOCK);
	return at;
}

int gen_patch_name(const struct gen_archive *a, int fd, size_t k, const void *name, size_t len)
{
	uint8_t h[NX_NXS_TAR_BLOCK];
	off_t at = header_at(a, k);
	unsigned sum = 0;

	if (len > USTAR_NAME_LEN || pread(fd, h, sizeof(h), at) != (ssize_t)sizeof(h)) {
		fprintf(stderr, "nxsgen: member %zu: no header to patch\n", k + 1);
		return -1;
	}
	memcpy(h, name, len);
	/* The checksum counts its own field as spaces: six octal digits, NUL, space. */
	memset(h + USTAR_CHKSUM, ' ', USTAR_CHKSUM_LEN);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + USTAR_CHKSUM, USTAR_CHKSUM_LEN - 1, "%06o", sum);
	if (pwrite(fd, h, sizeof(h), at) != (ssize_t)sizeof(h)) {
		fprintf(stderr, "nxsgen: member %zu: header not written\n", k + 1);
		return -1;
	}
	return 0;
}
