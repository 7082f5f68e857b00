/*
 * TAP version 13 for nexus-sim test: the plan, one line per bundle, and
 * for a failure a YAML block (TAP::Parser's YAMLish subset: block
 * mappings and sequences, double-quoted strings, text_out.h) with its exit code,
 * outcome, crash record and last console lines.
 */
#include <string.h>

#include "report.h"
#include "text_out.h"

/* A description may not hold '#' (it would start a directive): escaped as TAP says. */
static void tap_desc(FILE *f, const char *s)
{
	for (; *s != 0; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void tap_yaml(FILE *f, const struct sim_result *r)
{
	size_t tail = sim_result_tail(r);

	if (r->outcome == SIM_NOT_RUN)
		fprintf(f, "  ---\n  exit_code: ~\n  outcome: ");
	else
		fprintf(f, "  ---\n  exit_code: %d\n  outcome: ", r->code);
	text_yaml(f, sim_outcome_name(r->outcome), strlen(sim_outcome_name(r->outcome)));
	fprintf(f, "\n  duration_ms: %.3f\n", sim_ms(r->start_ns, r->end_ns));
	if (sim_result_crashed(r)) {
		fprintf(f,
			"  crash:\n    cause: \"%s\"\n    pc: \"0x%llx\"\n    addr: \"0x%llx\"\n",
			nx_crash_cause_name(r->crash.cause), (unsigned long long)r->crash.pc,
			(unsigned long long)r->crash.addr);
		fprintf(f, "    task: ");
		text_yaml(f, r->crash.name, strnlen(r->crash.name, sizeof(r->crash.name)));
		fprintf(f, "\n");
	} else {
		fprintf(f, "  crash: ~\n");
	}
	if (r->msg[0] != 0) {
		fprintf(f, "  message: ");
		text_yaml(f, r->msg, strlen(r->msg));
		fprintf(f, "\n");
	}
	if (tail == r->console.len) {
		fprintf(f, "  console: []\n");
	} else {
		fprintf(f, "  console:\n");
		for (size_t i = tail; i < r->console.len;) {
			const char *nl = memchr(r->console.p + i, '\n', r->console.len - i);
			size_t n =
			    nl != NULL ? (size_t)(nl - (r->console.p + i)) : r->console.len - i;

			fprintf(f, "    - ");
			text_yaml(f, r->console.p + i, n);
			fprintf(f, "\n");
			i += n + 1;
		}
	}
	fprintf(f, "  ...\n");
}

void report_tap(FILE *f, const struct session *s)
{
	fprintf(f, "TAP version 13\n1..%zu\n", s->nbundles);
	for (size_t i = 0; i < s->nbundles; i++) {
		const struct sim_result *r = &s->results[i];
		char buf[64];
		const char *why = sim_result_why(r, buf, sizeof(buf));

		fprintf(f, "%s %zu - ", why == NULL ? "ok" : "not ok", i + 1);
		tap_desc(f, r->bundle);
		if (why == NULL) {
			fprintf(f, "\n");
			continue;
		}
		fprintf(f, " # %s\n", why);
		tap_yaml(f, r);
	}
}
