/* fork + exec of init (init_launch.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "init_launch.h"
#include "nxhost.h"

/* init's process is made with nx_vfork_run, not fork: none of nexus-sim's pages is copied. */
struct launch {
	const char *path;
	char **argv, **envp;
	int src[5];
};

/* No ASan here: its no-return hook would take the child's stack for a corrupt one. */
__attribute__((no_sanitize("address"))) static int launch_child(void *arg)
{
	struct launch *l = arg;

	nx_exec_fds(l->path, l->argv, l->envp, 0, l->src, 5);
	return 127; /* not reached: nx_exec_fds exits when it cannot exec */
}

pid_t init_launch(int console, int ksock, int ctl, int wrap)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], env0[128];
	/* nexus-sim's own fault is none of init's. */
	const char *fault = cli_fault_pause() ? NULL : getenv("NEXUS_FAULT");
	char *argv[] = {"init", wrap ? "wrap" : NULL, NULL};
	char *envp[] = {env0, NULL};
	pid_t pid;
	int devnull;

	if (nx_exe_dir(dir, sizeof(dir)) != 0) {
		fprintf(stderr, "nexus-sim: cannot find its own executable\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/daemons/init", dir);
	if (access(path, X_OK) != 0) {
		fprintf(stderr, "nexus-sim: cannot run %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fault != NULL)
		snprintf(env0, sizeof(env0), "NEXUS_FAULT=%s", fault);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		fprintf(stderr, "nexus-sim: /dev/null: %s\n", strerror(errno));
		return -1;
	}
	struct launch l = {
	    path, argv, fault != NULL ? envp : envp + 1, {devnull, console, console, ksock, ctl}};

	pid = nx_vfork_run(launch_child, &l);
	close(devnull);
	if (pid < 0)
		fprintf(stderr, "nexus-sim: clone: %s\n", strerror(errno));
	return pid;
}
