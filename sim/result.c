/* A session's per-bundle results (result.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "result.h"

int sim_text_add(struct sim_text *t, const char *s, size_t n)
{
	if (n + 1 > t->cap - t->len || t->p == NULL) {
		size_t want = t->cap != 0 ? t->cap : 256;
		char *p;

		while (want - t->len < n + 1)
			want *= 2;
		if ((p = realloc(t->p, want)) == NULL)
			return -1;
		t->p = p;
		t->cap = want;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
	return 0;
}

void sim_text_free(struct sim_text *t)
{
	free(t->p);
	*t = (struct sim_text){0};
}

const char *sim_outcome_name(enum sim_outcome o)
{
	static const char *const names[] = {"not run", "exited",  "crashed",
					    "timeout", "refused", "error"};

	return (size_t)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

const char *sim_result_why(const struct sim_result *r, char *buf, size_t cap)
{
	switch (r->outcome) {
	case SIM_EXITED:
		if (r->code == 0)
			return NULL;
		snprintf(buf, cap, "exit %d", r->code);
		return buf;
	case SIM_CRASHED:
		snprintf(buf, cap, "crash %s", nx_crash_cause_name(r->crash.cause));
		return buf;
	case SIM_TIMEOUT:
		return "timeout";
	case SIM_REFUSED:
		return "refused";
	case SIM_ERROR:
		snprintf(buf, cap, "error %d", r->code);
		return buf;
	case SIM_NOT_RUN:
	default:
		return "not run";
	}
}

size_t sim_result_tail(const struct sim_result *r)
{
	size_t i = r->console.len, lines = 0;

	/* A last line without its newline counts as a line too. */
	if (i > 0 && r->console.p[i - 1] == '\n')
		i--;
	while (i > 0) {
		if (r->console.p[i - 1] == '\n' && ++lines == SIM_TAIL_LINES)
			break;
		i--;
	}
	return i;
}

double sim_ms(uint64_t a, uint64_t b)
{
	return b > a ? (double)(b - a) / 1e6 : 0;
}

uint64_t sim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
