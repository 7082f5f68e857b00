/*
 * A daemon's start-up output (docs/daemons.md, "Start order"): the
 * daemon writes its lines up to its READY into a stream socket whose
 * other end init reads here. While the daemon's place in the boot ladder
 * has not come (`hold`), its lines wait in `buf`; released, they go to
 * the console at once, and so does whatever arrives after. Lines go on
 * whole, one write() each, as libnxd's console writes them; a partial
 * line waits for its newline unless the buffer is full or the daemon is
 * gone. What does not fit in STARTOUT_MAX bytes while held is printed at
 * once, out of ladder order, rather than lost or left to block the
 * daemon.
 */
#ifndef INIT_STARTOUT_H
#define INIT_STARTOUT_H

#include <stddef.h>

#define STARTOUT_MAX 8192 /* bytes of one daemon's start-up output held until its turn */

struct startout {
	int fd;	  /* init's end, non-blocking, or -1 */
	int hold; /* its turn in the ladder has not come */
	size_t len;
	char buf[STARTOUT_MAX];
};

void startout_init(struct startout *o);
/*
 * Read what the socket holds now into the buffer, passing on to `out`
 * what may go (everything whole when released; when held, only when the
 * buffer is full). Returns 1 at end of file (every writer gone), else 0.
 */
int startout_read(struct startout *o, int out);
/* Its turn came: print what was held (whole lines), and print as it comes from now on. */
void startout_release(struct startout *o, int out);
/* The daemon is gone: read what is left, print everything, close the socket. */
void startout_finish(struct startout *o, int out);

#endif
