/*
 * The state directory of a session: the user's --state DIR (made if
 * missing, kept after), or a fresh temporary one removed at the end. A
 * state directory is used by one session at a time: it is locked (flock
 * on NX_STATE_LOCK, holding the owner's pid) before anything in it is
 * touched, and what the session will open in it is checked first (no
 * link, no special file, no hard link to something else).
 *
 * A temporary one is removed by a helper process forked when it is made,
 * before nexus-sim confines itself: the sandboxed nexus-sim may remove
 * nothing, and removing the directory itself changes its parent ($TMPDIR).
 * The helper holds only a pipe and stderr, and no capability; when the
 * pipe closes (at state_dir_close, or when nexus-sim dies in any way) it
 * removes the tree.
 */
#ifndef NEXUS_SIM_STATE_DIR_H
#define NEXUS_SIM_STATE_DIR_H

#include <limits.h>
#include <sys/types.h>

#define STATE_LOCK_POLL_MS 100 /* ms between tries while --wait-state waits for the lock */

struct state_dir {
	int fd;
	int lock; /* the locked file, or -1 */
	int temp;
	pid_t janitor;	/* temp: the helper that removes it */
	int janitor_fd; /* temp: the pipe whose closing tells it to */
	char path[PATH_MAX];
};

/*
 * Would the state directory `dir` (it may not exist yet) be the input
 * directory open as `input`, lie beneath it, or hold it? Checked before
 * anything is made, so a --state pointing into a bundle or the trust
 * directory changes nothing there.
 */
int state_dir_overlaps(const char *dir, int input);

/*
 * Open (or make) the state directory and lock it. In use by another
 * session: exit code NX_EXIT_TEMPFAIL ("state DIR is in use by pid N"),
 * or with `wait` try again every STATE_LOCK_POLL_MS until it is free or
 * `stop_fd` (a signalfd) is readable. Returns 0 or an exit code, after
 * saying why on stderr.
 */
int state_dir_open(struct state_dir *st, const char *dir, int wait, int stop_fd);

/*
 * The state file `name` for writing, from the start: O_NOFOLLOW and
 * O_NONBLOCK (a FIFO planted there must not hang the run), then it must
 * be a regular file with no other link (a hard link would have us
 * overwrite another file). -1 after saying why on stderr.
 */
int state_dir_create(struct state_dir *st, const char *name);

/* A state file someone else opens (logd's journal): the same checks, nothing truncated. */
int state_dir_check(struct state_dir *st, const char *name);
/* A state file someone else makes: absent, or as state_dir_check wants it. 0 or -1 (said). */
int state_dir_check_file(struct state_dir *st, const char *name);
/* A state directory someone else opens: absent, or a directory (not a link). 0 or -1 (said). */
int state_dir_check_dir(struct state_dir *st, const char *name);

/* Unlock and close it; a temporary one is removed with everything beneath it (by the helper). */
void state_dir_close(struct state_dir *st);

#endif
