/*
 * Reading and writing whole files through fds, never by path alone. Opens
 * are non-blocking so a FIFO planted as a member cannot hang the reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"

int nxf_open_regular(int dirfd, const char *name, int *fd, uint64_t *size)
{
	struct stat st;
	int f = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (f < 0)
		return -1;
	if (fstat(f, &st) < 0) {
		int saved = errno;
		close(f);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(f);
		errno = EINVAL;
		return -1;
	}
	*fd = f;
	*size = (uint64_t)st.st_size;
	return 0;
}

int nxf_pread_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int nxf_pread_all(int fd, void *buf, size_t len)
{
	return nxf_pread_at(fd, buf, len, 0);
}

int nxf_write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}
