/*
 * The update driver of a session (nexus-sim update, boot --selftest):
 * each system set is staged and switched to through init and updated
 * (NX_CTL_UPDATE), the session soft-reboots into it, init's health gate
 * commits it or the session reboots until it is rolled back, and
 * updated's status then says which. One summary line on stderr for an
 * update; the OTA marker ladder (tests/markers/ota.txt) for the
 * selftest, each SELFTEST marker printed only after updated's status
 * shows what it names.
 */
#ifndef NEXUS_SIM_UPDATE_H
#define NEXUS_SIM_UPDATE_H

#include <stddef.h>

#include "session.h"

/* The fixture sets of boot --selftest, in the build's systems directory. */
#define UPDATE_SELFTEST_GOOD "sys-1.0.0.nxs"
#define UPDATE_SELFTEST_BAD "sys-3.0.0-badhealth.nxs"

/* Open the set(s) before the state directory is touched: 0, or an exit code (said). */
int update_new(struct session *s);
void update_free(struct update *u);

/* The system is up (READY 0): the next step. */
void update_on_ready(struct update *u);
/* init's relay of updated's reply (NX_CTL_UPDATED). */
void update_on_reply(struct update *u, struct nx_msg *m);
/* The health gate failed (READY asking for a reboot): why, for the summary. */
void update_note_failure(struct update *u, const char *why, size_t len);

#endif
