/* qemu-system-riscv64 with the target's command line (qemu_launch.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nxhost.h"
#include "nxq_cli.h"
#include "qemu_launch.h"
#include "target.h"

#define QEMU_ARGV_MAX 24
#define QEMU_IMAGE_FD 3 /* the boot image in the child */
#define QEMU_STR(x) #x
#define QEMU_XSTR(x) QEMU_STR(x)

int nxq_qemu_argv(const char *kernel, const char *image_path, int icount, char **argv, int cap)
{
	static char loader[PATH_MAX + 64];
	/*
	 * -icount shift=0,sleep=off: one instruction per ns, and time never
	 * advances on its own, so the timer and rdtime follow the instructions.
	 */
	const char *fixed[] = {NXQ_QEMU,
			       "-machine",
			       "virt",
			       "-bios",
			       "default",
			       "-m",
			       QEMU_XSTR(NXQ_RAM_MB) "M",
			       "-nographic",
			       "-serial",
			       "stdio",
			       "-monitor",
			       "none",
			       "-kernel",
			       kernel,
			       "-device",
			       loader};
	int n = 0;

	if ((size_t)snprintf(loader, sizeof(loader), "loader,file=%s,addr=0x%llx,force-raw=on",
			     image_path, (unsigned long long)NXQ_IMAGE_PA) >= sizeof(loader))
		return -1;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < cap - 1; i++)
		argv[n++] = (char *)fixed[i];
	if (icount && n < cap - 3) {
		argv[n++] = "-icount";
		argv[n++] = "shift=0,sleep=off";
	}
	argv[n] = NULL;
	return n;
}

/* PATH's first executable `name`, into out. */
static int find_in_path(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");

	while (path != NULL && *path != 0) {
		const char *colon = strchr(path, ':');
		size_t n = colon != NULL ? (size_t)(colon - path) : strlen(path);
		if (n > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)n, path, name) < cap &&
		    access(out, X_OK) == 0)
			return 0;
		path = colon != NULL ? colon + 1 : NULL;
	}
	return -1;
}

int nxq_qemu_start(const char *kernel, int image_fd, int icount, struct nxq_qemu *q)
{
	char exe[PATH_MAX], *argv[QEMU_ARGV_MAX], image[64];
	int pipefd[2];

	if (find_in_path(NXQ_QEMU, exe, sizeof(exe)) != 0) {
		fprintf(stderr,
			NXQ_PROG ": %s not found in PATH (scripts/install-deps installs it)\n",
			NXQ_QEMU);
		return -1;
	}
	snprintf(image, sizeof(image), "/proc/self/fd/%d", QEMU_IMAGE_FD);
	if (nxq_qemu_argv(kernel, image, icount, argv, QEMU_ARGV_MAX) < 0 ||
	    pipe2(pipefd, O_CLOEXEC) != 0) {
		fprintf(stderr, NXQ_PROG ": cannot set up %s\n", NXQ_QEMU);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, NXQ_PROG ": fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		/* The machine never outlives its runner, however the runner ends. */
		int devnull = open("/dev/null", O_RDONLY);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() == 1 || devnull < 0 ||
		    dup2(devnull, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(127);
		const int fds[] = {image_fd};
		nx_exec_fds(exe, argv, environ, QEMU_IMAGE_FD, fds, 1);
	}
	close(pipefd[1]);
	q->pid = pid;
	q->console = pipefd[0];
	return 0;
}
