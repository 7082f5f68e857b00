/*
 * updated's operations, free of IPC so tests drive them directly: the
 * boot decision, Stage, Switch, HealthOk, Rollback and the status
 * (nexus/svc_update.h, docs/updates.md). updated is the only writer of
 * BootCtrl and of the slot it stages into; every change goes through
 * a side directory or a temp file and one rename.
 */
#ifndef NEXUS_UPD_H
#define NEXUS_UPD_H

#include <stddef.h>

#include "bootctrl.h"
#include "bstore.h"
#include "nxs_read.h"
#include "sysstate.h"
#include "nexus/svc_update.h"

#define UPD_DIGEST_HEX (2 * NX_DIGEST_LEN + 1) /* a SHA-256 in hex with its NUL */

/* One audit record (logd, scope "updated"): every operation and every refusal. */
struct upd_audit {
	int level;	     /* NX_LOG_INFO, or NX_LOG_ERROR for a refusal or failure */
	const char *op;	     /* boot, bootctrl, stage, switch, health_ok, rollback */
	int slot;	     /* 0 a, 1 b, -1 none */
	const char *version; /* the system version, "" when none */
	const char *digest;  /* SHA-256 of the set's index, hex, "" when none */
	const char *result;  /* ok, refused or failed */
	const char *reason;  /* "" when none */
};

struct upd_slot {
	int has_set; /* holds a staged set's index */
	char version[NX_SEMVER_MAX];
	char health_check[NX_BUNDLE_NAME_MAX];
	char digest[UPD_DIGEST_HEX];
};

struct upd {
	int state_fd; /* not owned */
	int persist;  /* the state directory outlives the session */
	struct nx_bootctrl bc;
	int booted; /* the slot this boot runs */
	struct upd_slot slot[NX_BOOTCTRL_SLOTS];
	struct nx_nxs_sigcheck sig;
	const struct nx_bootctrl_io *io;
	const struct bstore_io *store_io;
	/* Told of every operation and refusal (may be NULL). */
	void (*audit)(void *arg, const struct upd_audit *a);
	/* Told of each named step, for the crash tests' fault points (may be NULL). */
	void (*point)(void *arg, const char *name);
	void *arg; /* for audit and point */
};

/*
 * Read BootCtrl (a missing or corrupt record: the documented fallback,
 * written back, the bad one moved to quarantine/) and the slots; empty
 * every slot that cannot boot; with `boot`, make this boot's decision
 * (spend a try of a pending slot, or roll it back). Without `boot` (a
 * restart within one boot) the decision made at boot stands. 0, or
 * -NX_E* with msg when the state directory cannot be used.
 */
__attribute__((warn_unused_result)) int upd_open(struct upd *u, int boot, char *msg, size_t cap);

/*
 * Verify the set in fd (label names it in messages) into the side
 * directory, then make it the standby slot; *slot receives which. A
 * refusal changes nothing: BootCtrl and both slots stay as they were.
 */
__attribute__((warn_unused_result)) int upd_stage(struct upd *u, int fd, const char *label,
						  int *slot, char *msg, size_t cap);
/* The staged standby slot boots next, on trial, tries times. */
__attribute__((warn_unused_result)) int upd_switch(struct upd *u, unsigned tries, int *slot,
						   char *msg, size_t cap);
/* The slot this boot runs on trial passed its health check: commit it. */
__attribute__((warn_unused_result)) int upd_health_ok(struct upd *u, char *msg, size_t cap);
/* Give up the pending slot: it cannot boot again; the next boot empties it. */
__attribute__((warn_unused_result)) int upd_rollback(struct upd *u, char *msg, size_t cap);
void upd_status(const struct upd *u, struct nx_update_status *st);

/* upd_record.c, for upd_ops.c and upd_stage.c: write u->bc for `op`; 0 or -NX_ENOSPC. */
int upd_store(struct upd *u, const char *op, char *msg, size_t cap);
/* Read slot s's index into u->slot[s] (an unreadable one counts as none). */
void upd_load_slot(struct upd *u, int s);
/* Delete a slot-shaped directory beneath the state directory (bstore_rm_slot). 0 or -errno. */
int upd_rm_dir(struct upd *u, const char *path);
/* Empty slot s on disk (it cannot boot). 0 or -errno. */
int upd_empty_slot(struct upd *u, int s);
void upd_say(struct upd *u, const struct upd_audit *a);
void upd_point(struct upd *u, const char *name);

#endif
