/*
 * --wrap DAEMON=CMD: start a daemon under a tool (docs/tools.md). CMD is
 * split into words as a shell would split them, with no shell involved:
 * blanks separate words, '...' keeps everything literally, "..." keeps
 * everything but a backslash before \, " or $ (which stands for that
 * character), and outside quotes a backslash keeps the next character
 * (a backslash before a newline is removed). Nothing is expanded or
 * globbed. The first word is looked up in $PATH unless it holds a '/'.
 */
#ifndef NEXUS_SIM_WRAP_H
#define NEXUS_SIM_WRAP_H

#include <limits.h>
#include <stddef.h>

#include "nexus/svc.h"

/* At most one --wrap per daemon, so at most one per daemon init starts. */
#define SIM_WRAP_MAX 8

struct sim_wrap {
	char daemon[NX_SVC_NAME_MAX];
	char path[NX_WRAP_PATH_MAX]; /* the wrapper's executable, absolute */
	char *words[NX_WRAP_WORDS_MAX];
	size_t nwords;
	char buf[NX_WRAP_CMD_MAX + 1]; /* the words, each NUL-terminated */
};

/*
 * Split `cmd` into at most `max` words stored in `buf` (cap bytes, at
 * least strlen(cmd) + 1). Returns the number of words, or -1 with *why
 * set (an unterminated quote, a trailing backslash, too many words).
 */
int wrap_split(const char *cmd, char *buf, size_t cap, char **words, size_t max, const char **why);

/*
 * Parse one --wrap value into w: a daemon init starts, not wrapped by an
 * earlier one of `prev` (n of them), and a CMD within the limits whose
 * program exists. Returns 0, or an exit status (cli.h: 64 usage, 66 the
 * program cannot be found) after one line on stderr naming the option.
 */
int wrap_parse(struct sim_wrap *w, const char *arg, const struct sim_wrap *prev, size_t n,
	       const char *cmd);

#endif
