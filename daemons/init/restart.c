/* The throttle is pure arithmetic on a clock the caller reads, so it is testable. */
#include "restart.h"

void restart_started(struct restart *r, uint64_t now)
{
	r->last_start = now;
}

int restart_plan(struct restart *r, uint64_t now, uint64_t *at)
{
	uint64_t earliest = r->last_start + INIT_RESTART_GAP_MS;

	if (r->deaths < INIT_DEATHS_MAX)
		r->deaths++;
	if (r->deaths >= INIT_DEATHS_MAX)
		return 0;
	*at = now > earliest ? now : earliest;
	return 1;
}
