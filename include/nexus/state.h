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
 *   slot-a/        installed bundles: <name>@<version>/{manifest.nxb,manifest.sig,payload.elf}
 *   staging/       installs and removals in progress (bundlemgrd)
 *   quarantine/    what bundlemgrd found in slot-a/ or staging/ that it did not
 *                  write: moved aside, never followed or deleted
 */
#ifndef NEXUS_STATE_H
#define NEXUS_STATE_H

#define NX_STATE_LOCK "lock"
#define NX_STATE_CONSOLE "console.log"
#define NX_STATE_JOURNAL "journal"
#define NX_STATE_QUARANTINE "quarantine"

#endif
