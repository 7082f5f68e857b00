/*
 * What a session reports when it ends (docs/tools.md): nexus-sim test's
 * TAP stream (version 13) and JUnit XML, and the --json object of run and
 * test. Each takes the session as it ended and nexus-sim's exit status.
 */
#ifndef NEXUS_SIM_REPORT_H
#define NEXUS_SIM_REPORT_H

#include <stdio.h>

#include "session.h"

void report_tap(FILE *f, const struct session *s);
/* 0, or -1 when the file could not be written. */
int report_junit(FILE *f, const struct session *s);
void report_json(FILE *f, const struct session *s, int code);

#endif
