/*
 * init's own sandbox, in two steps (docs/security.md).
 *
 * At start: no capabilities (fork, exec and killing its own children
 * need none) and its seccomp filter (nxd_sandbox_parent). Every daemon
 * inherits that filter, so it allows what any daemon may do too.
 *
 * At BOOT, once nexus-sim has handed over the directories: its Landlock
 * domain. Every daemon inherits that as well and can only narrow it, and
 * a daemon reads its directory at start, before its own domain exists; so
 * init's domain holds what any daemon needs from execve on: execute and
 * read beneath the daemons directory, the dynamic loader, and the
 * directories of the shared objects init itself runs with (read: the
 * system's library directory, where updated's libarchive and the
 * compressors it links live beside libc), the
 * trust directory (read), the state directory (read-write: bundlemgrd
 * makes its store, logd its journal) and a run's bundle directories (read).
 * Nothing else: init itself needs no path after BOOT. Under --wrap, the
 * wrappers' executables and what they reach (init_wrap_* below).
 *
 * A soft reboot's fresh image (init executing itself) adds neither: the
 * filter, the dropped capabilities and the domain of the first boot all
 * outlive execve, and the directories are the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init.h"
#include "landlock.h"
#include "nxhost.h"

/* The loader's cache: where it looks a library up before searching the default paths. */
#define INIT_LD_CACHE "/etc/ld.so.cache"

/*
 * Beyond the daemons' union: reaping and stopping daemons, placing a
 * child's fds; and what a soft reboot's fresh image does before its
 * filter is stacked again (its signalfd).
 */
static const int init_syscalls[] = {__NR_wait4, __NR_kill, __NR_rt_sigprocmask, __NR_dup2,
				    __NR_signalfd4};

/*
 * Only under --wrap: what a wrapper reaches beyond the daemons. It runs
 * programs and reads files beneath /usr (valgrind's tools in
 * /usr/libexec/valgrind, the libraries of strace and perf; /bin and /lib
 * are links into it on Debian 12), reads /proc (valgrind's start-up,
 * strace's and perf's views of the process) and /sys (perf's event
 * descriptions), and writes its output in the working directory (a
 * relative -o file) and /tmp (valgrind's vgdb FIFOs). Each daemon still
 * narrows its own domain to its directory at start.
 */
static const char *const init_wrap_exec[] = {"/usr"};
static const char *const init_wrap_read[] = {"/proc", "/sys"};
static const char *const init_wrap_write[] = {".", "/tmp"};

static void confine_add(struct init *in, int fd, unsigned access)
{
	if (in->nconfine == INIT_CONFINE_MAX)
		fatalx("sandbox: more than %d shared objects", INIT_CONFINE_MAX);
	in->confine[in->nconfine++] = (struct nx_landlock_rule){fd, access};
}

/*
 * Each shared object init runs with: the dynamic loader is executed; for
 * the others, their directory is read (a daemon may link a library init
 * does not, from the same place).
 */
static int confine_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct init *in = arg;
	char dir[PATH_MAX];
	int fd;

	(void)size;
	/* The executable itself ("") and the vDSO are no files to open. */
	if (info->dlpi_name == NULL || info->dlpi_name[0] != '/')
		return 0;
	if (info->dlpi_addr == getauxval(AT_BASE)) {
		fd = open(info->dlpi_name, O_PATH | O_CLOEXEC);
		if (fd < 0)
			fatal("sandbox: %s", info->dlpi_name);
		confine_add(in, fd, NX_LANDLOCK_READ | NX_LANDLOCK_EXEC);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", info->dlpi_name);
	*strrchr(dir, '/') = 0;
	fd = open(dir[0] != 0 ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fatal("sandbox: %s", dir);
	confine_add(in, fd, NX_LANDLOCK_READ);
	return 0;
}

void init_sandbox_start(struct init *in)
{
	int err, fd;

	fd = open(in->exe_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fatal("sandbox: %s", in->exe_dir);
	confine_add(in, fd, NX_LANDLOCK_READ | NX_LANDLOCK_EXEC);
	dl_iterate_phdr(confine_object, in);
	fd = open(INIT_LD_CACHE, O_PATH | O_CLOEXEC);
	if (fd >= 0)
		confine_add(in, fd, NX_LANDLOCK_READ);
	if ((err = nx_caps_drop_all()) != 0) {
		errno = -err;
		fatal("dropping capabilities");
	}
	nxd_sandbox_parent(init_syscalls, NXD_COUNT(init_syscalls), in->wrap_mode);
}

/* A directory init's domain holds under --wrap; one that does not exist is skipped. */
static void confine_wrap_dir(struct init *in, const char *dir, unsigned access)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		confine_add(in, fd, access);
}

void init_sandbox_wrap(struct init *in, int fd)
{
	/* A soft reboot's image keeps the first boot's domain, which holds all this already. */
	if (in->rebooted) {
		close(fd);
		return;
	}
	confine_add(in, fd, NX_LANDLOCK_READ | NX_LANDLOCK_EXEC);
	if (in->wrap_reach)
		return;
	in->wrap_reach = 1;
	for (size_t i = 0; i < NXD_COUNT(init_wrap_exec); i++)
		confine_wrap_dir(in, init_wrap_exec[i], NX_LANDLOCK_READ | NX_LANDLOCK_EXEC);
	for (size_t i = 0; i < NXD_COUNT(init_wrap_read); i++)
		confine_wrap_dir(in, init_wrap_read[i], NX_LANDLOCK_READ);
	for (size_t i = 0; i < NXD_COUNT(init_wrap_write); i++)
		confine_wrap_dir(in, init_wrap_write[i], NX_LANDLOCK_READ | NX_LANDLOCK_WRITE);
}

void init_sandbox_boot(struct init *in)
{
	int err;

	if (in->rebooted)
		return;
	confine_add(in, in->trust_fd, NX_LANDLOCK_READ);
	confine_add(in, in->state_fd, NX_LANDLOCK_READ | NX_LANDLOCK_WRITE);
	for (size_t i = 0; i < in->nbundles; i++)
		confine_add(in, in->bundle_fds[i], NX_LANDLOCK_READ);
	/* init kills only its own children, which are inside its domain: signals stay scoped. */
	if ((err = nx_landlock_restrict(in->confine, in->nconfine, 0)) < 0) {
		errno = -err;
		fatal("landlock");
	}
	/* The directories stay (the daemons get them); the rest was for the rules only. */
	for (size_t i = 0; i < in->nconfine; i++) {
		int fd = in->confine[i].fd, keep = fd == in->trust_fd || fd == in->state_fd;

		for (size_t b = 0; b < in->nbundles; b++)
			keep |= fd == in->bundle_fds[b];
		if (!keep)
			close(fd);
	}
	in->nconfine = 0;
	nx_fault_escape("init");
}
