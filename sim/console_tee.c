/* The boot console, read on its way to console.log or stderr (console_tee.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

int tee_open(struct tee *t, int out, struct sim_text *markers)
{
	int p[2];

	t->out = out;
	t->markers = markers;
	t->n = 0;
	t->cut = 0;
	if (pipe2(p, O_CLOEXEC) != 0) {
		t->rd = -1;
		return -1;
	}
	t->rd = p[0];
	if (fcntl(t->rd, F_SETFL, O_NONBLOCK) != 0) {
		close(p[0]);
		close(p[1]);
		t->rd = -1;
		return -1;
	}
	return p[1];
}

static void tee_line(struct tee *t)
{
	if (!t->cut && tee_is_marker(t->line, t->n) && t->markers != NULL) {
		(void)sim_text_add(t->markers, t->line, t->n);
		(void)sim_text_add(t->markers, "\n", 1);
	}
	t->n = 0;
	t->cut = 0;
}

/* The real console is console.log (never blocks) or stderr with -v (the user's terminal). */
static void tee_pass(struct tee *t, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(t->out, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void tee_drain(struct tee *t)
{
	char buf[4096];
	ssize_t got;

	if (t->rd < 0)
		return;
	while ((got = read(t->rd, buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR)) {
		if (got < 0)
			continue;
		tee_pass(t, buf, (size_t)got);
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] == '\n')
				tee_line(t);
			else if (t->n < sizeof(t->line))
				t->line[t->n++] = buf[i];
			else
				t->cut = 1;
		}
	}
	t->eof |= got == 0;
}

void tee_close(struct tee *t)
{
	if (t->rd >= 0)
		close(t->rd);
	t->rd = -1;
}
