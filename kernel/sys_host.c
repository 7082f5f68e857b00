/* kconnect: a fresh kernel connection for a host caller to hand on. */
#include "kobj.h"
#include "sys.h"
#include "nexus/err.h"

/* (name, name len) -> 0 and the new connection's far end */
long nxk_sys_kconnect(struct nxk_caller *c, const uint64_t a[6])
{
	char name[NX_SVC_NAME_MAX] = {0};
	if (a[1] == 0 || a[1] >= NX_SVC_NAME_MAX)
		return -NX_EINVAL;
	int r = nxk_copyin(c, a[0], name, a[1]);
	if (r != 0)
		return r;
	if (c->k->o.kconnect == NULL)
		return -NX_ENOSYS;
	int fd = c->k->o.kconnect(c->k->o.kconnect_arg, name);
	if (fd < 0)
		return fd;
	c->req->fd_out = fd;
	return 0;
}
