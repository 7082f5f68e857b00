/* Start a program with a fixed fd layout (nxhost.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "nxhost.h"

/* A failure message without stdio (the child of a fork may not use it). */
static _Noreturn void exec_fail(const char *what, const char *path, int err)
{
	const char *parts[] = {"exec: ", what, " ", path, ": ", strerror(err), "\n"};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		(void)!write(STDERR_FILENO, parts[i], strlen(parts[i]));
	_exit(127);
}

void nx_exec_fds(const char *path, char *const argv[], char *const envp[], int first,
		 const int *src, int n)
{
	int tmp[NX_EXEC_FDS_MAX];
	sigset_t none;

	if (n > (int)(sizeof(tmp) / sizeof(tmp[0])))
		exec_fail("too many fds for", path, EINVAL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Lift every source above the targets first so no dup2 clobbers another. */
	for (int i = 0; i < n; i++) {
		tmp[i] = -1;
		if (src[i] >= 0 && (tmp[i] = fcntl(src[i], F_DUPFD, first + n)) < 0)
			exec_fail("cannot place fds for", path, errno);
	}
	/* dup2 clears close-on-exec on the copies. */
	for (int i = 0; i < n; i++)
		if (tmp[i] >= 0 && dup2(tmp[i], first + i) < 0)
			exec_fail("cannot place fds for", path, errno);
	if (close_range((unsigned)(first + n), ~0U, 0) != 0)
		exec_fail("cannot close fds for", path, errno);
	for (int i = 0; i < n; i++)
		if (tmp[i] < 0)
			close(first + i);
	execve(path, argv, envp);
	exec_fail("cannot exec", path, errno);
}

pid_t nx_vfork_run(int (*fn)(void *arg), void *arg)
{
	static char stack[NX_VFORK_STACK] __attribute__((aligned(64)));

	return clone(fn, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
}
