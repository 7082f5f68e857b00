/*
 * The log client: records go to logd without a reply. A logd that was
 * restarted is reconnected once; a record that still cannot be sent is
 * reported to the caller, never fatal.
 */
#include <unistd.h>

#include "daemon_impl.h"
#include "nxd_log.h"
#include "nexus/err.h"

int nxd_log(struct nxd *d, int level, const char *msg, const struct nxd_field *fields,
	    size_t nfields)
{
	uint8_t buf[NX_LOG_RECORD_MAX];
	int len, err;

	len = nxd_log_encode(buf, sizeof(buf), d->name, msg, fields, nfields);
	if (len < 0)
		return len;
	if (level < NX_LOG_DEBUG || level > NX_LOG_ERROR)
		return -NX_EINVAL;
	if (d->log_fd < 0)
		return -NX_EPIPE;
	err = nx_wire_send(d->log_fd, NX_LOG_RECORD, (uint64_t)level, NULL, buf, (size_t)len, -1);
	if (err == -NX_EPIPE) {
		close(d->log_fd);
		d->log_fd = nxd_connect(d, "logd");
		if (d->log_fd < 0)
			return d->log_fd;
		err = nx_wire_send(d->log_fd, NX_LOG_RECORD, (uint64_t)level, NULL, buf,
				   (size_t)len, -1);
	}
	return err;
}
