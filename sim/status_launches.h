/*
 * nexus-sim status: W/L launch accounting, counted from the launch.v1
 * records execd writes to logd's journal in the state directory
 * (docs/daemons.md): per program, the launches that spawned a task (wins)
 * and the recoverable refusals (losses).
 */
#ifndef NEXUS_SIM_STATUS_LAUNCHES_H
#define NEXUS_SIM_STATUS_LAUNCHES_H

#include <stddef.h>
#include <stdio.h>

#include "nexus/limits.h"

#define STATUS_PROGRAMS_MAX 256 /* programs counted; a record of one more is said and skipped */
/* Bytes of a program with its NUL: execd records at most NX_PATH_MAX - 1 (launch_log.c). */
#define STATUS_PROGRAM_MAX NX_PATH_MAX

struct launch_count {
	char program[STATUS_PROGRAM_MAX];
	unsigned long wins, losses;
};

struct launches {
	struct launch_count *c; /* STATUS_PROGRAMS_MAX entries, sorted by program once read */
	size_t n;
	size_t skipped; /* records of programs past STATUS_PROGRAMS_MAX */
};

/*
 * Read the journal beneath state_fd (none: no launches). 0, or -1 (said
 * on stderr, naming path) when it cannot be read.
 */
int launches_read(struct launches *l, int state_fd, const char *path);
void launches_free(struct launches *l);

/* One "launches: <program> W=<wins> L=<losses>" line per program, or "launches: none". */
void launches_print_text(FILE *f, const struct launches *l);
/* "\"launches\": {\"<program>\": {\"wins\": N, \"losses\": N}, ...}" */
void launches_print_json(FILE *f, const struct launches *l);

#endif
