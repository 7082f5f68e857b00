/* libnxstore internal: what bstore.c and bstore_sweep.c share. */
#ifndef NEXUS_BSTORE_IMPL_H
#define NEXUS_BSTORE_IMPL_H

#include "bstore.h"

/*
 * Remove a bundle directory the store wrote: its three members by name,
 * then the directory. Nothing else is touched: a directory that still
 * holds something else is left (-ENOTEMPTY) for the caller to
 * quarantine. 0 or -errno.
 */
int bstore_rm_entry(int parent, const char *dirname);

/* Recover what a crash or a stranger left in the staging and slot directories. 0 or -errno. */
int bstore_sweep(struct bstore *st);

#endif
