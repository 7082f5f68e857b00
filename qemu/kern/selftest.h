/*
 * Kernel self-tests run at every boot before init: each prints its
 * upstream marker (KSELFTEST: ...) only after the check it names ran and
 * passed.
 */
#ifndef NEXUS_QEMU_KERN_SELFTEST_H
#define NEXUS_QEMU_KERN_SELFTEST_H

#include "hostcall.h"

/* 0 when every check passed; otherwise -1 after saying which failed and why. */
int nxq_selftest(struct nxq_host *h);

#endif
