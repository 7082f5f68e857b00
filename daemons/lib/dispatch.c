/* Find a request's handler and check its shape before the handler sees it. */
#include <stddef.h>

#include "nexus/err.h"
#include "nxd_loop.h"

int nxd_dispatch_check(const struct nxd_handler *table, size_t n, const struct nx_msg *m,
		       const struct nxd_handler **out, const char **why)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (table[i].rule.kind != m->hdr.kind)
			continue;
		int err = nx_wire_check_shape(&table[i].rule, m, why);
		if (err == 0)
			*out = &table[i];
		return err;
	}
	*why = "unknown frame kind";
	return -NX_ENOSYS;
}
