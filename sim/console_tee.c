/* The boot console, read on its way to console.log or stderr (console_tee.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console_tee.h"

/* The markers of docs/markers.md by what they begin with ... */
static const char *const marker_prefix[] = {
    "init: ",
    "bundle: verify ok ",
    "bundle: install ok ",
    "execd: elf load ok",
    "execd: crash report ",
    "bundlemgrd: slot ",
    "updated: ready",
    "updated: fault: ",
    "SELFTEST: ",
};

int tee_is_marker(const char *line, size_t n)
{
	static const char ready[] = ": ready";
	const size_t rn = sizeof(ready) - 1;

	for (size_t i = 0; i < sizeof(marker_prefix) / sizeof(marker_prefix[0]); i++) {
		size_t pn = strlen(marker_prefix[i]);

		if (n >= pn && memcmp(line, marker_prefix[i], pn) == 0)
			return 1;
	}
	/* ... and "<svc>: ready": one word, then ": ready" to the end. */
	return n > rn && memcmp(line + n - rn, ready, rn) == 0 && memchr(line, ' ', n - rn) == NULL;
}

/* Our own non-blocking description of a console that is not a regular file (console.c's way). */
static int tee_out(int fd)
{
	struct stat st;
	char path[64];
	int own;

	if (fstat(fd, &st) != 0)
		return -1;
	if (S_ISREG(st.st_mode))
		return fcntl(fd, F_DUPFD_CLOEXEC, 3);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	own = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return own >= 0 ? own : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

int tee_open(struct tee *t, int out, struct sim_text *markers)
{
	int p[2];

	*t = (struct tee){.rd = -1, .out = -1, .markers = markers};
	if ((t->q = malloc(TEE_QUEUE_MAX)) == NULL || (t->out = tee_out(out)) < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	t->rd = p[0];
	if (fcntl(t->rd, F_SETFL, O_NONBLOCK) != 0) {
		close(p[1]);
		return -1;
	}
	return p[1];
}

static void tee_line(struct tee *t)
{
	if (!t->cut && t->markers != NULL && tee_is_marker(t->line, t->n)) {
		(void)sim_text_add(t->markers, t->line, t->n);
		(void)sim_text_add(t->markers, "\n", 1);
	}
	t->n = 0;
	t->cut = 0;
}

void tee_flush(struct tee *t)
{
	size_t done = 0;

	while (done < t->qlen && !t->gone) {
		ssize_t w = write(t->out, t->q + done, t->qlen - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0)
			t->gone = 1; /* the reader went away: drop, never wait */
		else
			done += (size_t)w;
	}
	if (t->gone)
		done = t->qlen;
	memmove(t->q, t->q + done, t->qlen - done);
	t->qlen -= done;
}

void tee_drain(struct tee *t)
{
	ssize_t got;

	while (t->rd >= 0 && !t->eof && t->qlen < TEE_QUEUE_MAX) {
		size_t room = TEE_QUEUE_MAX - t->qlen;
		char *p = t->q + t->qlen;

		got = read(t->rd, p, room < 4096 ? room : 4096);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			t->eof = got == 0;
			break;
		}
		for (ssize_t i = 0; i < got; i++) {
			if (p[i] == '\n')
				tee_line(t);
			else if (t->n < sizeof(t->line))
				t->line[t->n++] = p[i];
			else
				t->cut = 1;
		}
		t->qlen += (size_t)got;
		tee_flush(t);
	}
}

int tee_wants_read(const struct tee *t)
{
	return t->rd >= 0 && !t->eof && t->qlen < TEE_QUEUE_MAX;
}

int tee_wants_write(const struct tee *t)
{
	return t->qlen > 0 && !t->gone;
}

void tee_finish(struct tee *t, int stop_fd)
{
	for (;;) {
		tee_drain(t);
		if (!tee_wants_write(t) && !tee_wants_read(t))
			return;
		struct pollfd p[2] = {{.fd = tee_wants_write(t) ? t->out : -1, .events = POLLOUT},
				      {.fd = stop_fd, .events = POLLIN}};
		if (!tee_wants_write(t))
			return; /* nothing waits but the pipe, and it is empty: its writers are gone
				 */
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;
		if (p[1].revents != 0)
			return;
		tee_flush(t);
	}
}

void tee_close(struct tee *t)
{
	if (t->rd >= 0)
		close(t->rd);
	if (t->out >= 0)
		close(t->out);
	free(t->q);
	*t = (struct tee){.rd = -1, .out = -1};
}
