/*
 * JUnit XML for nexus-sim test (the schema CI systems read: testsuites,
 * one testsuite, a testcase per bundle with a failure element when it
 * failed and its console output as system-out).
 */
#include <string.h>

#include "report.h"
#include "text_out.h"

static void junit_case(FILE *f, const struct sim_result *r)
{
	char buf[64];
	const char *why = sim_result_why(r, buf, sizeof(buf));

	fprintf(f, "    <testcase classname=\"nexus-sim.test\" name=\"");
	text_xml(f, r->bundle, strlen(r->bundle));
	fprintf(f, "\" time=\"%.3f\">\n", sim_ms(r->start_ns, r->end_ns) / 1000);
	if (why != NULL) {
		fprintf(f, "      <failure type=\"%s\" message=\"", sim_outcome_name(r->outcome));
		text_xml(f, why, strlen(why));
		if (r->outcome == SIM_NOT_RUN)
			fprintf(f, "\">not run: the session ended before its turn");
		else
			fprintf(f, "\">exit code %d", r->code);
		if (sim_result_crashed(r))
			fprintf(f, "\ncrash: cause=%s pc=0x%llx addr=0x%llx",
				nx_crash_cause_name(r->crash.cause),
				(unsigned long long)r->crash.pc, (unsigned long long)r->crash.addr);
		if (r->msg[0] != 0) {
			fprintf(f, "\n");
			text_xml(f, r->msg, strlen(r->msg));
		}
		if (sim_result_tail(r) < r->console.len) {
			fprintf(f, "\nlast console lines:\n");
			text_xml(f, r->console.p + sim_result_tail(r),
				 r->console.len - sim_result_tail(r));
		}
		fprintf(f, "</failure>\n");
	}
	if (r->console.len > 0) {
		fprintf(f, "      <system-out>");
		text_xml(f, r->console.p, r->console.len);
		fprintf(f, "</system-out>\n");
	}
	fprintf(f, "    </testcase>\n");
}

int report_junit(FILE *f, const struct session *s)
{
	size_t failures = 0;

	for (size_t i = 0; i < s->nbundles; i++)
		failures += !sim_result_ok(&s->results[i]);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n",
		s->nbundles, failures, sim_ms(s->start_ns, s->end_ns) / 1000);
	fprintf(f,
		"  <testsuite name=\"nexus-sim test\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
		s->nbundles, failures, sim_ms(s->start_ns, s->end_ns) / 1000);
	for (size_t i = 0; i < s->nbundles; i++)
		junit_case(f, &s->results[i]);
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
