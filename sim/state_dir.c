/* The session's state directory (state_dir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state_dir.h"

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
	return 0;
}

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

void state_dir_close(struct state_dir *st)
{
	if (st->fd < 0)
		return;
	if (st->temp) {
		rm_tree(st->fd);
		if (rmdir(st->path) != 0)
			fprintf(stderr, "nexus-sim: cannot remove %s: %s\n", st->path,
				strerror(errno));
	} else {
		close(st->fd);
	}
	st->fd = -1;
}
