/*
 * The installed-bundle store. Like xv6's exec, a new bundle is built on
 * the side (staging/) and committed with one swap (rename into the slot);
 * every failure leaves through one path that deletes the side copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nexus/svc_bundle.h"
#include "bstore_impl.h"

static int host_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags, mode);
}

static int host_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	/* NOREPLACE: a version never silently overwrites another. */
	return renameat2(olddirfd, oldpath, newdirfd, newpath, RENAME_NOREPLACE);
}

const struct bstore_io bstore_io_host = {
    .mkdirat = mkdirat,
    .openat = host_openat,
    .write = write,
    .fsync = fsync,
    .rename = host_rename,
};

static int open_sub(int state_fd, const char *name)
{
	if (mkdirat(state_fd, name, 0700) != 0 && errno != EEXIST)
		return -errno;
	int fd = openat(state_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int bstore_open(struct bstore *st, int state_fd, const char *slot, const char *staging,
		const struct bstore_io *io,
		void (*note)(void *arg, const char *name, const char *why), void *note_arg)
{
	st->io = io;
	st->note = note;
	st->note_arg = note_arg;
	st->state_fd = state_fd;
	st->quarantine_fd = -1;
	st->slot_fd = open_sub(state_fd, slot);
	if (st->slot_fd < 0)
		return st->slot_fd;
	st->staging_fd = open_sub(state_fd, staging);
	if (st->staging_fd < 0) {
		int err = st->staging_fd;
		close(st->slot_fd);
		return err;
	}
	int err = bstore_sweep(st);
	if (err != 0)
		bstore_close(st);
	return err;
}

void bstore_init_aside(struct bstore *st, int state_fd,
		       void (*note)(void *arg, const char *name, const char *why), void *note_arg)
{
	*st = (struct bstore){.state_fd = state_fd,
			      .slot_fd = -1,
			      .staging_fd = -1,
			      .quarantine_fd = -1,
			      .io = &bstore_io_host,
			      .note = note,
			      .note_arg = note_arg};
}

void bstore_close(struct bstore *st)
{
	if (st->slot_fd >= 0)
		close(st->slot_fd);
	if (st->staging_fd >= 0)
		close(st->staging_fd);
	if (st->quarantine_fd >= 0)
		close(st->quarantine_fd);
	st->slot_fd = st->staging_fd = st->quarantine_fd = -1;
}

static int write_all(const struct bstore_io *io, int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = io->write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int stage_member(const struct bstore_io *io, int dfd, const struct bstore_member *m)
{
	int fd =
	    io->openat(dfd, m->file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int err = write_all(io, fd, m->bytes, m->len);
	if (err == 0 && io->fsync(fd) != 0)
		err = -errno;
	close(fd);
	return err;
}

int bstore_commit(struct bstore *st, const char *name, const char *version,
		  const struct bstore_member m[BSTORE_MEMBERS], char *msg, size_t cap)
{
	const struct bstore_io *io = st->io;
	char dirname[BSTORE_DIRNAME_MAX], tmp[BSTORE_DIRNAME_MAX + 16];
	const char *step = "mkdir";
	int dfd = -1, err = 0;

	int n = snprintf(dirname, sizeof(dirname), "%s@%s", name, version);
	if (n < 0 || (size_t)n >= sizeof(dirname)) {
		snprintf(msg, cap, "%s@%s: name@version too long", name, version);
		return -ENAMETOOLONG;
	}
	snprintf(tmp, sizeof(tmp), "%s.%ld", dirname, (long)getpid());

	if (io->mkdirat(st->staging_fd, tmp, 0700) != 0) {
		err = -errno;
		goto bad;
	}
	step = "open";
	dfd = openat(st->staging_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		goto bad;
	}
	for (int i = 0; i < BSTORE_MEMBERS; i++) {
		step = m[i].file;
		if ((err = stage_member(io, dfd, &m[i])) != 0)
			goto bad;
	}
	step = "fsync staging";
	if (io->fsync(dfd) != 0) {
		err = -errno;
		goto bad;
	}
	step = "rename into the slot";
	if (io->rename(st->staging_fd, tmp, st->slot_fd, dirname) != 0) {
		err = -errno;
		goto bad;
	}
	close(dfd);
	/*
	 * The bundle is in the slot. A failed fsync of the slot now means it
	 * may not survive a power cut, but it is complete and verified: take
	 * it back out so the caller's refusal is true.
	 */
	if (io->fsync(st->slot_fd) != 0) {
		err = -errno;
		step = "fsync of the slot";
		if (bstore_remove(st, dirname) != 0)
			snprintf(msg, cap, "%s: %s: %s (and removing it failed)", dirname, step,
				 strerror(-err));
		else
			snprintf(msg, cap, "%s: %s: %s", dirname, step, strerror(-err));
		return err;
	}
	return 0;
bad:
	if (dfd >= 0)
		close(dfd);
	(void)bstore_rm_entry(st->staging_fd, tmp);
	snprintf(msg, cap, "%s: staging %s failed: %s", dirname, step, strerror(-err));
	return err;
}

int bstore_remove(struct bstore *st, const char *dirname)
{
	char tmp[BSTORE_DIRNAME_MAX + 24];

	snprintf(tmp, sizeof(tmp), "%s.rm.%ld", dirname, (long)getpid());
	if (st->io->rename(st->slot_fd, dirname, st->staging_fd, tmp) != 0)
		return -errno;
	if (fsync(st->slot_fd) != 0)
		return -errno;
	int err = bstore_rm_entry(st->staging_fd, tmp);
	if (err == -ENOTEMPTY)
		err = bstore_quarantine(st, st->staging_fd, tmp,
					"removed, but held more than a bundle");
	return err;
}

int bstore_split(char *dirname, char **name, char **version)
{
	char *at = strchr(dirname, '@');

	if (at == NULL || at == dirname || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return -1;
	*at = '\0';
	*name = dirname;
	*version = at + 1;
	return 0;
}

int bstore_each(struct bstore *st, const char *name,
		int (*fn)(void *arg, const char *name, const char *version), void *arg)
{
	int fd = dup(st->slot_fd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (d == NULL) {
		int err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	/* The directory stream shares the offset with slot_fd's other dups. */
	rewinddir(d);
	int ret = 0, count = 0;
	struct dirent *de;
	while (ret == 0 && (de = readdir(d)) != NULL) {
		char buf[BSTORE_DIRNAME_MAX], *n, *v;
		if (de->d_name[0] == '.')
			continue;
		if (++count > NX_BUNDLE_INSTALLED_MAX) {
			ret = -E2BIG;
			break;
		}
		if (strlen(de->d_name) >= sizeof(buf))
			continue;
		strcpy(buf, de->d_name);
		if (bstore_split(buf, &n, &v) != 0)
			continue;
		if (name != NULL && strcmp(n, name) != 0)
			continue;
		ret = fn(arg, n, v);
	}
	closedir(d);
	return ret;
}

static int newest_cb(void *arg, const char *name, const char *version)
{
	struct bstore_newest *n = arg;
	struct nx_semver v;
	(void)name;

	/* Only bm_install names slot entries, so an unparsable one is not ours: skip it. */
	if (strlen(version) >= sizeof(n->version) || nx_semver_parse(version, &v) != 0)
		return 0;
	if (!n->found || nx_semver_cmp(&v, &n->v) > 0) {
		n->found = 1;
		n->v = v;
		strcpy(n->version, version);
	}
	return 0;
}

int bstore_newest(struct bstore *st, const char *name, struct bstore_newest *n)
{
	memset(n, 0, sizeof(*n));
	return bstore_each(st, name, newest_cb, n);
}
