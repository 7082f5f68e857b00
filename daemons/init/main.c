/*
 * init: fd 0 /dev/null, fd 1/2 the console, fd 3 its kernel socket,
 * fd 4 the control channel with nexus-sim. It waits for CONFIG and BOOT
 * there, then brings the daemons up (docs/daemons.md).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "init.h"
#include "nxhost.h"

static void init_on_ctl_close(void *arg, struct nxd_conn *c)
{
	struct init *in = arg;

	(void)c;
	/* nexus-sim is gone: stop everything, there is nobody to report to. */
	in->ctl = NULL;
	init_shutdown(in);
}

int main(void)
{
	static struct init in;
	sigset_t mask;
	int sfd, code;

	nxd_set_progname("init");
	/* Terminal signals are for nexus-sim, which shuts us down over fd 4. */
	setsid();
	signal(SIGPIPE, SIG_IGN);
	if (close_range(NXD_FD_INIT + 1, ~0U, 0) != 0)
		fatal("close_range");
	if (nx_exe_dir(in.exe_dir, sizeof(in.exe_dir)) != 0)
		fatal("cannot find its own executable");
	in.trust_fd = in.state_fd = in.lock_fd = in.bundle_fd = -1;
	in.fault = getenv("NEXUS_FAULT");
	in.nsvc = init_nservices;
	in.svc = calloc(in.nsvc, sizeof(*in.svc));
	in.loop = nxd_loop_new();
	if (in.svc == NULL || in.loop == NULL)
		fatalx("out of memory");
	for (size_t i = 0; i < in.nsvc; i++) {
		in.svc[i].def = &init_services[i];
		in.svc[i].pending_attach = -1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
		fatal("sigprocmask");
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		fatal("signalfd");
	in.kernel = nxd_loop_add(in.loop, NXD_FD_KERNEL, "kernel", NULL, 0, &in);
	in.ctl = nxd_loop_add(in.loop, NXD_FD_INIT, "nexus-sim", init_ctl_table, init_ctl_n, &in);
	if (in.kernel == NULL || in.ctl == NULL ||
	    nxd_loop_watch(in.loop, sfd, init_on_signal, &in))
		fatalx("out of memory");
	nxd_conn_on_close(in.ctl, init_on_ctl_close, &in);
	init_sandbox_start(&in);
	code = nxd_loop_run(in.loop);
	nxd_loop_free(in.loop);
	free(in.svc);
	return code;
}
