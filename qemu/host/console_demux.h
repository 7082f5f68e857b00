/*
 * The target's console split back into its streams (qemu/console_mux.h):
 * payload bytes, system bytes and the firmware's bytes before the
 * kernel's first. System bytes are also cut into lines for the caller
 * to read.
 */
#ifndef NEXUS_QEMU_HOST_CONSOLE_DEMUX_H
#define NEXUS_QEMU_HOST_CONSOLE_DEMUX_H

#include <stddef.h>

#define NXQ_DEMUX_LINE_MAX 1024 /* bytes of a system line kept; longer ones are cut */

enum nxq_stream { NXQ_STREAM_FIRMWARE, NXQ_STREAM_SYSTEM, NXQ_STREAM_PAYLOAD };

struct nxq_demux {
	enum nxq_stream stream;
	int escaped; /* the previous byte was NXQ_CON_ESCAPE */
	char line[NXQ_DEMUX_LINE_MAX];
	size_t len;
	/* Called with each run of data bytes of one stream, and each whole system line. */
	void (*data)(void *arg, enum nxq_stream s, const char *buf, size_t len);
	void (*line_done)(void *arg, const char *line);
	void *arg;
};

void nxq_demux_init(struct nxq_demux *d,
		    void (*data)(void *, enum nxq_stream, const char *, size_t),
		    void (*line_done)(void *, const char *), void *arg);
void nxq_demux_feed(struct nxq_demux *d, const char *buf, size_t len);

#endif
