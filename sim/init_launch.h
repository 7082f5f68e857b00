/* Starting init, the one process the kernel launches. */
#ifndef NEXUS_SIM_INIT_LAUNCH_H
#define NEXUS_SIM_INIT_LAUNCH_H

#include <sys/types.h>

/*
 * fork + exec daemons/init beside the nexus-sim executable with fd 0
 * /dev/null, 1 and 2 the console, 3 its kernel socket, 4 the control
 * channel, and no environment but NEXUS_FAULT when it is set; with
 * `wrap` (a --wrap was given) argv[1] is "wrap": init's filter then
 * allows what a wrapper does (docs/security.md). Returns the pid, or -1
 * after saying why on stderr.
 */
pid_t init_launch(int console, int ksock, int ctl, int wrap);

#endif
