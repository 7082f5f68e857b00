/*
 * init: fd 0 /dev/null, fd 1/2 the console, fd 3 its kernel socket,
 * fd 4 the control channel with nexus-sim; argv[1] "wrap" when nexus-sim
 * has --wrap options (sandbox.c). It waits for CONFIG and BOOT there,
 * then brings the daemons up (docs/daemons.md). A soft reboot
 * (NX_CTL_REBOOT) ends with init executing itself afresh, argv[1]
 * "reboot" and argv[2] its directory (its filter allows no readlink),
 * then "wrap" again if it was, on the next boot's kernel socket.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
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

extern char **environ;

/* After a REBOOT's DOWN: the same fds 0-4 but a new kernel socket, a fresh image. */
static _Noreturn void init_reexec(struct init *in)
{
	char path[sizeof(in->exe_dir) + sizeof("/init")];
	char *argv[] = {"init", "reboot", in->exe_dir, in->wrap_mode ? "wrap" : NULL, NULL};

	snprintf(path, sizeof(path), "%s/init", in->exe_dir);
	if (dup2(in->reexec_fd, NXD_FD_KERNEL) < 0 || fcntl(NXD_FD_INIT, F_SETFD, 0) != 0)
		fatal("reboot: placing the fds");
	execve(path, argv, environ);
	fatal("reboot: %s", path);
}

int main(int argc, char **argv)
{
	static struct init in;
	sigset_t mask;
	int sfd, code;

	nxd_set_progname("init");
	/* "init [wrap]", or a soft reboot's "init reboot DIR [wrap]". */
	in.rebooted = (argc == 3 || argc == 4) && strcmp(argv[1], "reboot") == 0;
	in.wrap_mode = strcmp(argv[argc - 1], "wrap") == 0 && argc == (in.rebooted ? 4 : 2);
	/* Terminal signals are for nexus-sim, which shuts us down over fd 4 (a reboot is one
	 * already). */
	if (!in.rebooted)
		setsid();
	signal(SIGPIPE, SIG_IGN);
	if (close_range(NXD_FD_INIT + 1, ~0U, 0) != 0)
		fatal("close_range");
	if (in.rebooted)
		snprintf(in.exe_dir, sizeof(in.exe_dir), "%s", argv[2]);
	else if (nx_exe_dir(in.exe_dir, sizeof(in.exe_dir)) != 0)
		fatal("cannot find its own executable");
	in.trust_fd = in.state_fd = in.lock_fd = in.reexec_fd = in.trace_fd = -1;
	in.slot = -1;
	in.fault = getenv("NEXUS_FAULT");
	in.nsvc = init_nservices;
	in.svc = calloc(in.nsvc, sizeof(*in.svc));
	in.loop = nxd_loop_new();
	if (in.svc == NULL || in.loop == NULL)
		fatalx("out of memory");
	for (size_t i = 0; i < in.nsvc; i++) {
		in.svc[i].def = &init_services[i];
		in.svc[i].pending_attach = -1;
		startout_init(&in.svc[i].out);
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
	/* A soft reboot's image runs under the filter and domain of the first (both outlive
	 * execve). */
	if (!in.rebooted)
		init_sandbox_start(&in);
	code = nxd_loop_run(in.loop);
	if (in.reexec_fd >= 0 && in.ctl != NULL)
		init_reexec(&in);
	nxd_loop_free(in.loop);
	for (size_t i = 0; i < in.nsvc; i++)
		free(in.svc[i].wrap_buf);
	free(in.svc);
	return code;
}
