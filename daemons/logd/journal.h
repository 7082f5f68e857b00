/* logd's sinks: the console (fd 2) and the journal file. */
#ifndef LOGD_JOURNAL_H
#define LOGD_JOURNAL_H

#include "nxd_log.h"

#define JOURNAL_LINE_MAX 8192 /* bytes of a formatted record; a record body is at most 4 KiB */

struct journal {
	int fd;
	int console_level; /* records at or above it also go to the console */
};

/* Open (create, append) the journal beneath dirfd, O_NOFOLLOW. 0 or -1 with errno. */
int journal_open(struct journal *j, int dirfd);
/* Format r (sorting its fields) and write one line to each sink. 0 or -1 with errno. */
int journal_write(struct journal *j, struct nxd_log_rec *r);

#endif
