/*
 * The launch.v1 record (launch_log.h). A win is journalled at debug level
 * (bookkeeping: the console stays the payload's and the markers'), a loss
 * at info, so it also shows on the console of a -v run.
 */
#include <stdio.h>

#include "launch_log.h"

/*
 * A field value logd takes: printable ASCII (anything else becomes '?'),
 * cut to cap - 1 bytes. A path as given may hold any byte; the record must
 * still be written, or the loss would not be counted.
 */
static const char *printable(char *dst, size_t cap, const char *s)
{
	size_t i = 0;

	for (; s != NULL && s[i] != 0 && i + 1 < cap; i++)
		dst[i] = s[i] >= 0x20 && s[i] <= 0x7e ? s[i] : '?';
	dst[i] = 0;
	return dst;
}

int exec_launch_log(struct nxd *d, const char *program, long result, const char *why)
{
	char err[24], prog[NX_PATH_MAX], reason[NX_ERRMSG_MAX];
	struct nxd_field f[EXEC_LAUNCH_FIELDS_MAX] = {
	    {"event", EXEC_LAUNCH_EVENT},
	    {"program", printable(prog, sizeof(prog), program)},
	    {"result", result > 0 ? "win" : "loss"},
	    {"errno", err},
	};
	size_t n = 4;

	snprintf(err, sizeof(err), "%ld", result > 0 ? 0L : -result);
	if (prog[0] == 0)
		f[1].value = "?";
	if (result <= 0)
		f[n++] = (struct nxd_field){"why", why != NULL && why[0] != 0
						       ? printable(reason, sizeof(reason), why)
						       : "refused"};
	return nxd_log(d, result > 0 ? NX_LOG_DEBUG : NX_LOG_INFO, EXEC_LAUNCH_MSG, f, n);
}
