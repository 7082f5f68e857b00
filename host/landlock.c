/* Landlock from directory fds (landlock.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"

/*
 * What Debian 12's <linux/landlock.h> (Linux 6.1, ABI 2) does not name
 * yet; the values are the kernel's ABI and never change.
 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0) /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* The kernel's struct landlock_ruleset_attr as of ABI 6; older kernels take a prefix. */
struct ll_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};

#define LL_ABI_REFER 2
#define LL_ABI_TRUNCATE 3
#define LL_ABI_NET 4
#define LL_ABI_IOCTL_DEV 5
#define LL_ABI_SCOPE 6

#define LL_FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/*
 * Moving an entry counts as making one of its type where it lands: the
 * store's sweep moves planted links, FIFOs, sockets and device nodes into
 * quarantine/, so every MAKE_* right comes with writing. Making a device
 * node still needs CAP_MKNOD, which no process here holds.
 */
#define LL_FS_WRITE                                                                                \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |                             \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_SYM | \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SOCK |                             \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK |                            \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                          \
	 LANDLOCK_ACCESS_FS_REFER)
/* The rights that apply to a file itself (a rule on a file may name only these). */
#define LL_FS_FILE                                                                                 \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |                              \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |                              \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Every file system right the ABI knows: all of them are handled, so all are denied but the rules'.
 */
static uint64_t ll_fs_handled(int abi)
{
	uint64_t fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */

	if (abi >= LL_ABI_REFER)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= LL_ABI_TRUNCATE)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= LL_ABI_IOCTL_DEV)
		fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return fs;
}

static int ll_add(int ruleset, int fd, unsigned access, uint64_t handled)
{
	struct landlock_path_beneath_attr pb = {.parent_fd = fd};
	struct stat st;

	if (access & NX_LANDLOCK_READ)
		pb.allowed_access |= LL_FS_READ;
	if (access & NX_LANDLOCK_WRITE)
		pb.allowed_access |= LL_FS_WRITE;
	if (access & NX_LANDLOCK_EXEC)
		pb.allowed_access |= LANDLOCK_ACCESS_FS_EXECUTE;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= LL_FS_FILE;
	pb.allowed_access &= handled;
	/* The kernel refuses a rule granting nothing; granting nothing needs no rule. */
	if (pb.allowed_access == 0)
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0)
		return -errno;
	return 0;
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define LL_SANITIZER 1
#endif
#endif

#ifdef LL_SANITIZER
/* The sanitizer runtimes read /proc/self/maps at start and to report (landlock.h). */
static int ll_add_sanitizer(int ruleset, uint64_t handled)
{
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = ll_add(ruleset, fd, NX_LANDLOCK_READ, handled);
	close(fd);
	return err;
}
#endif

int nx_landlock_prepare(struct nx_landlock *ll, const struct nx_landlock_rule *rules, size_t n,
			unsigned flags)
{
	struct ll_attr attr = {0};
	size_t attr_size = sizeof(attr.handled_access_fs);
	int abi =
	    (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	int err = 0;

	ll->ruleset = -1;
	ll->abi = 0;
	if (abi <= 0)
		return errno == ENOSYS || errno == EOPNOTSUPP ? 0 : -errno;
	if (abi < LL_ABI_REFER)
		for (size_t i = 0; i < n; i++)
			if (rules[i].access & NX_LANDLOCK_WRITE)
				return 0;
	attr.handled_access_fs = ll_fs_handled(abi);
	if (abi >= LL_ABI_NET) {
		/* No rule grants a port: no TCP bind or connect at all. */
		attr.handled_access_net =
		    LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attr_size = offsetof(struct ll_attr, scoped);
	}
	if (abi >= LL_ABI_SCOPE) {
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
		if (!(flags & NX_LANDLOCK_SIGNAL_OUT))
			attr.scoped |= LANDLOCK_SCOPE_SIGNAL;
		attr_size = sizeof(attr);
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0)
		return -errno;
	for (size_t i = 0; i < n && err == 0; i++)
		err = ll_add(rs, rules[i].fd, rules[i].access, attr.handled_access_fs);
#ifdef LL_SANITIZER
	if (err == 0)
		err = ll_add_sanitizer(rs, attr.handled_access_fs);
#endif
	if (err != 0) {
		close(rs);
		return err;
	}
	ll->ruleset = rs;
	ll->abi = abi;
	return 0;
}

int nx_landlock_enforce(struct nx_landlock *ll)
{
	int abi = ll->abi, err = 0;

	if (ll->ruleset < 0)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, ll->ruleset, 0) != 0)
		err = -errno;
	close(ll->ruleset);
	ll->ruleset = -1;
	return err != 0 ? err : abi;
}

int nx_landlock_restrict(const struct nx_landlock_rule *rules, size_t n, unsigned flags)
{
	struct nx_landlock ll;
	int err = nx_landlock_prepare(&ll, rules, n, flags);

	return err != 0 ? err : nx_landlock_enforce(&ll);
}
