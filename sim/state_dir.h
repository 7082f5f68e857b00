/*
 * The state directory of a session: the user's --state DIR (made if
 * missing, kept after), or a fresh temporary one removed at the end.
 */
#ifndef NEXUS_SIM_STATE_DIR_H
#define NEXUS_SIM_STATE_DIR_H

#include <limits.h>

struct state_dir {
	int fd;
	int temp;
	char path[PATH_MAX];
};

/* 0, or -1 after saying why on stderr. */
int state_dir_open(struct state_dir *st, const char *dir);
/* Closes it; a temporary one is removed with everything beneath it. */
void state_dir_close(struct state_dir *st);

#endif
