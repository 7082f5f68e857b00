/* A trust set from the *.pub files of a directory (nxhost.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fmt_fail.h"
#include "keyfile.h"
#include "nxhost.h"

static int is_pub_name(const char *name)
{
	size_t n = strlen(name), s = strlen(NX_SIG_PUB_SUFFIX);
	return n > s && !strcmp(name + n - s, NX_SIG_PUB_SUFFIX) && name[0] != '.';
}

int nx_trust_load(struct nx_trust *t, int dirfd, struct nx_fmt_err *e)
{
	struct dirent *de;
	struct nx_pubkey k;
	DIR *d;
	int fd, r = 0;
	t->n = 0;
	/* A fresh open of "." so readdir's position is ours, not the caller's fd's. */
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(d = fdopendir(fd))) {
		r = nx_fmt_fail(e, NX_FMT_EIO, "trust directory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	while (!r && (errno = 0, de = readdir(d)))
		if (is_pub_name(de->d_name) && !(r = nx_pubkey_load(dirfd, de->d_name, &k, e)))
			r = nx_trust_add(t, &k, e);
	if (!r && errno)
		r = nx_fmt_fail(e, NX_FMT_EIO, "trust directory: %s", strerror(errno));
	closedir(d);
	if (r)
		t->n = 0;
	return r;
}
