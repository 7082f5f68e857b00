/* A service's seed connection (nxd.h nxd_seed_serve). */
#include <string.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "nexus/syscall.h"

void nxd_seed_serve(struct nxd *d, const char *name, const struct nxd_handler *table, size_t n,
		    void *arg)
{
	const uint64_t a[6] = {0, strlen(name)};
	int fd = -1;
	long r = nxd_kcall(d, NX_SYS_KCONNECT, a, name, strlen(name), NULL, 0, -1, &fd);

	if (r != 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		fatalx("%s: KCONNECT failed (error %ld)", name, -r);
	}
	if (nxd_loop_add(nxd_loop_of(d), fd, "kernel", table, n, arg) == NULL)
		fatalx("%s: cannot serve it", name);
}
