/*
 * Stage: a .nxs into the standby slot. The reader (formats/nxs_read.h)
 * verifies as it goes and hands each bundle over only once it checked
 * out; the bundle is written beneath update/new/ at once, so a set of any
 * size is never held in memory whole. Only when the whole set verified
 * and is durable does anything outside update/ change: BootCtrl marks
 * the standby slot unbootable (if it was a fallback), then one rename
 * exchange makes update/new/ the slot. A refusal at any point deletes
 * update/new/ and changes nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"
#include "loader.h"
#include "nxd.h"
#include "nexus/state.h"
#include "upd.h"

struct stage {
	struct upd *u;
	struct bstore store; /* update/new/, built in update/tmp/ */
	int bundles;	     /* written so far */
	int err;	     /* -NX_E* of a refusal the sink made, else 0 */
};

/* The set's version against the floor, before any bundle is read. */
static int above_floor(void *ctx, const struct nx_nxs_index *ix, char *why, size_t cap)
{
	struct stage *st = ctx;
	struct nx_fmt_err e = {0};

	/* No floor before the first commit: any version is above it. */
	if (st->u->bc.floor[0] == '\0' || nx_nxs_version_above(ix, st->u->bc.floor, &e) == 0)
		return 0;
	snprintf(why, cap, "downgrade refused: system version %s is not above the floor %s",
		 ix->system_version, st->u->bc.floor);
	st->err = -NX_EEXIST;
	return -1;
}

/* bundlemgrd refuses to install a payload the loader refuses; so does a stage. */
static int loader_ok(struct stage *st, const struct nx_nxs_bundle *b, char *why, size_t cap)
{
	struct nxl_plan *plan;
	int lerr;

	if (b->manifest->payload_kind != NX_PAYLOAD_ELF)
		return 0;
	if ((plan = malloc(sizeof(*plan))) == NULL) {
		snprintf(why, cap, "%s: out of memory", b->entry->name);
		st->err = -NX_ENOMEM;
		return -1;
	}
	lerr = nxl_plan_elf(b->payload, (size_t)b->payload_size, plan);
	free(plan);
	if (lerr == 0)
		return 0;
	snprintf(why, cap, "%s: payload.elf refused by the loader: %s: %s", b->entry->name,
		 nxl_errname(lerr), nxl_strerror(lerr));
	st->err = -NX_EINVAL;
	return -1;
}

static int stage_bundle(void *ctx, const struct nx_nxs_index *ix, const struct nx_nxs_bundle *b,
			char *why, size_t cap)
{
	struct stage *st = ctx;

	(void)ix;
	if (loader_ok(st, b, why, cap) != 0)
		return -1;
	const struct bstore_member m[BSTORE_MEMBERS] = {
	    {NX_BUNDLE_MANIFEST, b->manifest_bytes, b->manifest_len},
	    {NX_BUNDLE_SIG, b->sig_bytes, NX_SIG_FILE_SIZE},
	    {NX_BUNDLE_PAYLOAD, b->payload, (size_t)b->payload_size},
	};
	if (bstore_commit(&st->store, b->entry->name, b->entry->version, m, why, cap) != 0) {
		st->err = -NX_ENOSPC;
		return -1;
	}
	if (st->bundles++ == 0)
		upd_point(st->u, "stage-bundle");
	return 0;
}

/* update/new/system.nxsindex, then update/new/ itself, durable. */
static int write_index(struct stage *st, const struct nx_nxs_index *ix, char *msg, size_t cap)
{
	uint8_t *buf = malloc(NX_NXS_INDEX_ENCODED_MAX);
	size_t len;
	int fd = -1, ok = 0;

	if (buf != NULL && nx_nxs_index_encode(ix, buf, NX_NXS_INDEX_ENCODED_MAX, &len, NULL) == 0)
		fd = openat(st->store.slot_fd, NX_SLOT_INDEX,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		ok = nxf_write_all(fd, buf, len) == 0 && fsync(fd) == 0 &&
		     fsync(st->store.slot_fd) == 0;
	if (!ok)
		snprintf(msg, cap, "%s/%s: %s", NX_STATE_UPDATE_NEW, NX_SLOT_INDEX,
			 buf == NULL ? "out of memory" : strerror(errno));
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok ? 0 : -NX_ENOSPC;
}

/* update/new/ becomes slot s in one exchange; the slot's old contents go. */
static int swap_in(struct upd *u, int s, char *msg, size_t cap)
{
	const char *slot = nx_state_slot(s);
	int fd = openat(u->state_fd, NX_STATE_UPDATE, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (renameat2(u->state_fd, NX_STATE_UPDATE_NEW, u->state_fd, slot, RENAME_EXCHANGE) != 0) {
		if (errno != ENOENT || renameat2(u->state_fd, NX_STATE_UPDATE_NEW, u->state_fd,
						 slot, RENAME_NOREPLACE) != 0)
			err = -errno;
	}
	if (err == 0 && (fsync(u->state_fd) != 0 || fd < 0 || fsync(fd) != 0))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err != 0) {
		snprintf(msg, cap, "%s: making it the new slot: %s", slot, strerror(-err));
		return -NX_ENOSPC;
	}
	upd_point(u, "stage-swap");
	/* The exchange left the old contents in update/new/; a crash now leaves them for upd_open.
	 */
	(void)upd_rm_dir(u, NX_STATE_UPDATE_NEW);
	return 0;
}

static void refused(struct upd *u, int s, int err, const char *label, char *msg, size_t cap,
		    const char *why)
{
	char reason[NX_ERRMSG_MAX];

	snprintf(reason, sizeof(reason), "%s", why);
	snprintf(msg, cap, "%s: %s", label, reason);
	upd_say(u, &(struct upd_audit){NX_LOG_ERROR, "stage", s, "", "",
				       nx_err_is_refusal(err) ? "refused" : "failed", reason});
}

int upd_stage(struct upd *u, int fd, const char *label, int *slot, char *msg, size_t cap)
{
	struct stage st = {.u = u};
	struct nx_nxs_index *ix = malloc(sizeof(*ix));
	struct nx_fmt_err e = {0};
	const struct nx_nxs_sink sink = {&st, stage_bundle, above_floor};
	int s = 1 - u->booted, err, code;
	char why[NX_ERRMSG_MAX];

	*slot = s;
	if (ix == NULL) {
		refused(u, s, -NX_ENOMEM, label, msg, cap, "out of memory");
		return -NX_ENOMEM;
	}
	if (nx_bootctrl_pending(&u->bc) == u->booted) {
		snprintf(why, sizeof(why), "slot %c is on trial: stage again once it is decided",
			 nx_bootctrl_slot_name(u->booted));
		err = -NX_EBUSY;
		goto refuse;
	}
	err = bstore_open(&st.store, u->state_fd, NX_STATE_UPDATE_NEW, NX_STATE_UPDATE_TMP,
			  u->store_io, NULL, NULL);
	if (err != 0) {
		snprintf(why, sizeof(why), "%s: %s", NX_STATE_UPDATE_NEW, strerror(-err));
		err = -NX_ENOSPC;
		goto refuse;
	}
	code = nx_nxs_read(fd, &u->sig, &sink, ix, &e);
	if (code != 0) {
		snprintf(why, sizeof(why), "%s", e.msg[0] ? e.msg : nx_fmt_strerror(code));
		err = st.err != 0 ? st.err : nxd_fmt_errno(code);
		goto refuse_store;
	}
	if ((err = write_index(&st, ix, why, sizeof(why))) != 0)
		goto refuse_store;
	bstore_close(&st.store);
	upd_point(u, "stage-index");
	/* The slot's old set stops being a fallback before its bytes go. */
	if (u->bc.slot[s].priority != 0) {
		if (nx_bootctrl_invalidate(&u->bc, s) != 0 ||
		    (err = upd_store(u, "stage", why, sizeof(why))) != 0) {
			err = err != 0 ? err : -NX_EINVAL;
			goto refuse_new;
		}
	}
	if ((err = swap_in(u, s, why, sizeof(why))) != 0)
		goto refuse_new;
	upd_load_slot(u, s);
	upd_say(u, &(struct upd_audit){NX_LOG_INFO, "stage", s, u->slot[s].version,
				       u->slot[s].digest, "ok", ""});
	snprintf(msg, cap, "%s", u->slot[s].version);
	free(ix);
	return 0;
refuse_store:
	bstore_close(&st.store);
refuse_new:
	(void)upd_rm_dir(u, NX_STATE_UPDATE_NEW);
refuse:
	refused(u, s, err, label, msg, cap, why);
	free(ix);
	return err;
}
