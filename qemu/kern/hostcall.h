/*
 * The kernel side's own caller of the syscall table (kernel.h's host
 * API, as tests/harness/kcall_direct.c does in the simulator): what
 * launches init and runs the self-tests. Pointer arguments are offsets
 * into `in` (input) and `out` (output). A call that blocks (wait) runs the
 * scheduler until the kernel says it can complete: this is the target's
 * main loop.
 */
#ifndef NEXUS_QEMU_KERN_HOSTCALL_H
#define NEXUS_QEMU_KERN_HOSTCALL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "nexus/task.h"

struct nxq_host {
	struct nxk *k;
	struct nxk_caller *c;
	int woken;
};

/* 0, or -1 when the caller cannot be allocated. */
int nxq_host_init(struct nxq_host *h, struct nxk *k);
/* The call's result; -NX_EAGAIN for a wait nothing left running can end. */
long nxq_host_call(struct nxq_host *h, unsigned nr, const uint64_t a[6], const void *in,
		   size_t inlen, void *out, size_t outcap);
/* A call without input or output bytes. */
long nxq_host_call0(struct nxq_host *h, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5);
/* wait(pid) then, for a crash, task_crash(pid): the status word, or a negative -NX_E*. */
long nxq_host_wait(struct nxq_host *h, long pid, struct nx_crash *crash);

#endif
