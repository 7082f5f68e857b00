/*
 * The A/B system state in a state directory (layout: nexus/state.h), as
 * updated writes it and nexus-sim status reads it: the BootCtrl record
 * (formats/bootctrl.h) and each slot's system set index.
 */
#ifndef NX_HOST_SYSSTATE_H
#define NX_HOST_SYSSTATE_H

#include <stddef.h>
#include <sys/types.h>

#include "bootctrl.h"
#include "nxs_index.h"

/* The host calls a record write makes, so tests can fail each one in turn. */
struct nx_bootctrl_io {
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*renameat)(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
};

extern const struct nx_bootctrl_io nx_bootctrl_io_host;

#define NX_BOOTCTRL_MISSING 1 /* nx_bootctrl_load: there is no record (a fresh state) */

/*
 * Read and decode the record beneath state_fd (never through a link, a
 * regular file only). 0 with *bc, NX_BOOTCTRL_MISSING, or a formats code
 * with e saying what is wrong (NX_FMT_EIO for a file that cannot be read).
 */
__attribute__((warn_unused_result)) int nx_bootctrl_load(int state_fd, struct nx_bootctrl *bc,
							 struct nx_fmt_err *e);

/*
 * Write the record atomically: NX_STATE_BOOTCTRL_TMP created afresh,
 * written, fsynced, renamed over NX_STATE_BOOTCTRL, the directory
 * fsynced. `step` (may be NULL) is told "temp" once the temp file is
 * durable and "renamed" after the rename (fault-injection points). On
 * failure e names the step (NX_FMT_EIO) and the temp file is removed; the
 * old record stands, unless only the directory's fsync failed: then the
 * new one is in place, not known to be durable.
 */
__attribute__((warn_unused_result)) int
nx_bootctrl_store(int state_fd, const struct nx_bootctrl *bc, const struct nx_bootctrl_io *io,
		  void (*step)(void *arg, const char *name), void *arg, struct nx_fmt_err *e);

/*
 * The index of the set staged in slot s (0 a, 1 b): 0 with *ix decoded,
 * 1 when the slot holds no set, or a formats code (e says what).
 */
__attribute__((warn_unused_result)) int
nx_slot_index_load(int state_fd, int s, struct nx_nxs_index *ix, struct nx_fmt_err *e);

#endif
