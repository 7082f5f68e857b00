/*
 * Shape checks for a request before its handler sees it: the handler may
 * then trust the kind, the body length range and the fd rule.
 */
#include "nexus/err.h"
#include "wire.h"

int nx_wire_check_shape(const struct nx_wire_rule *r, const struct nx_msg *m, const char **why)
{
	if (m->len < r->min_len) {
		*why = "frame body too short";
		return -NX_EINVAL;
	}
	if (m->len > r->max_len) {
		*why = "frame body too long";
		return -NX_EINVAL;
	}
	if (r->fd == NX_FD_REQUIRED && m->fd < 0) {
		*why = "frame needs an fd and carries none";
		return -NX_EINVAL;
	}
	if (r->fd == NX_FD_NONE && m->fd >= 0) {
		*why = "frame carries an fd it must not";
		return -NX_EINVAL;
	}
	return 0;
}
