/* The session's state directory (state_dir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nxhost.h"
#include "state_dir.h"

/* Remove everything beneath dirfd without following a link; closes dirfd. */
static void rm_tree(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	int removed;

	if (d == NULL) {
		close(dirfd);
		return;
	}
	/* Entries removed while reading may hide others: read again until a pass removes none. */
	do {
		removed = 0;
		rewinddir(d);
		while ((e = readdir(d)) != NULL) {
			int sub;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (unlinkat(dirfd, e->d_name, 0) == 0) {
				removed = 1;
				continue;
			}
			sub = openat(dirfd, e->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			rm_tree(sub);
			if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) == 0)
				removed = 1;
		}
	} while (removed);
	closedir(d);
}

/* The helper removing a temporary state directory (state_dir.h); it never returns. */
static _Noreturn void janitor_run(const char *path, int wait_fd)
{
	char c;
	int fd;

	/* Out of the terminal's process group: Ctrl-C is for nexus-sim, which shuts down first. */
	setsid();
	/* What it removes is its own (made by this uid): no capability is needed for that. */
	if (nx_caps_drop_all() != 0)
		fprintf(stderr, "nexus-sim: the helper removing %s keeps its capabilities\n", path);
	if (dup2(wait_fd, STDIN_FILENO) < 0)
		_exit(1);
	close(STDOUT_FILENO);
	close_range(STDERR_FILENO + 1, ~0U, 0);
	while (read(STDIN_FILENO, &c, 1) < 0 && errno == EINTR)
		;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		rm_tree(fd);
	if (rmdir(path) != 0)
		fprintf(stderr, "nexus-sim: cannot remove %s: %s\n", path, strerror(errno));
	_exit(0);
}

static int janitor_start(struct state_dir *st)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	st->janitor = fork();
	if (st->janitor == 0)
		janitor_run(st->path, p[0]);
	close(p[0]);
	if (st->janitor < 0) {
		close(p[1]);
		return -1;
	}
	st->janitor_fd = p[1];
	return 0;
}

int state_dir_open(struct state_dir *st, const char *dir)
{
	const char *tmp = getenv("TMPDIR");

	st->fd = -1;
	st->temp = dir == NULL;
	if (tmp == NULL || *tmp == 0)
		tmp = "/tmp";
	if (dir == NULL) {
		snprintf(st->path, sizeof(st->path), "%s/nexus-sim.XXXXXX", tmp);
		if (mkdtemp(st->path) == NULL) {
			fprintf(stderr, "nexus-sim: cannot make a state directory in %s: %s\n", tmp,
				strerror(errno));
			return -1;
		}
	} else {
		if ((size_t)snprintf(st->path, sizeof(st->path), "%s", dir) >= sizeof(st->path)) {
			fprintf(stderr, "nexus-sim: state directory path too long\n");
			return -1;
		}
		if (mkdir(st->path, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "nexus-sim: cannot make state directory %s: %s\n", st->path,
				strerror(errno));
			return -1;
		}
	}
	st->fd = open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd < 0) {
		fprintf(stderr, "nexus-sim: cannot open state directory %s: %s\n", st->path,
			strerror(errno));
		if (st->temp)
			rmdir(st->path);
		return -1;
	}
	if (st->temp && janitor_start(st) != 0) {
		fprintf(stderr, "nexus-sim: cannot start the helper removing %s: %s\n", st->path,
			strerror(errno));
		close(st->fd);
		st->fd = -1;
		rmdir(st->path);
		return -1;
	}
	return 0;
}

void state_dir_close(struct state_dir *st)
{
	if (st->fd < 0)
		return;
	close(st->fd);
	st->fd = -1;
	if (st->temp) {
		close(st->janitor_fd);
		while (waitpid(st->janitor, NULL, 0) < 0 && errno == EINTR)
			;
	}
}
