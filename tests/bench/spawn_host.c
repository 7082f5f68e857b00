/*
 * spawn-host: the host's anchor for nx_spawn_path: posix_spawn of a
 * static binary (this one, linked -static, run as "spawn-host child",
 * which exits at once) and waitpid, N times. Printed by `make bench`
 * beside nexus-sim's spawn; asserts nothing.
 *
 *   spawn-host [N]
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#define SPAWN_HOST_DEFAULT_N 2000

extern char **environ;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 0;
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : SPAWN_HOST_DEFAULT_N;
	char *child[] = {argv[0], "child", NULL};
	if (n <= 0) {
		fprintf(stderr, "spawn-host: N must be a positive number\n");
		return 64;
	}
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		pid_t pid;
		int status;
		if (posix_spawn(&pid, argv[0], NULL, NULL, child, environ) != 0 ||
		    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn-host: spawn %ld failed\n", i);
			return 1;
		}
	}
	printf("%-34s %7.1f us  (posix_spawn + waitpid of a static binary, host)\n",
	       "spawn (host anchor)", (now_ns() - t0) / (double)n / 1e3);
	return 0;
}
