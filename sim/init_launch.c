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
	pid = fork();
	if (pid == 0) {
		int src[5] = {devnull, console, console, ksock, ctl};

		nx_exec_fds(path, argv, fault != NULL ? envp : envp + 1, 0, src, 5);
	}
	close(devnull);
	if (pid < 0)
		fprintf(stderr, "nexus-sim: fork: %s\n", strerror(errno));
	return pid;
}
