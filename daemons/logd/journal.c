/*
 * One write() per line on each sink: the console is shared with every
 * other daemon, and a journal line must never be half there.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nexus/state.h"

#include "journal.h"

/* Never a link, never something that could block or that another name shares. */
int journal_open(struct journal *j, int dirfd)
{
	struct stat st;

	j->console_level = NX_LOG_INFO;
	j->fd = openat(dirfd, NX_STATE_JOURNAL,
		       O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return -1;
	if (fstat(j->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(j->fd);
		j->fd = -1;
		errno = EINVAL;
		return -1;
	}
	return 0;
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
