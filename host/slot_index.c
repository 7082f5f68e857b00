/* A slot's system set index on disk (sysstate.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"
#include "fmt_fail.h"
#include "nexus/limits.h"
#include "nexus/state.h"
#include "sysstate.h"

int nx_slot_index_load(int state_fd, int s, struct nx_nxs_index *ix, struct nx_fmt_err *e)
{
	char path[64];
	uint64_t size;
	uint8_t *buf;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", nx_state_slot(s), NX_SLOT_INDEX);
	if (nxf_open_regular(state_fd, path, &fd, &size) != 0) {
		if (errno == ENOENT)
			return 1;
		return nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", path, strerror(errno));
	}
	if (size == 0 || size > NX_NXS_INDEX_MAX) {
		close(fd);
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_SIZE, "%s: %llu bytes", path,
				   (unsigned long long)size);
	}
	if ((buf = malloc((size_t)size)) == NULL) {
		close(fd);
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "%s: out of memory", path);
	}
	if (nxf_pread_all(fd, buf, (size_t)size) != 0)
		err = nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", path, strerror(errno));
	else
		err = nx_nxs_index_decode(buf, (size_t)size, ix, e);
	free(buf);
	close(fd);
	return err;
}
