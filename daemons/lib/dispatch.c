/*
 * Shape checks for a request before its handler sees it: the handler may
 * then trust the kind, the body length range and the fd rule.
 */
#include <stddef.h>

#include "daemons/lib/nxd_frame.h"
#include "nexus/err.h"

int nxd_dispatch_check(const struct nxd_handler *table, size_t n, const struct nxd_msg *m,
		       const struct nxd_handler **out, const char **why)
{
	const struct nxd_handler *h = NULL;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (table[i].kind == m->hdr.kind) {
			h = &table[i];
			break;
		}
	if (h == NULL) {
		*why = "unknown frame kind";
		return -NX_ENOSYS;
	}
	if (m->len < h->min_len) {
		*why = "frame body too short";
		return -NX_EINVAL;
	}
	if (m->len > h->max_len) {
		*why = "frame body too long";
		return -NX_EINVAL;
	}
	if (h->fd == NXD_FD_REQUIRED && m->fd < 0) {
		*why = "frame needs an fd and carries none";
		return -NX_EINVAL;
	}
	if (h->fd == NXD_FD_NONE && m->fd >= 0) {
		*why = "frame carries an fd it must not";
		return -NX_EINVAL;
	}
	*out = h;
	return 0;
}
