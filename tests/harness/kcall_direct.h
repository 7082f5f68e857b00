/*
 * The harness's kernel caller: a host caller of an in-process kernel,
 * calling the syscall table directly. A call that blocks (wait) runs the
 * scheduler until the kernel says it can complete.
 */
#ifndef NEXUS_HARNESS_KCALL_DIRECT_H
#define NEXUS_HARNESS_KCALL_DIRECT_H

#include "kcall.h"
#include "kernel.h"

struct nxh_direct {
	struct nxk *k;
	struct nxk_caller *c;
	int woken;
	struct nx_kcaller kc;
};

/* 0, or -1 when the host caller cannot be allocated. */
int nxh_direct_init(struct nxh_direct *d, struct nxk *k);
void nxh_direct_fini(struct nxh_direct *d);

#endif
