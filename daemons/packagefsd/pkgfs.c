/*
 * packagefsd's file service. The slot is bundlemgrd's: packagefsd only
 * reads it, and only what the path rules let through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bstore.h"
#include "pkgfs.h"
#include "vfs_path.h"
#include "semver.h"
#include "nexus/err.h"
#include "nexus/svc_bundle.h"

int pkgfs_resolve(int slot_fd, const char *name, char out[NX_PATH_MAX], char *msg, size_t cap)
{
	struct bstore st = {.slot_fd = slot_fd, .staging_fd = -1, .io = &bstore_io_host};
	struct bstore_newest n;

	if (!vfs_path_name_ok(name)) {
		snprintf(msg, cap, "'%s': not a package name", name);
		return -NX_EINVAL;
	}
	int err = bstore_newest(&st, name, &n);
	if (err != 0) {
		snprintf(msg, cap, "%s: reading the installed packages: %s", name, strerror(-err));
		return -NX_ENOMEM;
	}
	if (!n.found) {
		snprintf(msg, cap, "pkg:/%s: no such package installed", name);
		return -NX_ESRCH;
	}
	snprintf(out, NX_PATH_MAX, "%s@%s", name, n.version);
	return 0;
}

int pkgfs_open(int slot_fd, const char *path, size_t len, uint64_t *size, char *msg, size_t cap)
{
	struct vfs_path p;
	const char *why = NULL;
	char dirname[NX_PATH_MAX];
	struct stat st;

	int err = vfs_path_parse(path, len, &p, &why);
	if (err == 0 && p.alias) {
		why = "packagefsd takes /packages/ paths only (vfsd resolves pkg:/)";
		err = -NX_EINVAL;
	}
	if (err != 0) {
		snprintf(msg, cap, "'%.*s': %s", (int)(len < 200 ? len : 200), path, why);
		return err;
	}
	snprintf(dirname, sizeof(dirname), "%s@%s", p.name, p.version);
	int dfd = openat(slot_fd, dirname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(msg, cap, "/packages/%s: no such package installed", dirname);
		return -NX_ESRCH;
	}
	int fd = openat(dfd, p.file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	close(dfd);
	if (fd < 0) {
		snprintf(msg, cap, "/packages/%s/%s: no such file", dirname, p.file);
		return -NX_ESRCH;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(msg, cap, "/packages/%s/%s: not a regular file", dirname, p.file);
		return -NX_ESRCH;
	}
	if ((uint64_t)st.st_size > NX_VFS_FILE_MAX) {
		close(fd);
		snprintf(msg, cap, "/packages/%s/%s: over %llu bytes", dirname, p.file,
			 (unsigned long long)NX_VFS_FILE_MAX);
		return -NX_EMSGSIZE;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int pkgfs_sealed_copy(int fd, uint64_t size)
{
	static uint8_t buf[64 << 10];
	int mfd = memfd_create("pkgfs", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -NX_ENOMEM;
	for (uint64_t off = 0; off < size;) {
		size_t want = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);
		ssize_t r = pread(fd, buf, want, (off_t)off);
		if (r <= 0)
			goto bad;
		for (ssize_t w, done = 0; done < r; done += w)
			if ((w = write(mfd, buf + done, (size_t)(r - done))) <= 0)
				goto bad;
		off += (uint64_t)r;
	}
	if (fcntl(mfd, F_ADD_SEALS, NX_BUNDLE_SEALS) != 0)
		goto bad;
	return mfd;
bad:
	close(mfd);
	return -NX_ENOMEM;
}
