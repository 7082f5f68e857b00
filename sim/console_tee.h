/*
 * The boot console seen on its way (nexus-sim test, --json): init and
 * the daemons write into a pipe nexus-sim reads from its loop; every
 * byte goes on to the real console (console.log, or stderr with -v) and
 * every whole line that is a marker (docs/markers.md) is noted in
 * `markers`, the list of whoever is being reported on now (the session,
 * or the bundle that runs). Writing on never blocks the kernel: what the
 * real console does not take now waits in a queue of TEE_QUEUE_MAX bytes
 * (the loop watches it for room); with the queue full the pipe is left
 * unread, so the daemons wait on it as they would on a slow stderr.
 */
#ifndef NEXUS_SIM_CONSOLE_TEE_H
#define NEXUS_SIM_CONSOLE_TEE_H

#include <stddef.h>

#include "result.h"

#define TEE_LINE_MAX 4096 /* bytes of one console line looked at; longer ones are no marker */
#define TEE_QUEUE_MAX (1U << 20) /* bytes waiting for a real console that does not keep up */

struct tee {
	int rd;	 /* the pipe's read end, non-blocking, or -1 */
	int out; /* the real console: a non-blocking description of our own */
	struct sim_text *markers;
	size_t n;    /* bytes of the line so far */
	int cut;     /* the line ran past TEE_LINE_MAX: it is no marker */
	int eof;     /* every writer is gone */
	int gone;    /* the real console broke: bytes are dropped */
	size_t qlen; /* bytes queued for out */
	char *q;     /* TEE_QUEUE_MAX bytes */
	char line[TEE_LINE_MAX];
};

/*
 * The pipe, bytes going on to the console `out` (not taken over: a
 * regular file is written as it is, anything else through a
 * non-blocking description of its own). Returns the write end for init,
 * or -1.
 */
int tee_open(struct tee *t, int out, struct sim_text *markers);
/* Read what the pipe holds, while the queue has room; pass it on. */
void tee_drain(struct tee *t);
/* Write what the real console takes now. */
void tee_flush(struct tee *t);
/* The loop should wait for: the pipe (queue not full, not at its end), the console's room. */
int tee_wants_read(const struct tee *t);
int tee_wants_write(const struct tee *t);
/*
 * At the end, every writer gone: read the pipe to its end, waiting for the
 * console only until stop_fd (a signalfd; -1 for none) is readable.
 */
void tee_finish(struct tee *t, int stop_fd);
void tee_close(struct tee *t);
/* Is this console line (without its newline) a marker? */
int tee_is_marker(const char *line, size_t n);

#endif
