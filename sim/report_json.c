/*
 * The --json object of run and test (docs/tools.md lists its keys): exit
 * code, the crash record or null, timings in ms, the console markers
 * seen, the payload's output; for test one such record per bundle.
 */
#include <string.h>

#include "report.h"
#include "text_out.h"

/* A newline-separated list as a JSON array of strings. */
static void json_lines(FILE *f, const struct sim_text *t)
{
	size_t i = 0;

	fputc('[', f);
	while (i < t->len) {
		const char *nl = memchr(t->p + i, '\n', t->len - i);
		size_t n = nl != NULL ? (size_t)(nl - (t->p + i)) : t->len - i;

		if (i > 0)
			fputs(", ", f);
		text_json(f, t->p + i, n);
		i += n + 1;
	}
	fputc(']', f);
}

static void json_crash(FILE *f, const struct sim_result *r)
{
	if (!sim_result_crashed(r)) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"cause\": \"%s\", \"pc\": \"0x%llx\", \"addr\": \"0x%llx\", \"access\": %u, ",
		nx_crash_cause_name(r->crash.cause), (unsigned long long)r->crash.pc,
		(unsigned long long)r->crash.addr, r->crash.access);
	fputs("\"task\": ", f);
	text_json(f, r->crash.name, strnlen(r->crash.name, sizeof(r->crash.name)));
	fputc('}', f);
}

/* The keys a run and each bundle of a test share; code -1: null (it did not run). */
static void json_result(FILE *f, const struct sim_result *r, int code)
{
	fputs("\"bundle\": ", f);
	text_json(f, r->bundle, strlen(r->bundle));
	fprintf(f, ", \"ok\": %s, \"exit_code\": ", sim_result_ok(r) ? "true" : "false");
	if (code < 0)
		fputs("null", f);
	else
		fprintf(f, "%d", code);
	fprintf(f, ", \"outcome\": \"%s\", \"crash\": ", sim_outcome_name(r->outcome));
	json_crash(f, r);
	fputs(", \"message\": ", f);
	if (r->msg[0] != 0)
		text_json(f, r->msg, strlen(r->msg));
	else
		fputs("null", f);
	fputs(", \"markers\": ", f);
	json_lines(f, &r->markers);
	fprintf(f, ", \"console_bytes\": %zu, \"console\": ", r->console.len);
	text_json(f, r->console.p != NULL ? r->console.p : "", r->console.len);
}

void report_json(FILE *f, const struct session *s, int code)
{
	double boot = s->ready_ns != 0 ? sim_ms(s->start_ns, s->ready_ns) : 0;

	if (!s->test) {
		const struct sim_result *r = &s->results[0];

		fputs("{\"command\": \"run\", ", f);
		json_result(f, r, code);
		fprintf(f,
			", \"timings_ms\": {\"boot\": %.3f, \"run\": %.3f, \"total\": %.3f}, "
			"\"tasks_left\": %u, \"session_markers\": ",
			boot, sim_ms(r->start_ns, r->end_ns), sim_ms(s->start_ns, s->end_ns),
			s->tasks_left);
		json_lines(f, &s->boot_markers);
		fputs("}\n", f);
		return;
	}
	size_t passed = 0;
	for (size_t i = 0; i < s->nbundles; i++)
		passed += sim_result_ok(&s->results[i]);
	fprintf(f,
		"{\"command\": \"test\", \"exit_code\": %d, \"tests\": %zu, \"passed\": %zu, "
		"\"failed\": %zu, \"timings_ms\": {\"boot\": %.3f, \"total\": %.3f}, "
		"\"tasks_left\": %u, \"session_markers\": ",
		code, s->nbundles, passed, s->nbundles - passed, boot,
		sim_ms(s->start_ns, s->end_ns), s->tasks_left);
	json_lines(f, &s->boot_markers);
	fputs(", \"results\": [", f);
	for (size_t i = 0; i < s->nbundles; i++) {
		const struct sim_result *r = &s->results[i];

		fputs(i > 0 ? ", {" : "{", f);
		json_result(f, r, r->outcome == SIM_NOT_RUN ? -1 : r->code);
		fprintf(f, ", \"time_ms\": %.3f}", sim_ms(r->start_ns, r->end_ns));
	}
	fputs("]}\n", f);
}
