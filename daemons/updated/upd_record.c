/*
 * updated's view of the state directory: BootCtrl as read (or rebuilt
 * by the documented fallback), each slot's set, the boot decision, and
 * the one way a record is written (upd_store).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nxd.h"
#include "nexus/state.h"
#include "upd.h"

void upd_say(struct upd *u, const struct upd_audit *a)
{
	if (u->audit != NULL)
		u->audit(u->arg, a);
}

void upd_point(struct upd *u, const char *name)
{
	if (u->point != NULL)
		u->point(u->arg, name);
}

/* The hex SHA-256 of ix's canonical bytes: the bytes system.sig.ed25519 signed. */
static void index_digest(const struct nx_nxs_index *ix, char hex[UPD_DIGEST_HEX])
{
	uint8_t *buf = malloc(NX_NXS_INDEX_ENCODED_MAX), d[NX_DIGEST_LEN];
	size_t len;

	hex[0] = '\0';
	if (buf != NULL &&
	    nx_nxs_index_encode(ix, buf, NX_NXS_INDEX_ENCODED_MAX, &len, NULL) == 0) {
		crypto_hash_sha256(d, buf, len);
		sodium_bin2hex(hex, UPD_DIGEST_HEX, d, sizeof(d));
	}
	free(buf);
}

void upd_load_slot(struct upd *u, int s)
{
	struct nx_nxs_index *ix = malloc(sizeof(*ix));
	struct upd_slot *sl = &u->slot[s];
	struct nx_fmt_err e = {0};

	memset(sl, 0, sizeof(*sl));
	if (ix == NULL)
		return;
	int err = nx_slot_index_load(u->state_fd, s, ix, &e);
	if (err == 0) {
		sl->has_set = 1;
		snprintf(sl->version, sizeof(sl->version), "%s", ix->system_version);
		snprintf(sl->health_check, sizeof(sl->health_check), "%s", ix->health_check);
		index_digest(ix, sl->digest);
	} else if (err < 0) {
		upd_say(u, &(struct upd_audit){NX_LOG_ERROR, "boot", s, "", "", "failed", e.msg});
	}
	free(ix);
}

int upd_rm_dir(struct upd *u, const char *path)
{
	struct bstore aside;

	bstore_init_aside(&aside, u->state_fd, NULL, NULL);
	int err = bstore_rm_slot(&aside, u->state_fd, path);
	bstore_close(&aside);
	return err;
}

int upd_empty_slot(struct upd *u, int s)
{
	int err = upd_rm_dir(u, nx_state_slot(s));

	if (err == 0)
		memset(&u->slot[s], 0, sizeof(u->slot[s]));
	return err;
}

struct step_ctx {
	struct upd *u;
	const char *op;
};

/* "switch-temp", "commit-renamed": the record write's steps, named by operation. */
static void store_step(void *arg, const char *name)
{
	struct step_ctx *c = arg;
	char point[48];

	snprintf(point, sizeof(point), "%s-%s", c->op, name);
	upd_point(c->u, point);
}

int upd_store(struct upd *u, const char *op, char *msg, size_t cap)
{
	struct step_ctx c = {u, op};
	struct nx_fmt_err e = {0};

	if (nx_bootctrl_store(u->state_fd, &u->bc, u->io, store_step, &c, &e) == 0)
		return 0;
	snprintf(msg, cap, "%s", e.msg);
	/* What is on disk now is what counts: the old record, or the new one not yet durable. */
	struct nx_bootctrl now;
	if (nx_bootctrl_load(u->state_fd, &now, NULL) == 0)
		u->bc = now;
	return -NX_ENOSPC;
}

/* A record that is not there or not valid: aside with it, and the fallback in its place. */
static void fall_back(struct upd *u, const char *why)
{
	struct bstore aside;
	char msg[NX_ERRMSG_MAX];
	struct stat sb;

	bstore_init_aside(&aside, u->state_fd, NULL, NULL);
	if (fstatat(u->state_fd, NX_STATE_BOOTCTRL, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		(void)bstore_quarantine(&aside, u->state_fd, NX_STATE_BOOTCTRL, why);
	bstore_close(&aside);
	nx_bootctrl_rebuild(&u->bc, u->slot[0].version, u->slot[1].version);
	snprintf(msg, sizeof(msg), "%s; rebuilt from the slots: slot %c committed, %s", why,
		 nx_bootctrl_slot_name(nx_bootctrl_active(&u->bc)),
		 nx_bootctrl_pending(&u->bc) >= 0 ? "the newer set on trial" : "nothing pending");
	upd_say(u, &(struct upd_audit){NX_LOG_ERROR, "bootctrl", -1, "", "", "failed", msg});
	if (upd_store(u, "bootctrl", msg, sizeof(msg)) != 0)
		upd_say(u,
			&(struct upd_audit){NX_LOG_ERROR, "bootctrl", -1, "", "", "failed", msg});
}

static int read_record(struct upd *u)
{
	struct nx_fmt_err e = {0};
	int err = nx_bootctrl_load(u->state_fd, &u->bc, &e);

	if (err == 0)
		return 0;
	if (err == NX_BOOTCTRL_MISSING && !u->slot[0].has_set && !u->slot[1].has_set) {
		/* A fresh state: the default record, which the rebuild gives too. */
		char msg[NX_ERRMSG_MAX];

		nx_bootctrl_default(&u->bc);
		return upd_store(u, "bootctrl", msg, sizeof(msg)) == 0 ? 0 : -1;
	}
	fall_back(u,
		  err == NX_BOOTCTRL_MISSING ? "record missing while a slot holds a set" : e.msg);
	return 0;
}

/* This boot's decision: spend a try of the pending slot, or roll it back when none is left. */
static void decide(struct upd *u)
{
	struct nx_bootctrl before = u->bc;
	char msg[NX_ERRMSG_MAX];
	int rolled;

	u->booted = nx_bootctrl_boot(&u->bc, &rolled);
	if (memcmp(&before, &u->bc, sizeof(before)) == 0)
		return;
	if (upd_store(u, "boot", msg, sizeof(msg)) != 0) {
		/* A try that cannot be spent is never taken: no boot loop on a bad disk. */
		u->bc = before;
		u->booted = nx_bootctrl_active(&u->bc);
		upd_say(
		    u, &(struct upd_audit){NX_LOG_ERROR, "boot", u->booted, "", "", "failed", msg});
		return;
	}
	if (rolled >= 0)
		upd_say(u,
			&(struct upd_audit){NX_LOG_ERROR, "rollback", rolled,
					    u->slot[rolled].version, u->slot[rolled].digest, "ok",
					    "no tries left: the health check never passed"});
}

int upd_open(struct upd *u, int boot, char *msg, size_t cap)
{
	if (mkdirat(u->state_fd, NX_STATE_UPDATE, 0700) != 0 && errno != EEXIST) {
		snprintf(msg, cap, "%s: %s", NX_STATE_UPDATE, strerror(errno));
		return -NX_ENOSPC;
	}
	/* A stage or an emptied slot a crash interrupted: never a slot, so never read. */
	int err = upd_rm_dir(u, NX_STATE_UPDATE_NEW);
	if (err != 0) {
		snprintf(msg, cap, "%s: clearing a stage a crash left: %s", NX_STATE_UPDATE,
			 strerror(-err));
		return -NX_ENOSPC;
	}
	/* Likewise a record write: until its rename it never was the record. */
	if (unlinkat(u->state_fd, NX_STATE_BOOTCTRL_TMP, 0) != 0 && errno != ENOENT) {
		snprintf(msg, cap, "%s: clearing a record write a crash left: %s",
			 NX_STATE_BOOTCTRL_TMP, strerror(errno));
		return -NX_ENOSPC;
	}
	for (int s = 0; s < NX_BOOTCTRL_SLOTS; s++)
		upd_load_slot(u, s);
	if (read_record(u) != 0) {
		snprintf(msg, cap, "%s: cannot be written", NX_STATE_BOOTCTRL);
		return -NX_ENOSPC;
	}
	if (boot)
		decide(u);
	else
		u->booted = nx_bootctrl_booted(&u->bc);
	/* A slot that cannot boot holds nothing worth keeping: a set never switched to, or rolled
	 * back. */
	for (int s = 0; s < NX_BOOTCTRL_SLOTS; s++)
		if (boot && u->bc.slot[s].priority == 0 && (err = upd_empty_slot(u, s)) != 0) {
			snprintf(msg, cap, "%s: emptying it: %s", nx_state_slot(s), strerror(-err));
			return -NX_ENOSPC;
		}
	return 0;
}
