/*
 * Switch, HealthOk, Rollback and the status: each a pure BootCtrl change
 * (formats/bootctrl.h) written by upd_store, audited either way.
 */
#include <stdio.h>
#include <string.h>

#include "nxd.h"
#include "upd.h"

static int fail(struct upd *u, const char *op, int s, int err, char *msg, size_t cap,
		const char *why)
{
	snprintf(msg, cap, "%s", why);
	upd_say(u, &(struct upd_audit){NX_LOG_ERROR, op, s, s >= 0 ? u->slot[s].version : "",
				       s >= 0 ? u->slot[s].digest : "",
				       nx_err_is_refusal(err) ? "refused" : "failed", why});
	return err;
}

static void ok(struct upd *u, const char *op, int s)
{
	upd_say(u, &(struct upd_audit){NX_LOG_INFO, op, s, u->slot[s].version, u->slot[s].digest,
				       "ok", ""});
}

int upd_switch(struct upd *u, unsigned tries, int *slot, char *msg, size_t cap)
{
	int s = 1 - u->booted, err;
	char why[NX_ERRMSG_MAX];

	*slot = s;
	if (tries < 1 || tries > NX_BOOTCTRL_TRIES_MAX) {
		snprintf(why, sizeof(why), "tries %u is not 1..%d", tries, NX_BOOTCTRL_TRIES_MAX);
		return fail(u, "switch", s, -NX_EINVAL, msg, cap, why);
	}
	if (nx_bootctrl_pending(&u->bc) == u->booted)
		return fail(u, "switch", s, -NX_EBUSY, msg, cap,
			    "the slot running now is on trial");
	if (!u->slot[s].has_set || s == nx_bootctrl_active(&u->bc)) {
		snprintf(why, sizeof(why), "slot %c holds no staged set", nx_bootctrl_slot_name(s));
		return fail(u, "switch", s, -NX_EAGAIN, msg, cap, why);
	}
	struct nx_bootctrl before = u->bc;
	if (nx_bootctrl_switch(&u->bc, s, tries) != 0) {
		u->bc = before;
		return fail(u, "switch", s, -NX_EINVAL, msg, cap, "BootCtrl refused the switch");
	}
	if ((err = upd_store(u, "switch", why, sizeof(why))) != 0)
		return fail(u, "switch", s, err, msg, cap, why);
	ok(u, "switch", s);
	return 0;
}

int upd_health_ok(struct upd *u, char *msg, size_t cap)
{
	int p = nx_bootctrl_pending(&u->bc), err;
	char why[NX_ERRMSG_MAX];

	if (p < 0 || p != u->booted)
		return fail(u, "health_ok", p, -NX_EAGAIN, msg, cap,
			    "the slot running now is not on trial");
	if (nx_bootctrl_commit(&u->bc, p, u->slot[p].version) != 0)
		return fail(u, "health_ok", p, -NX_EINVAL, msg, cap, "BootCtrl refused the commit");
	if ((err = upd_store(u, "commit", why, sizeof(why))) != 0)
		return fail(u, "health_ok", p, err, msg, cap, why);
	ok(u, "health_ok", p);
	return 0;
}

int upd_rollback(struct upd *u, char *msg, size_t cap)
{
	int p = nx_bootctrl_pending(&u->bc), err;
	char why[NX_ERRMSG_MAX];

	if (p < 0)
		return fail(u, "rollback", p, -NX_EAGAIN, msg, cap, "no slot is pending");
	if (nx_bootctrl_invalidate(&u->bc, p) != 0)
		return fail(u, "rollback", p, -NX_EINVAL, msg, cap,
			    "BootCtrl refused the rollback");
	if ((err = upd_store(u, "rollback", why, sizeof(why))) != 0)
		return fail(u, "rollback", p, err, msg, cap, why);
	ok(u, "rollback", p);
	return 0;
}

void upd_status(const struct upd *u, struct nx_update_status *st)
{
	memset(st, 0, sizeof(*st));
	st->booted = (uint8_t)u->booted;
	st->active = (uint8_t)nx_bootctrl_active(&u->bc);
	st->pending = (int8_t)nx_bootctrl_pending(&u->bc);
	st->persist = (uint8_t)u->persist;
	_Static_assert(sizeof(st->floor) == sizeof(u->bc.floor), "floor sizes agree");
	memcpy(st->floor, u->bc.floor, sizeof(st->floor));
	for (int s = 0; s < NX_BOOTCTRL_SLOTS; s++) {
		const struct nx_bootslot *b = &u->bc.slot[s];
		struct nx_update_slot *o = &st->slot[s];

		_Static_assert(sizeof(o->version) >= NX_SEMVER_MAX, "version fits");
		_Static_assert(sizeof(o->health_check) >= NX_BUNDLE_NAME_MAX, "name fits");
		memcpy(o->version, u->slot[s].version, sizeof(u->slot[s].version));
		memcpy(o->health_check, u->slot[s].health_check, sizeof(u->slot[s].health_check));
		o->bootable = b->priority > 0;
		o->successful = b->successful;
		o->tries = b->tries;
		o->staged = u->slot[s].has_set && b->priority == 0;
	}
}
