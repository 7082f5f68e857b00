/* debug_putc, debug_write: bytes to the console sink. */
#include "kobj.h"
#include "nexus/caps.h"
#include "sys.h"
#include "nexus/err.h"

static void console(struct nxk *k, const char *buf, size_t len)
{
	if (k->o.console != NULL)
		k->o.console(k->o.console_arg, buf, len);
}

/* (byte) -> 0; needs NX_CAP_CONSOLE */
long nxk_sys_debug_putc(struct nxk_caller *c, const uint64_t a[6])
{
	char ch = (char)a[0];
	if (!(c->caps & NX_CAP_CONSOLE))
		return -NX_EPERM;
	console(c->k, &ch, 1);
	return 0;
}

/* (ptr, len) -> len; at most NX_DEBUG_WRITE_MAX bytes; needs NX_CAP_CONSOLE */
long nxk_sys_debug_write(struct nxk_caller *c, const uint64_t a[6])
{
	char buf[NX_DEBUG_WRITE_MAX];
	if (!(c->caps & NX_CAP_CONSOLE))
		return -NX_EPERM;
	if (a[1] > NX_DEBUG_WRITE_MAX)
		return -NX_EMSGSIZE;
	int r = nxk_copyin(c, a[0], buf, a[1]);
	if (r != 0)
		return r;
	console(c->k, buf, a[1]);
	return (long)a[1];
}
