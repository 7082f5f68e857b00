/*
 * W/L launch accounting: one logd record per launch execd attempts, a win
 * (the task was spawned) or a loss (a recoverable refusal: not installed,
 * signature or loader refused, execd busy). `nexus-sim status` counts them
 * per program from the journal (docs/daemons.md, event launch.v1).
 */
#ifndef NEXUS_EXEC_LAUNCH_LOG_H
#define NEXUS_EXEC_LAUNCH_LOG_H

#include "nxd.h"

#define EXEC_LAUNCH_EVENT "launch.v1"
#define EXEC_LAUNCH_MSG "launch"
#define EXEC_LAUNCH_FIELDS_MAX 5 /* errno, event, program, result, why */

/*
 * program: the bundle name when known, else the path as given; result:
 * the pid (> 0, a win) or -NX_E* (a loss), why: a one-line reason for a
 * loss (NULL or "" for none). Returns nxd_log's result: 0, or -NX_E*
 * when logd did not take it (the launch itself is not affected).
 */
int exec_launch_log(struct nxd *d, const char *program, long result, const char *why);

#endif
