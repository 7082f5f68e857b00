/*
 * BootCtrl: which system slot boots, modeled on Fuchsia's libabr. One
 * small record in the state directory (nexus/state.h NX_STATE_BOOTCTRL),
 * NX_BOOTCTRL_SIZE bytes, every multi-byte field big-endian:
 *
 *   off  size  field
 *     0     4  magic "NXBC"
 *     4     1  record version (NX_BOOTCTRL_VERSION)
 *     5     3  reserved, zero
 *     8     4  slot a: priority, tries remaining, successful (0/1), reserved zero
 *    12     4  slot b: the same
 *    16    64  floor: the committed system version, NUL-padded ("" = none)
 *    80     4  CRC-32 (zlib's) of bytes 0..79
 *
 * A slot with priority 0 cannot boot. At most two slots are bootable and
 * their priorities differ; the committed ("active") slot is the
 * successful one of highest priority; a bootable slot not yet successful
 * is "pending": it boots on trial while it has tries left. Every state
 * change is a pure function here; writing the record atomically is the
 * caller's (host/bootctrl_file.c). docs/updates.md has the whole model.
 */
#ifndef NEXUS_FORMATS_BOOTCTRL_H
#define NEXUS_FORMATS_BOOTCTRL_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "semver.h"

#define NX_BOOTCTRL_MAGIC "NXBC"
#define NX_BOOTCTRL_VERSION 1
#define NX_BOOTCTRL_SIZE 84
#define NX_BOOTCTRL_SLOTS 2
#define NX_BOOTCTRL_PRIORITY_MAX 15 /* as libabr */
#define NX_BOOTCTRL_TRIES_MAX 7	    /* as libabr; --tries takes 1..this */
#define NX_BOOTCTRL_TRIES_DEFAULT 2 /* as upstream */

struct nx_bootslot {
	uint8_t priority;   /* 0: cannot boot */
	uint8_t tries;	    /* boots left on trial (pending slot only) */
	uint8_t successful; /* 1: committed (health check passed) */
};

struct nx_bootctrl {
	struct nx_bootslot slot[NX_BOOTCTRL_SLOTS]; /* [0] = a, [1] = b */
	char floor[NX_SEMVER_MAX];		    /* "" or the committed system version */
};

/* 'a' or 'b'. */
static inline char nx_bootctrl_slot_name(int s)
{
	return (char)('a' + s);
}

/* The record of a fresh state directory: slot a committed (and empty), b cannot boot. */
void nx_bootctrl_default(struct nx_bootctrl *bc);

/*
 * Decode and check a record: size (NX_FMT_EBOOTCTRL_SIZE), magic, CRC,
 * version, then every field's range and the rules above
 * (NX_FMT_EBOOTCTRL_RANGE). 0 with *bc filled, or the code.
 */
__attribute__((warn_unused_result)) int
nx_bootctrl_decode(const uint8_t *buf, size_t len, struct nx_bootctrl *bc, struct nx_fmt_err *e);
/* The bytes of a valid record (checked first: an invalid one is never encoded). */
__attribute__((warn_unused_result)) int nx_bootctrl_encode(const struct nx_bootctrl *bc,
							   uint8_t out[NX_BOOTCTRL_SIZE],
							   struct nx_fmt_err *e);

/* The committed slot (always one in a valid record). */
int nx_bootctrl_active(const struct nx_bootctrl *bc);
/* The pending slot, or -1. */
int nx_bootctrl_pending(const struct nx_bootctrl *bc);

/*
 * The boot decision, once per boot: a pending slot with tries left spends
 * one and boots; a pending slot with none left is rolled back (cannot
 * boot any more, *rolled_back = its index) and the active slot boots.
 * Returns the slot that boots.
 */
int nx_bootctrl_boot(struct nx_bootctrl *bc, int *rolled_back);
/* The slot this boot runs, once nx_bootctrl_boot has run: the pending one if any. */
int nx_bootctrl_booted(const struct nx_bootctrl *bc);

/* Slot s cannot boot (before its contents are replaced); never the active slot. */
__attribute__((warn_unused_result)) int nx_bootctrl_invalidate(struct nx_bootctrl *bc, int s);
/*
 * Slot s (not the active one) boots next, on trial, `tries` times
 * (1..NX_BOOTCTRL_TRIES_MAX); the active slot stays as the fallback.
 */
__attribute__((warn_unused_result)) int nx_bootctrl_switch(struct nx_bootctrl *bc, int s,
							   unsigned tries);
/* The pending slot s passed its health check: committed, the floor raised to version. */
__attribute__((warn_unused_result)) int nx_bootctrl_commit(struct nx_bootctrl *bc, int s,
							   const char *version);

/*
 * The documented fallback for a record that is missing a valid decode
 * (docs/updates.md): from the two slots' system versions ("" = the slot
 * holds no system set) the newer boots on trial with the default tries,
 * the other is the committed fallback and its version the floor. With no
 * set in either slot it is the default record. Ties go to slot a.
 */
void nx_bootctrl_rebuild(struct nx_bootctrl *bc, const char *version_a, const char *version_b);

#endif
