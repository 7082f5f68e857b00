/*
 * Starting one daemon's process with nx_vfork_run, not fork: no page of
 * init's is copied (a fork cost the boot about a tenth of its CPU time).
 * The child writes nothing of init's: it builds argv and envp on its own
 * stack. Not posix_spawn: glibc's tries clone3 first, which init's filter
 * does not allow, and nx_exec_fds places the fds itself.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "init.h"
#include "nxhost.h"
#include "seccomp_san.h"

struct spawn {
	const struct init *in;
	const struct svc *s;
	const char *path;
	const int *src;
	int nsrc;
	int out;
};

/* No ASan here: its no-return hook would take the child's stack for a corrupt one. */
__attribute__((no_sanitize("address"))) static int spawn_child(void *arg)
{
	const struct spawn *sp = arg;
	const struct init *in = sp->in;
	const struct svc *s = sp->s;
	const char *name = s->def->name;
	const char *fault = s->fault ? in->fault : NULL;
	char env_fault[64], env_wrap[64], env_bundles[32];
	char slot[2] = {(char)('a' + in->slot), 0};
	char *wargv[NX_WRAP_WORDS_MAX + 4];
	char *argv[] = {(char *)name, NULL, NULL, NULL};
	char *envp[5];
	size_t w = s->wrap_argc, ne = 0;

	if (s->def->args == SVC_ARGS_SLOT || s->def->args == SVC_ARGS_SLOT_STATE) {
		argv[1] = slot;
		if (s->def->args == SVC_ARGS_SLOT_STATE)
			argv[2] = in->persist ? "statefs" : "non-persistent";
	} else if (s->def->args == SVC_ARGS_UPDATED) {
		argv[1] = in->persist ? "statefs" : "non-persistent";
		argv[2] = s->starts == 0 ? "boot" : "restart";
	}
	if (s->wrap_path != NULL) {
		snprintf(env_wrap, sizeof(env_wrap), "%s=%s", NXD_WRAP_ENV, name);
		envp[ne++] = env_wrap;
		if (nx_seccomp_san_traced_env() != NULL)
			envp[ne++] = (char *)nx_seccomp_san_traced_env();
	}
	if (s->def->bundle && in->nbundles > 0) {
		snprintf(env_bundles, sizeof(env_bundles), "%s=%zu", NXD_BUNDLES_ENV, in->nbundles);
		envp[ne++] = env_bundles;
	}
	if (fault != NULL) {
		snprintf(env_fault, sizeof(env_fault), "NEXUS_FAULT=%s", fault);
		envp[ne++] = env_fault;
	}
	envp[ne] = NULL;
	/* stdout: the start-up socket (libnxd writes there until READY); stderr the console. */
	if (dup2(sp->out, STDOUT_FILENO) < 0)
		_exit(127);
	if (s->wrap_path == NULL)
		nx_exec_fds(sp->path, argv, envp, NXD_FD_KERNEL, sp->src, sp->nsrc);
	/* --wrap: the tool's words, then the daemon's path and its usual arguments. */
	memcpy(wargv, s->wrap_argv, w * sizeof(wargv[0]));
	wargv[w] = (char *)sp->path;
	memcpy(wargv + w + 1, argv + 1, sizeof(argv) - sizeof(argv[0]));
	nx_exec_fds(s->wrap_path, wargv, envp, NXD_FD_KERNEL, sp->src, sp->nsrc);
	return 127; /* not reached: nx_exec_fds exits when it cannot exec */
}

pid_t svc_spawn(const struct init *in, const struct svc *s, const char *path, const int *src,
		int nsrc, int out)
{
	struct spawn sp = {in, s, path, src, nsrc, out};

	return nx_vfork_run(spawn_child, &sp);
}
