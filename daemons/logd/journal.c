/*
 * One write() per line on each sink: the console is shared with every
 * other daemon, and a journal line must never be half there.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "journal.h"

int journal_open(struct journal *j, int dirfd)
{
	j->console_level = NX_LOG_INFO;
	j->fd = openat(dirfd, JOURNAL_NAME, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		       0600);
	return j->fd < 0 ? -1 : 0;
}

static int journal_put(int fd, const char *line, size_t n)
{
	ssize_t w = write(fd, line, n);

	if (w < 0)
		return -1;
	if ((size_t)w != n) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int journal_write(struct journal *j, struct nxd_log_rec *r)
{
	char line[JOURNAL_LINE_MAX];
	int n = nxd_log_format(r, line, sizeof(line) - 1);

	if (n < 0) {
		errno = EMSGSIZE;
		return -1;
	}
	line[n++] = '\n';
	if (r->level >= j->console_level)
		(void)journal_put(STDERR_FILENO, line, (size_t)n);
	return journal_put(j->fd, line, (size_t)n);
}
