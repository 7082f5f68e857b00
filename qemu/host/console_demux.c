/* The console's streams, split (console_demux.h). */
#include "console_demux.h"
#include "console_mux.h"

void nxq_demux_init(struct nxq_demux *d,
		    void (*data)(void *, enum nxq_stream, const char *, size_t),
		    void (*line_done)(void *, const char *), void *arg)
{
	d->stream = NXQ_STREAM_FIRMWARE;
	d->escaped = 0;
	d->len = 0;
	d->data = data;
	d->line_done = line_done;
	d->arg = arg;
}

static void system_byte(struct nxq_demux *d, char c)
{
	if (c != '\n') {
		if (d->len < sizeof(d->line) - 1)
			d->line[d->len++] = c;
		return;
	}
	d->line[d->len] = 0;
	d->len = 0;
	d->line_done(d->arg, d->line);
}

void nxq_demux_feed(struct nxq_demux *d, const char *buf, size_t len)
{
	size_t run = 0; /* start of the current run of data bytes */

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (d->escaped || !nxq_con_is_control(c)) {
			d->escaped = 0;
			if (d->stream == NXQ_STREAM_SYSTEM)
				system_byte(d, (char)c);
			continue;
		}
		/* A control byte: flush the run before it, then act on it. */
		if (i > run)
			d->data(d->arg, d->stream, buf + run, i - run);
		run = i + 1;
		if (c == NXQ_CON_ESCAPE)
			d->escaped = 1;
		else
			d->stream = c == NXQ_CON_SYS_BEGIN ? NXQ_STREAM_SYSTEM : NXQ_STREAM_PAYLOAD;
	}
	if (len > run)
		d->data(d->arg, d->stream, buf + run, len - run);
}
