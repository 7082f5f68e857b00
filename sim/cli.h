/* The nexus-sim subcommands. Each returns the process exit status. */
#ifndef NEXUS_SIM_CLI_H
#define NEXUS_SIM_CLI_H

#include "nexus/task.h" /* NX_EXIT_CRASH_BASE: 128 + N for a crashed payload */

#define NX_SIM_VERSION "0.2.0" /* nexus-sim --version */

/* Exit statuses of nexus-sim itself (a payload's own code passes through). */
#define NX_EXIT_USAGE 64       /* bad command line (sysexits EX_USAGE) */
#define NX_EXIT_REFUSED 65     /* input refused: bad ELF, bundle, signature (EX_DATAERR) */
#define NX_EXIT_NOINPUT 66     /* a named file cannot be opened (EX_NOINPUT) */
#define NX_EXIT_UNAVAILABLE 69 /* a daemon did not answer within its deadline (EX_UNAVAILABLE) */
#define NX_EXIT_INTERNAL 70    /* nexus-sim or a daemon failed (EX_SOFTWARE) */
#define NX_EXIT_CANTCREAT 73   /* a file of the state directory cannot be written (EX_CANTCREAT) */
#define NX_EXIT_TEMPFAIL 75    /* the state directory is in use by another session (EX_TEMPFAIL) */
#define NX_EXIT_TIMEOUT 124    /* --timeout ran out (as timeout(1) exits) */

/* NEXUS_FAULT, if set, must name a known fault: 0, or NX_EXIT_USAGE (said on stderr). */
int cli_check_fault(void);
/*
 * NEXUS_FAULT=pause:test: between two bundles of a test session,
 * nexus-sim says "nexus-sim: fault: paused before bundle N" on stderr and
 * waits for one byte on stdin before the next RUN, so a test can do
 * something (kill a daemon) exactly between two operations. init never
 * sees it.
 */
#define CLI_FAULT_PAUSE "pause:test"
int cli_fault_pause(void);

int cmd_inspect(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_test(int argc, char **argv);

#endif
