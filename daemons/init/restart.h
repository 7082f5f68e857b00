/*
 * The restart throttle (s6-supervise habits): a dead daemon comes back
 * no sooner than INIT_RESTART_GAP_MS after its previous start, and after
 * INIT_DEATHS_MAX deaths it stays down.
 */
#ifndef INIT_RESTART_H
#define INIT_RESTART_H

#include <stdint.h>

#define INIT_RESTART_GAP_MS 1000 /* ms between two starts of one daemon */
#define INIT_DEATHS_MAX 5	 /* deaths of one daemon in a run before init gives up */

struct restart {
	unsigned deaths;
	uint64_t last_start; /* ms */
};

void restart_started(struct restart *r, uint64_t now);
/*
 * Record a death at `now`. Returns 1 with *at = when to start it again,
 * or 0 when the tally is spent and the daemon must stay down.
 */
int restart_plan(struct restart *r, uint64_t now, uint64_t *at);

#endif
