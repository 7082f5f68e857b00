/* Service names (nexus/svc.h): the one rule samgrd, init and clients share. */
#include "daemons/lib/nxd.h"

int nxd_svc_name_ok(const void *s, size_t len)
{
	const unsigned char *p = s;

	if (len == 0 || len >= NX_SVC_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}
