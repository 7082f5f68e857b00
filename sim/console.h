/*
 * The kernel process's console sink: the tasks' debug_write bytes on
 * their way to stdout, which may be slow (a terminal, a pipe into a
 * pager) or gone (`| head -c1`). Bytes are queued and written without
 * ever blocking; a full queue makes the writing task wait (the kernel
 * repeats its call when there is room), a reader that went away makes
 * the rest be dropped. One job: this queue and its fd.
 */
#ifndef NEXUS_SIM_CONSOLE_H
#define NEXUS_SIM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_QUEUE_MAX (1U << 20) /* bytes queued for a console that does not keep up */

struct console;

/*
 * A sink for fd (not taken over). A pipe, terminal or device gets a
 * description of its own opened non-blocking, so stdout's shared
 * description keeps its flags. NULL on failure.
 */
struct console *console_new(int fd);
/*
 * A sink that keeps the bytes in memory instead (nexus-sim test, run
 * --json: the payload's output goes into the report, not to stdout). It
 * holds at most the quota, so set one.
 */
struct console *console_new_capture(void);
void console_free(struct console *c);

/* Bytes the console takes in all before it refuses more (-NX_ENOSPC); 0: no quota. */
void console_set_quota(struct console *c, uint64_t quota);

/*
 * Queue len bytes: 0, -NX_EAGAIN when they do not fit now (nothing
 * queued), or -NX_ENOSPC when they would pass the quota.
 */
int console_put(struct console *c, const char *buf, size_t len);
/* A capture sink's bytes so far (NULL with *len 0 for none or another sink). */
const char *console_captured(const struct console *c, size_t *len);
/* A new run begins: the quota counts afresh and a capture starts empty. */
void console_restart(struct console *c);
/* Write what the fd takes now. Returns 1 if room was made, 0 if not. */
int console_flush(struct console *c);
/* The fd to poll for POLLOUT while bytes wait, or -1 when none do. */
int console_wait_fd(const struct console *c);

#endif
