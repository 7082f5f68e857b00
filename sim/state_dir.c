/* The session's state directory (state_dir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "nexus/state.h"
#include "nxhost.h"
#include "state_dir.h"

/* Open a state file without following links or blocking, and check it is ours to write. */
static int state_dir_create_mode(struct state_dir *st, const char *name, int truncate)
{
	struct stat sb;
	int fd = openat(st->fd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);

	if (fd < 0) {
		fprintf(stderr, "nexus-sim: state %s: cannot open %s: %s\n", st->path, name,
			errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	const char *why = fstat(fd, &sb) != 0		      ? strerror(errno)
			  : !S_ISREG(sb.st_mode)	      ? "not a regular file"
			  : sb.st_nlink != 1		      ? "it has other hard links"
			  : truncate && ftruncate(fd, 0) != 0 ? strerror(errno)
							      : NULL;
	if (why != NULL) {
		fprintf(stderr, "nexus-sim: state %s: %s: %s\n", st->path, name, why);
		close(fd);
		return -1;
	}
	return fd;
}

int state_dir_create(struct state_dir *st, const char *name)
{
	return state_dir_create_mode(st, name, 1);
}

int state_dir_check_dir(struct state_dir *st, const char *name)
{
	struct stat sb;

	if (fstatat(st->fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(sb.st_mode))
		return 0;
	fprintf(stderr, "nexus-sim: state %s: %s is not a directory\n", st->path, name);
	return -1;
}

int state_dir_check(struct state_dir *st, const char *name)
{
	int fd = state_dir_create_mode(st, name, 0);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int state_dir_check_file(struct state_dir *st, const char *name)
{
	struct stat sb;

	if (fstatat(st->fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
		return 0;
	return state_dir_check(st, name);
}

/* The lock: 0 when this session holds it, 1 when another does (its pid said), -1 on error. */
static int state_lock_try(struct state_dir *st)
{
	char pid[32];

	if (flock(st->lock, LOCK_EX | LOCK_NB) == 0) {
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(st->lock, 0) != 0 || pwrite(st->lock, pid, (size_t)n, 0) != n)
			return -1;
		return 0;
	}
	return errno == EWOULDBLOCK ? 1 : -1;
}

static void state_lock_owner(struct state_dir *st, char *out, size_t cap)
{
	ssize_t n = pread(st->lock, out, cap - 1, 0);

	out[n > 0 ? (size_t)n : 0] = 0;
	out[strcspn(out, "\n")] = 0;
	if (out[0] == 0)
		snprintf(out, cap, "?");
}

static int state_lock(struct state_dir *st, int wait, int stop_fd)
{
	char owner[32];
	int r;

	st->lock = state_dir_create_mode(st, NX_STATE_LOCK, 0);
	if (st->lock < 0)
		return NX_EXIT_NOINPUT;
	while ((r = state_lock_try(st)) == 1) {
		struct pollfd p = {.fd = stop_fd, .events = POLLIN};

		state_lock_owner(st, owner, sizeof(owner));
		if (!wait) {
			fprintf(stderr, "nexus-sim: state %s is in use by pid %s\n", st->path,
				owner);
			return NX_EXIT_TEMPFAIL;
		}
		if (poll(&p, 1, STATE_LOCK_POLL_MS) > 0)
			return NX_EXIT_TEMPFAIL;
	}
	if (r < 0) {
		fprintf(stderr, "nexus-sim: state %s: cannot lock %s: %s\n", st->path,
			NX_STATE_LOCK, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	return 0;
}

/*
 * The state path as it will be, for the overlap check before anything is
 * made: the real path of its longest existing prefix, then the rest.
 */
static int state_dir_resolve(const char *dir, char out[PATH_MAX])
{
	char head[PATH_MAX], real[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(head))
		return -1;
	memcpy(head, dir, n + 1);
	while (realpath(head, real) == NULL) {
		char *slash = strrchr(head, '/');

		if (slash == NULL) {
			/* Nothing of it exists: it is relative to the current directory. */
			if (realpath(".", real) == NULL)
				return -1;
			return snprintf(out, PATH_MAX, "%s/%s", real, dir) < PATH_MAX ? 0 : -1;
		}
		slash[slash == head ? 1 : 0] = 0;
	}
	return snprintf(out, PATH_MAX, "%s%s", real, dir + strlen(head)) < PATH_MAX ? 0 : -1;
}

/* Is `inner` the directory `outer`, or beneath it? Both are real paths. */
static int path_within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	return strncmp(inner, outer, n) == 0 &&
	       (inner[n] == 0 || inner[n] == '/' || (n > 0 && outer[n - 1] == '/'));
}

int state_dir_overlaps(const char *dir, int input)
{
	char want[PATH_MAX], fdpath[64], real[PATH_MAX];

	if (dir == NULL || input < 0 || state_dir_resolve(dir, want) != 0)
		return 0;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", input);
	if (realpath(fdpath, real) == NULL)
		return 0;
	return path_within(want, real) || path_within(real, want);
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

int state_dir_open(struct state_dir *st, const char *dir, int wait, int stop_fd)
{
	const char *tmp = getenv("TMPDIR");

	st->fd = st->lock = -1;
	st->temp = dir == NULL;
	if (tmp == NULL || *tmp == 0)
		tmp = "/tmp";
	if (dir == NULL) {
		snprintf(st->path, sizeof(st->path), "%s/nexus-sim.XXXXXX", tmp);
		if (mkdtemp(st->path) == NULL) {
			fprintf(stderr, "nexus-sim: cannot make a state directory in %s: %s\n", tmp,
				strerror(errno));
			return NX_EXIT_NOINPUT;
		}
	} else {
		if ((size_t)snprintf(st->path, sizeof(st->path), "%s", dir) >= sizeof(st->path)) {
			fprintf(stderr, "nexus-sim: state directory path too long\n");
			return NX_EXIT_USAGE;
		}
		if (mkdir(st->path, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "nexus-sim: cannot make state directory %s: %s\n", st->path,
				strerror(errno));
			return NX_EXIT_NOINPUT;
		}
	}
	st->fd = open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd < 0) {
		fprintf(stderr, "nexus-sim: cannot open state directory %s: %s\n", st->path,
			strerror(errno));
		if (st->temp)
			rmdir(st->path);
		return NX_EXIT_NOINPUT;
	}
	if (st->temp && janitor_start(st) != 0) {
		fprintf(stderr, "nexus-sim: cannot start the helper removing %s: %s\n", st->path,
			strerror(errno));
		close(st->fd);
		st->fd = -1;
		rmdir(st->path);
		return NX_EXIT_INTERNAL;
	}
	return state_lock(st, wait, stop_fd);
}

void state_dir_close(struct state_dir *st)
{
	if (st->lock >= 0)
		close(st->lock);
	st->lock = -1;
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
