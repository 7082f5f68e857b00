/* The console sink (console.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "nexus/err.h"

struct console {
	int fd;	     /* where the bytes go */
	int own;     /* fd is a description of our own, closed by console_free */
	int is_sock; /* written with send(MSG_DONTWAIT) */
	int gone;    /* the reader went away: bytes are dropped */
	uint64_t quota, taken;
	char *cap; /* console_new_capture: the bytes, in a buffer that grows */
	size_t caplen, capsize;
	int capture;
	size_t head, len;
	char q[CONSOLE_QUEUE_MAX];
};

struct console *console_new(int fd)
{
	struct console *c = calloc(1, sizeof(*c));
	struct stat st;
	char path[64];

	if (c == NULL || fstat(fd, &st) != 0) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	c->is_sock = S_ISSOCK(st.st_mode);
	/* A regular file never blocks; anything else gets a non-blocking description of its own. */
	if (!S_ISREG(st.st_mode) && !c->is_sock) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		int own = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (own >= 0) {
			c->fd = own;
			c->own = 1;
		}
	}
	return c;
}

struct console *console_new_capture(void)
{
	struct console *c = calloc(1, sizeof(*c));

	if (c != NULL) {
		c->fd = -1;
		c->capture = 1;
	}
	return c;
}

void console_free(struct console *c)
{
	if (c == NULL)
		return;
	if (c->own)
		close(c->fd);
	free(c->cap);
	free(c);
}

const char *console_captured(const struct console *c, size_t *len)
{
	*len = c->capture ? c->caplen : 0;
	return c->capture ? c->cap : NULL;
}

void console_restart(struct console *c)
{
	c->taken = 0;
	c->caplen = 0;
}

/* Append to a capture; -NX_EAGAIN (nothing kept) when the buffer cannot grow now. */
static int console_keep(struct console *c, const char *buf, size_t len)
{
	if (len > c->capsize - c->caplen) {
		size_t want = c->capsize != 0 ? c->capsize : 4096;
		char *p;

		while (want - c->caplen < len)
			want *= 2;
		if ((p = realloc(c->cap, want)) == NULL)
			return -NX_EAGAIN;
		c->cap = p;
		c->capsize = want;
	}
	memcpy(c->cap + c->caplen, buf, len);
	c->caplen += len;
	c->taken += len;
	return 0;
}

void console_set_quota(struct console *c, uint64_t quota)
{
	c->quota = quota;
}

int console_put(struct console *c, const char *buf, size_t len)
{
	if (c->quota != 0 && len > c->quota - c->taken)
		return -NX_ENOSPC;
	if (c->capture)
		return console_keep(c, buf, len);
	if (!c->gone && len > CONSOLE_QUEUE_MAX - c->len)
		return -NX_EAGAIN;
	c->taken += len;
	if (c->gone)
		return 0;
	size_t tail = (c->head + c->len) % CONSOLE_QUEUE_MAX;
	size_t first = len < CONSOLE_QUEUE_MAX - tail ? len : CONSOLE_QUEUE_MAX - tail;
	memcpy(c->q + tail, buf, first);
	memcpy(c->q, buf + first, len - first);
	c->len += len;
	(void)console_flush(c);
	return 0;
}

static ssize_t console_write(struct console *c, const char *p, size_t n)
{
	if (c->is_sock)
		return send(c->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(c->fd, p, n);
}

int console_flush(struct console *c)
{
	size_t before = c->len;

	while (c->len > 0 && !c->gone) {
		size_t n = c->len;
		if (n > CONSOLE_QUEUE_MAX - c->head)
			n = CONSOLE_QUEUE_MAX - c->head;
		ssize_t w = console_write(c, c->q + c->head, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0) {
			/* The reader went away (EPIPE) or the fd broke: drop, never wait. */
			c->gone = 1;
			c->len = 0;
			break;
		}
		c->head = (c->head + (size_t)w) % CONSOLE_QUEUE_MAX;
		c->len -= (size_t)w;
	}
	return c->len < before;
}

int console_wait_fd(const struct console *c)
{
	return c->len > 0 && !c->gone ? c->fd : -1;
}
