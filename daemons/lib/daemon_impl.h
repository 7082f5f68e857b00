/* libnxd internal: the daemon context shared by start-up, registry and log client. */
#ifndef NXD_DAEMON_IMPL_H
#define NXD_DAEMON_IMPL_H

#include "landlock.h"
#include "nxd.h"

struct nxd {
	char name[NX_SVC_NAME_MAX];
	unsigned flags;
	struct nxd_loop *loop;
	struct nxd_conn *init;	 /* fd 4 */
	struct nxd_conn *kernel; /* fd 3 */
	struct nxd_conn *samgr;	 /* fd 6, or NULL for samgrd */
	int dir;		 /* fd 5, or -1 */
	int log_fd;		 /* connection to logd, or -1 */
	/* Prepared by nxd_start from fds 5 and 7, enforced by nxd_sandbox. */
	struct nx_landlock landlock;
	int sandboxed;
	int hang; /* NEXUS_FAULT=hang:<name>: stop answering clients once ready */
	const struct nxd_handler *svc_table; /* serves connections samgrd hands over */
	size_t svc_n;
	void *svc_arg;
};

/*
 * Where console lines go (console.c): fd 2, the console; from nxd_start to
 * nxd_ready, fd 1 when it is init's start-up socket, which init holds
 * until the daemon's turn in the boot ladder (docs/daemons.md).
 */
void nxd_console_to(int fd);

/* Serve samgrd's ACCEPTs on fd 6 (registry client side). */
struct nxd_conn *nxd_samgr_attach(struct nxd *d);

#endif
