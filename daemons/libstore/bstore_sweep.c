/*
 * Recovery of the store at start (bstore_open), by name and type only.
 * The state directory is locked by one session at a time, so whatever
 * sits in staging/ is a leftover of a session that crashed: an install
 * (<name>@<version>.<pid>) or removal (<name>@<version>.rm.<pid>) the
 * store itself began, which is finished (its members deleted). Every
 * slot entry must be a complete bundle directory the store could have
 * committed: a real directory named <name>@<version> holding exactly
 * manifest.nxb, manifest.sig and payload.elf as regular files, or the
 * slot's system set index (nexus/state.h NX_SLOT_INDEX) as one. Anything
 * else (a link, a special file, an empty or incomplete directory, a name
 * the store never writes, a directory with more in it) was not written
 * by the store: it is moved into quarantine/, never followed, recursed
 * into or deleted, so it can neither block an install nor be served.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bstore_impl.h"
#include "nexus/state.h"
#include "nexus/svc_bundle.h"

static const char *const members[BSTORE_MEMBERS] = {NX_BUNDLE_MANIFEST, NX_BUNDLE_SIG,
						    NX_BUNDLE_PAYLOAD};

int bstore_rm_entry(int parent, const char *dirname)
{
	int fd = openat(parent, dirname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < BSTORE_MEMBERS; i++)
		if (unlinkat(fd, members[i], 0) != 0 && errno != ENOENT && err == 0)
			err = -errno;
	close(fd);
	if (unlinkat(parent, dirname, AT_REMOVEDIR) != 0 && err == 0)
		err = -errno;
	return err;
}

static int quarantine_dir(struct bstore *st)
{
	if (st->quarantine_fd >= 0)
		return st->quarantine_fd;
	if (mkdirat(st->state_fd, NX_STATE_QUARANTINE, 0700) != 0 && errno != EEXIST)
		return -errno;
	st->quarantine_fd = openat(st->state_fd, NX_STATE_QUARANTINE,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return st->quarantine_fd >= 0 ? st->quarantine_fd : -errno;
}

int bstore_quarantine(struct bstore *st, int parent, const char *name, const char *why)
{
	char to[BSTORE_DIRNAME_MAX + 32];
	int q = quarantine_dir(st);

	if (q < 0)
		return q;
	/* A name of its own in quarantine/: an earlier one of the same name stays. */
	for (unsigned n = 0; n < 1000; n++) {
		snprintf(to, sizeof(to), "%.*s.%u", BSTORE_DIRNAME_MAX, name, n);
		if (renameat2(parent, name, q, to, RENAME_NOREPLACE) == 0) {
			if (st->note != NULL)
				st->note(st->note_arg, name, why);
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* A staging leftover the store wrote: "<name>@<version>.<pid>" or "...rm.<pid>". */
static int staging_name_ok(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || dot[1] == 0 || strchr(name, '@') == NULL)
		return 0;
	for (const char *p = dot + 1; *p != 0; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* Does dirfd hold exactly the bundle members, each a regular file? */
static int entry_complete(int parent, const char *name, const char **why)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int found = 0, ok = 1;

	if (d == NULL) {
		*why = "not a directory";
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (ok && (de = readdir(d)) != NULL) {
		struct stat sb;
		int known = 0;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		for (int i = 0; i < BSTORE_MEMBERS; i++)
			known |= strcmp(de->d_name, members[i]) == 0;
		if (!known || fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode)) {
			*why = "holds what a bundle does not";
			ok = 0;
		}
		found++;
	}
	closedir(d);
	if (ok && found != BSTORE_MEMBERS) {
		*why = "incomplete";
		ok = 0;
	}
	return ok;
}

/* Call fn on each entry of dirfd but . and .., on a private stream. */
static int each_entry(int dirfd, int (*fn)(struct bstore *st, int dirfd, const char *name),
		      struct bstore *st)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int err = 0;

	if (d == NULL) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	while (err == 0 && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			err = fn(st, dirfd, de->d_name);
	closedir(d);
	return err;
}

static int sweep_staging(struct bstore *st, int dirfd, const char *name)
{
	struct stat sb;

	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode) &&
	    staging_name_ok(name) && bstore_rm_entry(dirfd, name) == 0)
		return 0;
	return bstore_quarantine(st, dirfd, name, "in staging, not an install the store began");
}

static int is_regular(int dirfd, const char *name)
{
	struct stat sb;

	return fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
}

static int sweep_slot(struct bstore *st, int dirfd, const char *name)
{
	char buf[BSTORE_DIRNAME_MAX], *n, *v;
	const char *why = "not <name>@<version>";
	struct nx_semver sv;

	if (strcmp(name, NX_SLOT_INDEX) == 0 && is_regular(dirfd, name))
		return 0;
	if (strlen(name) < sizeof(buf)) {
		strcpy(buf, name);
		if (bstore_split(buf, &n, &v) == 0 && nx_semver_parse(v, &sv) == 0 &&
		    entry_complete(dirfd, name, &why))
			return 0;
	}
	return bstore_quarantine(st, dirfd, name, why);
}

int bstore_sweep(struct bstore *st)
{
	int err = each_entry(st->staging_fd, sweep_staging, st);

	return err != 0 ? err : each_entry(st->slot_fd, sweep_slot, st);
}

/* One entry of a slot being deleted: the index, a bundle, or a stranger for quarantine. */
static int rm_slot_entry(struct bstore *st, int dirfd, const char *name)
{
	if (strcmp(name, NX_SLOT_INDEX) == 0 && is_regular(dirfd, name))
		return unlinkat(dirfd, name, 0) == 0 ? 0 : -errno;
	/* What is left of an entry that was not a bundle goes aside, unread. */
	if (bstore_rm_entry(dirfd, name) != 0)
		return bstore_quarantine(st, dirfd, name, "in a slot being deleted, not a bundle");
	return 0;
}

int bstore_rm_slot(struct bstore *st, int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int err;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -errno;
		return bstore_quarantine(st, parent, name, "a slot that is not a directory");
	}
	err = each_entry(fd, rm_slot_entry, st);
	close(fd);
	if (err == 0 && unlinkat(parent, name, AT_REMOVEDIR) != 0)
		err = -errno;
	return err;
}
