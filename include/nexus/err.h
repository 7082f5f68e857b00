/*
 * Error numbers. A failed call returns the negated value. The values are
 * the Linux/RISC-V errno values so that payloads built for the upstream
 * kernel and host tools agree on them.
 */
#ifndef NEXUS_ERR_H
#define NEXUS_ERR_H

#define NX_OK 0
#define NX_EPERM 1
#define NX_ENOENT 2 /* no such file or program */
#define NX_ESRCH 3
#define NX_E2BIG 7   /* nx_spawn_path: too many arguments, or one too long */
#define NX_ENOEXEC 8 /* nx_spawn_path: the loader refused the program's ELF */
#define NX_EBADF 9   /* no such handle in the caller's table */
#define NX_ECHILD 10
#define NX_EAGAIN 11
#define NX_ENOMEM 12
#define NX_EACCES 13 /* handle lacks the right the call needs */
#define NX_EFAULT 14
#define NX_EBUSY 16  /* the resource is in a state that forbids the call now */
#define NX_EEXIST 17 /* mapping overlaps an existing one */
#define NX_EINVAL 22
#define NX_ENOSPC 28
#define NX_EPIPE 32
#define NX_ERANGE 34	   /* outside the user range */
#define NX_ENAMETOOLONG 36 /* nx_spawn_path: a path over NX_SPAWN_PATH_MAX */
#define NX_ENOSYS 38
#define NX_EMSGSIZE 90
#define NX_ETIMEDOUT 110

#endif
