/*
 * What each bundle of a session did (a run's one, a test session's
 * every one), kept for the reports: nexus-sim test's TAP and JUnit, and
 * --json (report.h). Filled by ctl.c as init's RESULTs come.
 */
#ifndef NEXUS_SIM_RESULT_H
#define NEXUS_SIM_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/svc.h"
#include "nexus/task.h"

#define SIM_TAIL_LINES 10 /* console lines a failure's report quotes (TAP, JUnit) */

/* How a bundle ended. */
enum sim_outcome {
	SIM_NOT_RUN, /* the session ended before its turn */
	SIM_EXITED,  /* the payload exited: code is its exit code */
	SIM_CRASHED, /* the kernel ended it: crash holds the record */
	SIM_TIMEOUT, /* --timeout ran out: crash holds the record (cause timeout) */
	SIM_REFUSED, /* bundlemgrd or execd refused it: msg says why */
	SIM_ERROR,   /* it could not run for another reason (a daemon missed its deadline) */
};

/* Growing text (the console bytes, the markers seen); len bytes, NUL-terminated. */
struct sim_text {
	char *p;
	size_t len, cap;
};

struct sim_result {
	const char *bundle; /* as the user named it */
	enum sim_outcome outcome;
	int code;	       /* nexus-sim's exit code for it (a run's exit status) */
	struct nx_crash crash; /* SIM_CRASHED, SIM_TIMEOUT */
	char msg[NX_ERRMSG_MAX + 1];
	uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC: RUN sent, RESULT came */
	struct sim_text console;   /* the payload's output (captured sessions only) */
	struct sim_text markers;   /* console markers seen during its run, one a line */
};

/* Append; -1 when out of memory (the text is left as it was). */
int sim_text_add(struct sim_text *t, const char *s, size_t n);
void sim_text_free(struct sim_text *t);

/* A crash record came with it (a timed-out bundle whose result never came has none). */
static inline int sim_result_crashed(const struct sim_result *r)
{
	return (r->outcome == SIM_CRASHED || r->outcome == SIM_TIMEOUT) &&
	       r->crash.cause != NX_CRASH_NONE;
}

/* The result passed (exit 0)? */
static inline int sim_result_ok(const struct sim_result *r)
{
	return r->outcome == SIM_EXITED && r->code == 0;
}

/* "exited", "crashed", "timeout", "refused", "error", "not run": the JSON and YAML outcome. */
const char *sim_outcome_name(enum sim_outcome o);
/* One line on why it failed: "exit 42", "crash null_load", "refused", ... (NULL: it passed). */
const char *sim_result_why(const struct sim_result *r, char *buf, size_t cap);
/* Where the last SIM_TAIL_LINES lines of its output begin. */
size_t sim_result_tail(const struct sim_result *r);
/* Milliseconds from a to b (0 if b is not after a). */
double sim_ms(uint64_t a, uint64_t b);

uint64_t sim_now_ns(void);

#endif
