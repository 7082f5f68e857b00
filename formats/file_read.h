/* Shared by formats/ and tools/: whole-file reads and writes through fds. */
#ifndef NEXUS_FORMATS_FILE_READ_H
#define NEXUS_FORMATS_FILE_READ_H

#include <stddef.h>
#include <stdint.h>

/*
 * openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) and fstat. Returns
 * 0 with *fd and *size, -1 with errno set (ELOOP for a symlink, EINVAL for
 * a non-regular file) and nothing open.
 */
int nxf_open_regular(int dirfd, const char *name, int *fd, uint64_t *size);
/* Exactly len bytes from offset off; -1 (errno, or EIO when the file is shorter). */
int nxf_pread_at(int fd, void *buf, size_t len, uint64_t off);
/* Exactly len bytes from offset 0, as nxf_pread_at. */
int nxf_pread_all(int fd, void *buf, size_t len);
/* All of buf to fd; -1 with errno on failure. */
int nxf_write_all(int fd, const void *buf, size_t len);

#endif
