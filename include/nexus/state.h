/*
 * The state directory's layout: every name a process of the system
 * opens in it. One session uses a state directory at a time (nexus-sim
 * locks NX_STATE_LOCK before anything else is touched); every file here
 * is opened without following links and checked to be a regular file
 * with no other hard link (docs/security.md).
 *
 *   lock           the session's lock: flock, the owner's pid inside
 *   console.log    the console of a run without -v (nexus-sim)
 *   journal        logd's records, every level
 *   bootctrl       which slot boots (formats/bootctrl.h; updated writes it)
 *   bootctrl.tmp   the next record while it is written (temp, fsync, rename)
 *   slot-a/        the system slots: installed bundles
 *   slot-b/          <name>@<version>/{manifest.nxb,manifest.sig,payload.elf}
 *                    and, when a system set was staged there, system.nxsindex
 *   staging/       installs and removals in progress (bundlemgrd)
 *   update/        updated's work: new/ (a set being staged; after the
 *                  exchange, the slot's old contents being deleted), tmp/
 *                  (a bundle being written)
 *   quarantine/    what bundlemgrd or updated found that they did not
 *                  write: moved aside, never followed or deleted
 */
#ifndef NEXUS_STATE_H
#define NEXUS_STATE_H

#define NX_STATE_LOCK "lock"
#define NX_STATE_CONSOLE "console.log"
#define NX_STATE_JOURNAL "journal"
#define NX_STATE_QUARANTINE "quarantine"
#define NX_STATE_BOOTCTRL "bootctrl"
#define NX_STATE_BOOTCTRL_TMP "bootctrl.tmp"
#define NX_STATE_SLOT_A "slot-a"
#define NX_STATE_SLOT_B "slot-b"
#define NX_STATE_UPDATE "update"
#define NX_STATE_UPDATE_NEW "update/new"
#define NX_STATE_UPDATE_TMP "update/tmp"
#define NX_SLOT_INDEX "system.nxsindex" /* in a slot: the staged set's index, as signed */

/* A slot's directory: 0 is a, 1 is b. */
static inline const char *nx_state_slot(int s)
{
	return s == 0 ? NX_STATE_SLOT_A : NX_STATE_SLOT_B;
}

#endif
