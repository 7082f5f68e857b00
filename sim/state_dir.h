/*
 * The state directory of a session: the user's --state DIR (made if
 * missing, kept after), or a fresh temporary one removed at the end.
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

struct state_dir {
	int fd;
	int temp;
	pid_t janitor;	/* temp: the helper that removes it */
	int janitor_fd; /* temp: the pipe whose closing tells it to */
	char path[PATH_MAX];
};

/* 0, or -1 after saying why on stderr. */
int state_dir_open(struct state_dir *st, const char *dir);
/* Closes it; a temporary one is removed with everything beneath it (by the helper). */
void state_dir_close(struct state_dir *st);

#endif
