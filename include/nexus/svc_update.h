/*
 * updated: owns BootCtrl and the two system slots of the state directory
 * (docs/updates.md). Clients are init (for nexus-sim's update and
 * selftest, and the health gate) and bundlemgrd and packagefsd (which
 * slot to serve).
 *
 * NX_UPDATE_STAGE     fd: the .nxs (a regular file, read from offset 0);
 *                     body: optional label naming it in messages. Verifies
 *                     the whole set (signature through keystored first,
 *                     every member, every bundle's own checks, version
 *                     above the floor) into a side directory, then makes it
 *                     the standby slot. reply: arg = the slot (0 a, 1 b),
 *                     body = the set's system version.
 * NX_UPDATE_SWITCH    arg = tries (1..NX_BOOTCTRL_TRIES_MAX). The staged
 *                     slot boots next, on trial. reply: arg = the slot.
 * NX_UPDATE_HEALTH_OK body empty. The slot this boot runs on trial passed
 *                     its health check: committed, the floor raised.
 * NX_UPDATE_ROLLBACK  body empty. The slot on trial is given up: it cannot
 *                     boot again, the committed slot boots next.
 * NX_UPDATE_STATUS    body empty. reply: body = struct nx_update_status.
 *
 * A refusal: arg = -NX_E*, body = one line naming the set and the problem.
 * -NX_EPERM the signature (of the index or a bundle) is missing, bad or
 * untrusted; -NX_EMSGSIZE a size over its cap; -NX_EEXIST the version is
 * not above the floor (a downgrade); -NX_EINVAL any other malformed
 * member or mismatch; -NX_EAGAIN nothing staged to switch to, or no slot
 * on trial; -NX_EBUSY a slot is on trial (stage after it is decided);
 * -NX_ENOSPC the state directory did not take a write (nothing changed).
 * Every operation and every refusal is also an audit record to logd.
 */
#ifndef NEXUS_SVC_UPDATE_H
#define NEXUS_SVC_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#define NX_SVC_UPDATED "updated"

#define NX_UPDATE_STAGE 0x0b01
#define NX_UPDATE_SWITCH 0x0b02
#define NX_UPDATE_HEALTH_OK 0x0b03
#define NX_UPDATE_ROLLBACK 0x0b04
#define NX_UPDATE_STATUS 0x0b05

/*
 * Fault injection (docs/updates.md): NEXUS_FAULT=stop:<point> makes
 * updated stop for good at that step (a test then kills it, or
 * nexus-sim); NEXUS_FAULT=ioerr:bootctrl makes every BootCtrl write fail.
 */
#define NX_UPDATE_FAULT_POINTS                                                                     \
	"stage-bundle", "stage-index", "stage-temp", "stage-renamed", "stage-swap", "switch-temp", \
	    "switch-renamed", "commit-temp", "commit-renamed", "rollback-temp",                    \
	    "rollback-renamed", "boot-temp", "boot-renamed"

#define NX_UPDATE_TEXT_MAX 64 /* bytes of each text field below, with its NUL */

struct nx_update_slot {
	char version[NX_UPDATE_TEXT_MAX];      /* its system set's version, "" when none */
	char health_check[NX_UPDATE_TEXT_MAX]; /* the set's health check bundle, "" when none */
	uint8_t bootable;		       /* BootCtrl priority > 0 */
	uint8_t successful;		       /* committed */
	uint8_t tries;			       /* boots left on trial */
	uint8_t staged;			       /* holds a verified set not yet switched to */
	uint8_t reserved[4];
};

struct nx_update_status {
	uint8_t booted;	 /* the slot this boot runs: 0 a, 1 b */
	uint8_t active;	 /* the committed slot */
	int8_t pending;	 /* the slot on trial (or switched to), -1 none */
	uint8_t persist; /* 1: the state directory outlives the session (--state) */
	uint8_t reserved[4];
	char floor[NX_UPDATE_TEXT_MAX]; /* the anti-rollback floor, "" when none */
	struct nx_update_slot slot[2];
};

_Static_assert(sizeof(struct nx_update_slot) == 136, "nx_update_slot size");
_Static_assert(sizeof(struct nx_update_status) == 8 + 64 + 2 * 136, "nx_update_status size");
_Static_assert(offsetof(struct nx_update_status, slot) == 72, "nx_update_status.slot");

#endif
