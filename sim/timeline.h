/*
 * --timeline: events in the Chrome Trace Event Format, the JSON object
 * {"traceEvents": [...], "displayTimeUnit": "ms"} that Perfetto and
 * chrome://tracing open. Events are kept in memory and written sorted by
 * time at the end, so every track's timestamps only go forward. A track
 * is a Chrome "process" named by its first event: the session, each
 * daemon, each task. Timestamps are CLOCK_MONOTONIC ns; the file counts
 * microseconds from the timeline's creation.
 */
#ifndef NEXUS_SIM_TIMELINE_H
#define NEXUS_SIM_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#define TIMELINE_EVENTS_MAX (1u << 17) /* events kept; past it X, i and flows are dropped */
#define TIMELINE_TRACKS_MAX 128	       /* tracks (daemons, tasks); past it events are dropped */
#define TIMELINE_NAME_MAX 64	       /* bytes of an event's or track's name, NUL included */
#define TIMELINE_ARGS_MAX 128	       /* bytes of an event's args object, NUL included */

struct timeline;

struct timeline *timeline_new(uint64_t t0_ns);
void timeline_free(struct timeline *tl);

/*
 * The track named `name` (made on first use, with thread names "main"
 * and "ipc"): its Chrome pid, or -1 when TIMELINE_TRACKS_MAX are taken.
 */
int timeline_track(struct timeline *tl, const char *name);

/* Threads of a track. */
#define TIMELINE_TID_MAIN 1 /* spans and instants */
#define TIMELINE_TID_IPC 2  /* a slice per frame sent or received, bound to its flow */

/* A complete span [t0, t1] (ph X); args: a JSON object's members or NULL. */
void timeline_span(struct timeline *tl, int track, int tid, const char *name, uint64_t t0,
		   uint64_t t1, const char *args);
/* B and E (the caller keeps them LIFO per thread); never dropped. */
void timeline_begin(struct timeline *tl, int track, const char *name, uint64_t t);
void timeline_end(struct timeline *tl, int track, const char *name, uint64_t t);
/* An instant event (ph i, process scope). */
void timeline_instant(struct timeline *tl, int track, const char *name, uint64_t t,
		      const char *args);
/* A frame: a slice on each side's ipc thread and a flow (s, f) between them. */
void timeline_flow(struct timeline *tl, int from, uint64_t t_from, int to, uint64_t t_to,
		   const char *name);

/* Write the JSON object to f. 0, or -1 when f did not take it. */
int timeline_write(struct timeline *tl, FILE *f);

#endif
