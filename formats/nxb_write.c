/*
 * Writing a .nxb bundle atomically: build it complete in a stage directory,
 * fsync every file and the directory, then one rename makes it visible
 * (RENAME_NOREPLACE: an existing bundle is never clobbered), then fsync the
 * parent so the rename itself is durable. Any failure removes the stage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"
#include "fmt_fail.h"
#include "nxb.h"

#define NXB_COPY_CHUNK (64U << 10) /* bytes per read of the payload source */

static int name_ok(const char *name)
{
	size_t n = strnlen(name, NAME_MAX + 1);
	return n > 0 && n <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

static int write_file(int dirfd, const char *name, const void *buf, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (nxf_write_all(fd, buf, len) || fsync(fd)) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/* payload_fd from offset 0 to EOF into a new file; -2 when over NX_PAYLOAD_MAX. */
static int copy_payload(int dirfd, int payload_fd)
{
	uint8_t chunk[NXB_COPY_CHUNK];
	uint64_t done = 0;
	int r = 0;
	int fd = openat(dirfd, NX_BUNDLE_PAYLOAD,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = pread(payload_fd, chunk, sizeof(chunk), (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -1 : 0;
			break;
		}
		if ((done += (uint64_t)n) > NX_PAYLOAD_MAX) {
			r = -2;
			break;
		}
		if (nxf_write_all(fd, chunk, (size_t)n)) {
			r = -1;
			break;
		}
	}
	if (r == 0 && fsync(fd))
		r = -1;
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

static void remove_stage(int stage_fd, const char *stage_name, int sfd)
{
	for (int i = 0; i < 3; i++) {
		static const char *const m[] = {NX_BUNDLE_MANIFEST, NX_BUNDLE_SIG,
						NX_BUNDLE_PAYLOAD};
		unlinkat(sfd, m[i], 0);
	}
	close(sfd);
	unlinkat(stage_fd, stage_name, AT_REMOVEDIR);
}

static int fill_stage(int sfd, const void *manifest, size_t manifest_len, const struct nx_sig *sig,
		      int payload_fd, struct nx_fmt_err *e)
{
	uint8_t sigbuf[NX_SIG_FILE_SIZE];
	int r;
	nx_sig_format(sig, sigbuf);
	if (write_file(sfd, NX_BUNDLE_MANIFEST, manifest, manifest_len) ||
	    write_file(sfd, NX_BUNDLE_SIG, sigbuf, sizeof(sigbuf)))
		return nx_fmt_fail(e, NX_FMT_EIO, "writing the bundle: %s", strerror(errno));
	if ((r = copy_payload(sfd, payload_fd)) == -2)
		return nx_fmt_fail(e, NX_FMT_ENXB_PAYLOAD_SIZE, "payload over %llu bytes",
				   (unsigned long long)NX_PAYLOAD_MAX);
	if (r || fsync(sfd))
		return nx_fmt_fail(e, NX_FMT_EIO, "writing %s: %s", NX_BUNDLE_PAYLOAD,
				   strerror(errno));
	return 0;
}

int nx_nxb_write_staged(int stage_fd, const char *stage_name, int parent_fd, const char *name,
			const void *manifest, size_t manifest_len, const struct nx_sig *sig,
			int payload_fd, struct nx_fmt_err *e)
{
	struct stat st;
	int sfd, r;
	if (!name_ok(stage_name) || !name_ok(name))
		return nx_fmt_fail(e, NX_FMT_EINVAL,
				   "bundle name \"%.64s\" is not one path element",
				   name_ok(name) ? stage_name : name);
	if (manifest_len == 0 || manifest_len > NX_MANIFEST_MAX)
		return nx_fmt_fail(e, NX_FMT_ENXB_MANIFEST_SIZE,
				   "manifest of %zu bytes, want 1..%u", manifest_len,
				   (unsigned)NX_MANIFEST_MAX);
	/* Fail before copying a large payload; RENAME_NOREPLACE still decides at the end. */
	if (!fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return nx_fmt_fail(e, NX_FMT_ENXB_EXISTS, "%.64s: already exists", name);
	if (mkdirat(stage_fd, stage_name, 0755))
		return nx_fmt_fail(e, errno == EEXIST ? NX_FMT_ENXB_EXISTS : NX_FMT_EIO,
				   "stage %.64s: %s", stage_name, strerror(errno));
	if ((sfd = openat(stage_fd, stage_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
	    0) {
		r = nx_fmt_fail(e, NX_FMT_EIO, "stage %.64s: %s", stage_name, strerror(errno));
		unlinkat(stage_fd, stage_name, AT_REMOVEDIR);
		return r;
	}
	if ((r = fill_stage(sfd, manifest, manifest_len, sig, payload_fd, e))) {
		remove_stage(stage_fd, stage_name, sfd);
		return r;
	}
	if (renameat2(stage_fd, stage_name, parent_fd, name, RENAME_NOREPLACE)) {
		r = nx_fmt_fail(e, errno == EEXIST ? NX_FMT_ENXB_EXISTS : NX_FMT_EIO, "%.64s: %s",
				name, strerror(errno));
		remove_stage(stage_fd, stage_name, sfd);
		return r;
	}
	close(sfd);
	if (fsync(parent_fd) || (stage_fd != parent_fd && fsync(stage_fd)))
		return nx_fmt_fail(e, NX_FMT_EIO, "fsync after renaming %.64s: %s", name,
				   strerror(errno));
	return 0;
}

int nx_nxb_write(int parent_fd, const char *name, const void *manifest, size_t manifest_len,
		 const struct nx_sig *sig, int payload_fd, struct nx_fmt_err *e)
{
	uint8_t rnd[8];
	char hex[2 * sizeof(rnd) + 1], stage[NAME_MAX + 1];
	if (sodium_init() < 0)
		return nx_fmt_fail(e, NX_FMT_EINVAL, "libsodium failed to initialise");
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	if (!name_ok(name) || strlen(name) + sizeof(hex) + 2 > sizeof(stage))
		return nx_fmt_fail(e, NX_FMT_EINVAL,
				   "bundle name \"%.64s\" is not one path element", name);
	snprintf(stage, sizeof(stage), ".%s.%s", name, hex);
	return nx_nxb_write_staged(parent_fd, stage, parent_fd, name, manifest, manifest_len, sig,
				   payload_fd, e);
}
