/* execd's seed connection: payloads' nx_spawn_path and their children's ends (spawn_path.c). */
#ifndef NEXUS_EXECD_SPAWN_PATH_H
#define NEXUS_EXECD_SPAWN_PATH_H

#include <stdint.h>

#include "nxd.h"
#include "nexus/task.h"

/* Open the seed connection (KCONNECT NX_EXEC_SEED_CONN) and serve it in d's loop. */
void spawn_path_start(struct nxd *d, struct nxd_peer *bundlemgrd);

/* main.c: the console line and logd record of a task's end (a crash or a non-zero exit). */
void execd_report_end(uint64_t pid, const char *name, uint64_t status, const struct nx_crash *cr);

#endif
