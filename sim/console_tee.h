/*
 * The boot console seen on its way (nexus-sim test, --json): init and
 * the daemons write into a pipe nexus-sim reads from its loop; every
 * byte goes on to the real console (console.log or stderr) and every
 * whole line that is a marker (docs/markers.md) is noted in `markers`,
 * the list of whoever is being reported on now (the boot, or the bundle
 * that runs).
 */
#ifndef NEXUS_SIM_CONSOLE_TEE_H
#define NEXUS_SIM_CONSOLE_TEE_H

#include <stddef.h>

#include "result.h"

#define TEE_LINE_MAX 4096 /* bytes of one console line looked at; longer ones are cut */

struct tee {
	int rd;	 /* the pipe's read end, non-blocking */
	int out; /* the real console (not owned) */
	struct sim_text *markers;
	size_t n; /* bytes of the line so far */
	int cut;  /* the line ran past TEE_LINE_MAX: it is no marker */
	int eof;  /* every writer is gone */
	char line[TEE_LINE_MAX];
};

/* The pipe, bytes going on to `out`. Returns the write end for init, or -1. */
int tee_open(struct tee *t, int out, struct sim_text *markers);
/* Read until the pipe is empty (or at its end). */
void tee_drain(struct tee *t);
void tee_close(struct tee *t);
/* Is this console line (without its newline) a marker? */
int tee_is_marker(const char *line, size_t n);

#endif
