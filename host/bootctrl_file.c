/*
 * The BootCtrl record on disk (sysstate.h). A write never leaves a
 * half-written record behind: the new bytes become the record by one
 * rename, after they and before the directory are fsynced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"
#include "fmt_fail.h"
#include "nexus/state.h"
#include "sysstate.h"

static int host_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags, mode);
}

static int host_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	return renameat(olddirfd, oldpath, newdirfd, newpath);
}

const struct nx_bootctrl_io nx_bootctrl_io_host = {
    .openat = host_openat,
    .write = write,
    .fsync = fsync,
    .renameat = host_renameat,
};

int nx_bootctrl_load(int state_fd, struct nx_bootctrl *bc, struct nx_fmt_err *e)
{
	/* One byte more than a record, so a longer file is told from a whole one. */
	uint8_t buf[NX_BOOTCTRL_SIZE + 1];
	uint64_t size;
	int fd;

	if (nxf_open_regular(state_fd, NX_STATE_BOOTCTRL, &fd, &size) != 0) {
		if (errno == ENOENT)
			return NX_BOOTCTRL_MISSING;
		/* nxf_open_regular's errno for a link or a directory says nothing to a user. */
		return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", NX_STATE_BOOTCTRL,
				   errno == ELOOP    ? "a symbolic link"
				   : errno == EINVAL ? "not a regular file"
						     : strerror(errno));
	}
	size_t n = size < sizeof(buf) ? (size_t)size : sizeof(buf);
	int err = nxf_pread_all(fd, buf, n) != 0 ? errno : 0;
	close(fd);
	if (err != 0)
		return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", NX_STATE_BOOTCTRL, strerror(err));
	return nx_bootctrl_decode(buf, n, bc, e);
}

static int write_all(const struct nx_bootctrl_io *io, int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = io->write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int nx_bootctrl_store(int state_fd, const struct nx_bootctrl *bc, const struct nx_bootctrl_io *io,
		      void (*step)(void *arg, const char *name), void *arg, struct nx_fmt_err *e)
{
	uint8_t rec[NX_BOOTCTRL_SIZE];
	const char *what = "create";
	int err = nx_bootctrl_encode(bc, rec, e), fd;

	if (err != 0)
		return err;
	/* A temp file a crash left behind is ours: it never became the record. */
	if (unlinkat(state_fd, NX_STATE_BOOTCTRL_TMP, 0) != 0 && errno != ENOENT)
		goto fail;
	fd = io->openat(state_fd, NX_STATE_BOOTCTRL_TMP,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	what = "write";
	if (write_all(io, fd, rec, sizeof(rec)) != 0 || (what = "fsync", io->fsync(fd) != 0)) {
		int saved = errno;
		close(fd);
		errno = saved;
		goto fail_tmp;
	}
	close(fd);
	if (step != NULL)
		step(arg, "temp");
	what = "rename";
	if (io->renameat(state_fd, NX_STATE_BOOTCTRL_TMP, state_fd, NX_STATE_BOOTCTRL) != 0)
		goto fail_tmp;
	if (step != NULL)
		step(arg, "renamed");
	/*
	 * The new record is in place; only its durability is in doubt if the
	 * directory's fsync fails. Say so: the caller reports a failure, and
	 * the record read back is the new one.
	 */
	what = "fsync of the state directory";
	if (io->fsync(state_fd) != 0)
		goto fail;
	return 0;
fail_tmp:
	err = errno;
	(void)unlinkat(state_fd, NX_STATE_BOOTCTRL_TMP, 0);
	errno = err;
fail:
	return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s: %s", NX_STATE_BOOTCTRL, what, strerror(errno));
}
