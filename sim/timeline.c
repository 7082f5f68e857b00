/* The --timeline event buffer and its JSON (timeline.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

struct tl_event {
	uint64_t ts, dur; /* ns from t0 */
	uint64_t seq;	  /* insertion order: ties keep it */
	uint64_t flow;	  /* s, f: the flow's id */
	int track, tid;
	char ph;
	char name[TIMELINE_NAME_MAX];
	char args[TIMELINE_ARGS_MAX];
};

struct timeline {
	uint64_t t0;
	struct tl_event *ev;
	size_t n, cap;
	uint64_t dropped;
	uint64_t flows;
	char tracks[TIMELINE_TRACKS_MAX][TIMELINE_NAME_MAX];
	int ntracks;
};

struct timeline *timeline_new(uint64_t t0_ns)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (tl != NULL)
		tl->t0 = t0_ns;
	return tl;
}

void timeline_free(struct timeline *tl)
{
	if (tl == NULL)
		return;
	free(tl->ev);
	free(tl);
}

int timeline_track(struct timeline *tl, const char *name)
{
	for (int i = 0; i < tl->ntracks; i++)
		if (strncmp(tl->tracks[i], name, TIMELINE_NAME_MAX - 1) == 0)
			return i + 1;
	if (tl->ntracks == TIMELINE_TRACKS_MAX)
		return -1;
	snprintf(tl->tracks[tl->ntracks], TIMELINE_NAME_MAX, "%s", name);
	return ++tl->ntracks;
}

/* Room for `n` more events; `force` ignores TIMELINE_EVENTS_MAX (B and E). */
static int tl_room(struct timeline *tl, size_t n, int force)
{
	if (!force && tl->n + n > TIMELINE_EVENTS_MAX) {
		tl->dropped += n;
		return 0;
	}
	if (tl->n + n > tl->cap) {
		size_t cap = tl->cap == 0 ? 1024 : tl->cap * 2;
		struct tl_event *ev;

		while (cap < tl->n + n)
			cap *= 2;
		ev = realloc(tl->ev, cap * sizeof(*ev));
		if (ev == NULL) {
			tl->dropped += n;
			return 0;
		}
		tl->ev = ev;
		tl->cap = cap;
	}
	return 1;
}

static struct tl_event *tl_add(struct timeline *tl, char ph, int track, int tid, const char *name,
			       uint64_t t)
{
	struct tl_event *e = &tl->ev[tl->n];

	memset(e, 0, sizeof(*e));
	e->ph = ph;
	e->track = track;
	e->tid = tid;
	e->ts = t > tl->t0 ? t - tl->t0 : 0;
	e->seq = tl->n++;
	snprintf(e->name, sizeof(e->name), "%s", name);
	return e;
}

void timeline_span(struct timeline *tl, int track, int tid, const char *name, uint64_t t0,
		   uint64_t t1, const char *args)
{
	struct tl_event *e;

	if (track < 0 || !tl_room(tl, 1, 0))
		return;
	e = tl_add(tl, 'X', track, tid, name, t0);
	e->dur = t1 > t0 ? t1 - t0 : 0;
	if (args != NULL)
		snprintf(e->args, sizeof(e->args), "%s", args);
}

void timeline_begin(struct timeline *tl, int track, const char *name, uint64_t t)
{
	if (track >= 0 && tl_room(tl, 1, 1))
		tl_add(tl, 'B', track, TIMELINE_TID_MAIN, name, t);
}

void timeline_end(struct timeline *tl, int track, const char *name, uint64_t t)
{
	if (track >= 0 && tl_room(tl, 1, 1))
		tl_add(tl, 'E', track, TIMELINE_TID_MAIN, name, t);
}

void timeline_instant(struct timeline *tl, int track, const char *name, uint64_t t,
		      const char *args)
{
	struct tl_event *e;

	if (track < 0 || !tl_room(tl, 1, 0))
		return;
	e = tl_add(tl, 'i', track, TIMELINE_TID_MAIN, name, t);
	if (args != NULL)
		snprintf(e->args, sizeof(e->args), "%s", args);
}

/* A slice of 1 us on each side: the flow's ends bind to them. */
#define TL_FRAME_NS 1000

void timeline_flow(struct timeline *tl, int from, uint64_t t_from, int to, uint64_t t_to,
		   const char *name)
{
	uint64_t id;
	struct tl_event *e;

	/* A flow is written whole or not at all: s and f always pair. */
	if (from < 0 || to < 0 || !tl_room(tl, 4, 0))
		return;
	id = ++tl->flows;
	/* A reader's clock read can come before the writer's: keep the arrow forward. */
	if (t_to < t_from)
		t_to = t_from;
	e = tl_add(tl, 'X', from, TIMELINE_TID_IPC, name, t_from);
	e->dur = TL_FRAME_NS;
	tl_add(tl, 's', from, TIMELINE_TID_IPC, name, t_from)->flow = id;
	e = tl_add(tl, 'X', to, TIMELINE_TID_IPC, name, t_to);
	e->dur = TL_FRAME_NS;
	tl_add(tl, 'f', to, TIMELINE_TID_IPC, name, t_to)->flow = id;
}

static int tl_before(const struct tl_event *x, const struct tl_event *y)
{
	return x->ts != y->ts ? x->ts < y->ts : x->seq < y->seq;
}

/*
 * By time, ties in the order they came: a merge sort, since glibc's
 * qsort asks the host how much memory it has (sysinfo), which nexus-sim's
 * sandbox does not allow. -1 when the scratch buffer cannot be had.
 */
static int tl_sort(struct tl_event *ev, size_t n)
{
	struct tl_event *tmp = n > 1 ? malloc(n * sizeof(*tmp)) : NULL;

	if (n > 1 && tmp == NULL)
		return -1;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = tl_before(&ev[j], &ev[i]) ? ev[j++] : ev[i++];
			while (i < mid)
				tmp[k++] = ev[i++];
			while (j < hi)
				tmp[k++] = ev[j++];
		}
		memcpy(ev, tmp, n * sizeof(*ev));
	}
	free(tmp);
	return 0;
}

/* A JSON string: our names are printable ASCII, but escape what JSON needs anyway. */
static void tl_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void tl_us(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%llu.%03llu", key, (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000));
}

/* Before each element of traceEvents but the first. */
static void tl_sep(FILE *f, int *first)
{
	if (!*first)
		fputs(",\n", f);
	*first = 0;
}

static void tl_meta(FILE *f, int *first, int track, int tid, const char *what, const char *name)
{
	tl_sep(f, first);
	fprintf(f, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":", track,
		tid, what);
	tl_str(f, name);
	fputs("}}", f);
}

int timeline_write(struct timeline *tl, FILE *f)
{
	int first = 1;

	if (tl_sort(tl->ev, tl->n) != 0)
		return -1;
	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"nexus-sim\",", f);
	fprintf(f, "\"dropped_events\":%llu},\n\"traceEvents\":[\n",
		(unsigned long long)tl->dropped);
	for (int i = 0; i < tl->ntracks; i++) {
		tl_meta(f, &first, i + 1, 0, "process_name", tl->tracks[i]);
		tl_sep(f, &first);
		fprintf(f,
			"{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_sort_index\","
			"\"args\":{\"sort_index\":%d}}",
			i + 1, i + 1);
		tl_meta(f, &first, i + 1, TIMELINE_TID_MAIN, "thread_name", "main");
		tl_meta(f, &first, i + 1, TIMELINE_TID_IPC, "thread_name", "ipc");
	}
	for (size_t i = 0; i < tl->n; i++) {
		const struct tl_event *e = &tl->ev[i];

		tl_sep(f, &first);
		fprintf(f, "{\"ph\":\"%c\",\"pid\":%d,\"tid\":%d,\"name\":", e->ph, e->track,
			e->tid);
		tl_str(f, e->name);
		fprintf(f, ",\"cat\":\"%s\"",
			e->ph == 's' || e->ph == 'f' || e->tid == TIMELINE_TID_IPC ? "ipc"
			: e->ph == 'i'						   ? "crash"
										   : "step");
		tl_us(f, "ts", e->ts);
		if (e->ph == 'X')
			tl_us(f, "dur", e->dur);
		if (e->ph == 's' || e->ph == 'f')
			fprintf(f, ",\"id\":%llu", (unsigned long long)e->flow);
		if (e->ph == 'f')
			fputs(",\"bp\":\"e\"", f);
		if (e->ph == 'i')
			fputs(",\"s\":\"p\"", f);
		if (e->args[0] != 0)
			fprintf(f, ",\"args\":{%s}", e->args);
		fputc('}', f);
	}
	fputs("\n]}\n", f);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
