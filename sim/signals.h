/*
 * The signals that end a session, as one fd. Every signal whose default
 * would kill nexus-sim midway (leaving a temporary state directory and
 * daemons behind) is blocked from the start of a session and read from a
 * signalfd in the loop instead: the session shuts down cleanly and exits
 * 128+N. SIGPIPE is ignored: a reader that went away only loses output.
 */
#ifndef NEXUS_SIM_SIGNALS_H
#define NEXUS_SIM_SIGNALS_H

/* Block the ending signals and return a non-blocking signalfd for them, or -1. */
int signals_take(void);

/* The signal waiting on fd (consumed), or 0 for none. */
int signals_read(int fd);

#endif
