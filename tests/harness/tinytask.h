/*
 * Tiny hand-assembled tasks for kernel and CPU tests: code at
 * TINY_CODE_VA (R+X), a data page at TINY_DATA_VA (R+W), a stack page
 * below TINY_STACK_TOP, spawned by a host caller of an in-process kernel.
 */
#ifndef NEXUS_HARNESS_TINYTASK_H
#define NEXUS_HARNESS_TINYTASK_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/task.h"
#include "kcall_direct.h"

/* An in-process kernel whose console output is kept in out. */
struct tiny_env {
	struct nxk *k;
	struct nxh_direct d;
	char out[65536];
	size_t outlen; /* bytes kept; output past out's size is dropped */
};

/* 0, or -1 if the kernel or its direct caller cannot be made. */
int tiny_env_init(struct tiny_env *e);
void tiny_env_fini(struct tiny_env *e);

#define TINY_CODE_VA 0x10000ULL
#define TINY_DATA_VA 0x20000ULL
#define TINY_STACK_TOP 0x40000ULL

/* An address space with the code, data and stack pages mapped: its handle, or -NX_E*. */
long tiny_as(struct nxh_direct *d, const void *code, size_t len);
/* Builds and spawns the task; its pid, or a negative -NX_E*. */
long tiny_spawn(struct nxh_direct *d, const void *code, size_t len, const char *name);
/* Waits; the status word, and the crash record when it crashed. */
uint32_t tiny_wait(struct nxh_direct *d, long pid, struct nx_crash *crash);
/* One call through the direct caller with no fds: its result. */
long tiny_call(struct nxh_direct *d, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
	       uint64_t a3, uint64_t a4, uint64_t a5);

#endif
