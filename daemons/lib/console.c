/*
 * The console is shared by every daemon: a line must reach it in one
 * write() or two daemons' lines could interleave mid-line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "loop_impl.h"
#include "nxd.h"

#define CONSOLE_LINE_MAX 1024 /* bytes of one console line; longer ones are cut */

static char progname[NX_SVC_NAME_MAX] = "nxd";
static int console_fd = STDERR_FILENO;

void nxd_console_to(int fd)
{
	console_fd = fd;
}

void nxd_set_progname(const char *name)
{
	snprintf(progname, sizeof(progname), "%s", name);
}

const char *nxd_progname(void)
{
	return progname;
}

static void console_line(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	char line[CONSOLE_LINE_MAX];
	size_t n = 0;
	int k;

	if (prefix != NULL) {
		k = snprintf(line, sizeof(line), "%s: ", prefix);
		n = k > 0 ? (size_t)k : 0;
	}
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (k > 0)
		n += (size_t)k;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (suffix != NULL) {
		k = snprintf(line + n, sizeof(line) - n, ": %s", suffix);
		if (k > 0)
			n += (size_t)k;
		if (n > sizeof(line) - 2)
			n = sizeof(line) - 2;
	}
	line[n++] = '\n';
	/* Best effort: a console that is gone must not kill the daemon. */
	(void)!write(console_fd, line, n);
}

void nxd_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_line(NULL, fmt, ap, NULL);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	console_line(progname, fmt, ap, strerror(e));
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_line(progname, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
