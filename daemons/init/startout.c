/* A daemon's start-up output, held until its turn in the ladder (startout.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "startout.h"

void startout_init(struct startout *o)
{
	o->fd = -1;
	o->hold = 0;
	o->len = 0;
}

static void put(int out, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(out, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a console that is gone must not stop init */
		p += w;
		n -= (size_t)w;
	}
}

/* Print the whole lines in the buffer (and the partial rest too when `all`). */
static void emit(struct startout *o, int out, int all)
{
	size_t done = 0;

	for (;;) {
		char *nl = memchr(o->buf + done, '\n', o->len - done);

		if (nl == NULL)
			break;
		put(out, o->buf + done, (size_t)(nl - (o->buf + done)) + 1);
		done = (size_t)(nl - o->buf) + 1;
	}
	if (all) {
		put(out, o->buf + done, o->len - done);
		done = o->len;
	}
	memmove(o->buf, o->buf + done, o->len - done);
	o->len -= done;
}

int startout_read(struct startout *o, int out)
{
	char chunk[4096];

	while (o->fd >= 0) {
		ssize_t got = read(o->fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return 0;
		if (got == 0)
			return 1;
		/* Past STARTOUT_MAX: what was held goes now, out of order rather than lost. */
		if (o->len + (size_t)got > sizeof(o->buf))
			emit(o, out, 1);
		memcpy(o->buf + o->len, chunk, (size_t)got);
		o->len += (size_t)got;
		if (!o->hold)
			emit(o, out, 0);
	}
	return 0;
}

void startout_release(struct startout *o, int out)
{
	o->hold = 0;
	emit(o, out, 0);
}

void startout_finish(struct startout *o, int out)
{
	if (o->fd >= 0) {
		(void)startout_read(o, out);
		close(o->fd);
	}
	emit(o, out, 1);
	startout_init(o);
}
