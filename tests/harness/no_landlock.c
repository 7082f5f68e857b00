/*
 * no-landlock COMMAND [ARGS...]: run COMMAND as on a kernel without
 * Landlock. A seccomp filter (inherited by everything COMMAND starts)
 * fails every Landlock call with ENOSYS, as such a kernel does; all other
 * calls pass. tests/e2e/confinement.sh runs nexus-sim under it to see the
 * sandboxes fall back to seccomp and capabilities, and the escape probes
 * report the opens Landlock would have denied.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int landlock_calls[] = {__NR_landlock_create_ruleset, __NR_landlock_add_rule,
				     __NR_landlock_restrict_self};

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int err = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: no-landlock COMMAND [ARGS...]\n");
		return 64;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL)
		return 70;
	for (size_t i = 0; i < sizeof(landlock_calls) / sizeof(landlock_calls[0]) && err == 0; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), landlock_calls[i], 0);
	if (err == 0)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err != 0) {
		fprintf(stderr, "no-landlock: seccomp: %s\n", strerror(-err));
		return 70;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "no-landlock: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
