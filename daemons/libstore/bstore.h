/*
 * The installed-bundle store in the state directory (layout in
 * nexus/svc_bundle.h). Every change is atomic: a new bundle is written
 * under staging/, fsynced, and appears in the slot by one rename; a
 * removal disappears from the slot by one rename before it is deleted.
 * The store trusts its callers to hand it verified bytes only.
 */
#ifndef NEXUS_BM_STORE_H
#define NEXUS_BM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "semver.h"
#include "nexus/limits.h"

/* The host calls a commit makes, so tests can fail each one in turn. */
struct bstore_io {
	int (*mkdirat)(int dirfd, const char *path, mode_t mode);
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*rename)(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
};

extern const struct bstore_io bstore_io_host;

struct bstore {
	int state_fd;	   /* the state directory (not owned) */
	int slot_fd;	   /* the slot: slot-a/ or slot-b/ (updated: update/new/) */
	int staging_fd;	   /* where an entry is built: staging/ (updated: update/tmp/) */
	int quarantine_fd; /* quarantine/, once something had to go there; else -1 */
	const struct bstore_io *io;
	/* Told of each entry moved to quarantine (may be NULL). */
	void (*note)(void *arg, const char *name, const char *why);
	void *note_arg;
};

/* One file of a bundle: its name in the bundle directory and its bytes. */
struct bstore_member {
	const char *file;
	const uint8_t *bytes;
	size_t len;
};

#define BSTORE_MEMBERS 3	       /* manifest.nxb, manifest.sig, payload.elf */
#define BSTORE_DIRNAME_MAX NX_PATH_MAX /* bytes of "<name>@<version>" with its NUL */

/*
 * Open (creating when absent) the directories `slot` and `staging`
 * beneath state_fd (kept open while the store is), finish what an
 * interrupted install or removal left in staging, and move into
 * quarantine/ whatever in either the store did not write
 * (bstore_sweep.c), telling `note` (or nobody) of each. 0 or -errno.
 */
__attribute__((warn_unused_result)) int
bstore_open(struct bstore *st, int state_fd, const char *slot, const char *staging,
	    const struct bstore_io *io, void (*note)(void *arg, const char *name, const char *why),
	    void *note_arg);
void bstore_close(struct bstore *st);

/*
 * A store with no slot open, for what needs only the state directory and
 * its quarantine: bstore_rm_slot and bstore_quarantine (updated).
 */
void bstore_init_aside(struct bstore *st, int state_fd,
		       void (*note)(void *arg, const char *name, const char *why), void *note_arg);

/* Move parent/name into quarantine/ (made when first needed) under a name of its own. 0 or -errno.
 */
int bstore_quarantine(struct bstore *st, int parent, const char *name, const char *why);

/*
 * Write the members as <slot>/<name>@<version>: stage, fsync each file
 * and the directory, rename into the slot, fsync the slot. On failure
 * nothing is left in either directory; returns -errno of the failed step
 * and names it in msg.
 */
__attribute__((warn_unused_result)) int bstore_commit(struct bstore *st, const char *name,
						      const char *version,
						      const struct bstore_member m[BSTORE_MEMBERS],
						      char *msg, size_t cap);

/* Remove <slot>/<dirname> atomically (rename out, then delete). 0 or -errno. */
__attribute__((warn_unused_result)) int bstore_remove(struct bstore *st, const char *dirname);

/*
 * Call fn for each installed "<name>@<version>" directory, in no order;
 * with name non-NULL only for that name. Stops early when fn returns
 * non-zero and passes that value up. Returns 0, fn's value, -errno, or
 * -E2BIG past NX_BUNDLE_INSTALLED_MAX entries.
 */
int bstore_each(struct bstore *st, const char *name,
		int (*fn)(void *arg, const char *name, const char *version), void *arg);

/* The newest installed version of one name. */
struct bstore_newest {
	int found; /* 0: none installed */
	struct nx_semver v;
	char version[NX_SEMVER_MAX];
};

/*
 * Find the newest installed version of `name` (both bundlemgrd and
 * packagefsd read the slot this way). 0 with *n filled, or -errno.
 */
int bstore_newest(struct bstore *st, const char *name, struct bstore_newest *n);

/*
 * Delete the slot directory parent/name the store (or updated) filled:
 * its set index and bundle entries by name; whatever else it holds is
 * moved to quarantine/, never followed.
 * 0 (also when it does not exist) or -errno.
 */
int bstore_rm_slot(struct bstore *st, int parent, const char *name);

/* Split "<name>@<version>" in place; 0, or -1 if it is not that shape. */
int bstore_split(char *dirname, char **name, char **version);

#endif
