/* NEXUS_FAULT=escape:<who>: try to leave the sandbox, and say how it went (nxhost.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nxhost.h"

#define ESCAPE_PREFIX "escape:"
/* Readable by root only: a process that is root but confined must not read it. */
#define ESCAPE_READ "/etc/shadow"
/* Writable by root: opened for appending and closed at once, nothing is ever written. */
#define ESCAPE_WRITE "/etc/passwd"
#define ESCAPE_EXE "/proc/self/exe"
/* Made (and removed at once, if that worked) in each directory the process holds. */
#define ESCAPE_FILE ".nexus-escape"
/* The fds looked at for directories: every process here holds a handful. */
#define ESCAPE_FD_MAX 64

/* One write per line: the console is shared by every process. */
static void escape_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void escape_say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

static const char *escape_result(int fd)
{
	if (fd < 0)
		return strerror(errno);
	close(fd);
	return "allowed";
}

void nx_fault_escape(const char *who)
{
	const char *f = getenv("NEXUS_FAULT");

	if (f == NULL || strncmp(f, ESCAPE_PREFIX, strlen(ESCAPE_PREFIX)) != 0 ||
	    strcmp(f + strlen(ESCAPE_PREFIX), who) != 0)
		return;
	escape_say("%s: escape: open %s for reading: %s", who, ESCAPE_READ,
		   escape_result(open(ESCAPE_READ, O_RDONLY | O_CLOEXEC | O_NOCTTY)));
	escape_say("%s: escape: open %s for writing: %s", who, ESCAPE_WRITE,
		   escape_result(open(ESCAPE_WRITE, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY)));
	/*
	 * A daemon's executable is a file init's domain holds and the daemon's
	 * own may not (the magic link resolves to the file, which Landlock checks).
	 */
	escape_say("%s: escape: open its executable for reading: %s", who,
		   escape_result(open(ESCAPE_EXE, O_RDONLY | O_CLOEXEC)));
	/* Holding a directory's fd is not reaching into it: only the domain says what may. */
	for (int fd = 0; fd < ESCAPE_FD_MAX; fd++) {
		struct stat st;
		int made;

		if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		made = openat(fd, ESCAPE_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			      0600);
		escape_say("%s: escape: create a file in the directory of fd %d: %s", who, fd,
			   escape_result(made));
		if (made >= 0)
			unlinkat(fd, ESCAPE_FILE, 0);
	}
}
