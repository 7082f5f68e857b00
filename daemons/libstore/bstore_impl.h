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

/* Move parent/name into the quarantine directory (made when first needed). 0 or -errno. */
int bstore_quarantine(struct bstore *st, int parent, const char *name, const char *why);

/* Recover what a crash or a stranger left in staging/ and slot-a/. 0 or -errno. */
int bstore_sweep(struct bstore *st);

#endif
