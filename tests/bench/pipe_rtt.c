/*
 * pipe-rtt: the host's anchor for a channel round trip between two
 * tasks: two processes passing an 8-byte message back and forth over a
 * pair of pipes, both pinned to one CPU like ipc-rtt (a wake-up across
 * vCPUs on this VM would swamp what is measured). Printed by `make
 * bench`; asserts nothing.
 *
 *   pipe-rtt [N]
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PIPE_RTT_DEFAULT_N 100000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : PIPE_RTT_DEFAULT_N;
	int to[2], from[2];
	cpu_set_t one;

	if (n <= 0) {
		fprintf(stderr, "pipe-rtt: N must be a number above 0\n");
		return 64;
	}
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0 || pipe(to) != 0 || pipe(from) != 0) {
		perror("pipe-rtt");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("pipe-rtt: fork");
		return 1;
	}
	if (pid == 0) {
		uint64_t v;
		/* Only the parent writes to[]: its close is this read's end of file. */
		close(to[1]);
		close(from[0]);
		while (read(to[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
			v++;
			if (write(from[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
				break;
		}
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	double t0 = now_ns();
	for (uint64_t i = 0; i < (uint64_t)n; i++) {
		uint64_t v = i;
		if (write(to[1], &v, sizeof(v)) != (ssize_t)sizeof(v) ||
		    read(from[0], &v, sizeof(v)) != (ssize_t)sizeof(v) || v != i + 1) {
			fprintf(stderr, "pipe-rtt: round trip %lu failed\n", (unsigned long)i);
			return 1;
		}
	}
	double t = (now_ns() - t0) / (double)n;
	close(to[1]);
	waitpid(pid, NULL, 0);
	printf("pipe round trip (two processes, one CPU): %.2f us\n", t / 1000.0);
	return 0;
}
