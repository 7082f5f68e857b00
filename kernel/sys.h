/* Syscall handlers, one file per family; syscall.c holds the table. */
#ifndef NEXUS_KERNEL_SYS_H
#define NEXUS_KERNEL_SYS_H

#include <stdint.h>

struct nxk_caller;

typedef long (*nxk_sys_fn)(struct nxk_caller *c, const uint64_t a[6]);

/* sys_vmo.c */
long nxk_sys_vmo_create(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_vmo_write(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_vmo_export(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_vmo_import(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_handle_close(struct nxk_caller *c, const uint64_t a[6]);
/* sys_as.c */
long nxk_sys_as_create(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_as_map(struct nxk_caller *c, const uint64_t a[6]);
/* sys_task.c */
long nxk_sys_yield(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_spawn(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_spawn_attrs(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_exit(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_wait(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_wait_nohang(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_getpid(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_task_crash(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_task_kill(struct nxk_caller *c, const uint64_t a[6]);
/* sys_debug.c */
long nxk_sys_debug_putc(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_debug_write(struct nxk_caller *c, const uint64_t a[6]);
/* sys_ipc.c */
long nxk_sys_channel_create(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_ipc_send(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_ipc_recv(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_cap_transfer(struct nxk_caller *c, const uint64_t a[6]);
long nxk_sys_clock(struct nxk_caller *c, const uint64_t a[6]);
/* sys_ucopy.c */
long nxk_sys_ucopy(struct nxk_caller *c, const uint64_t a[6]);
/* sys_host.c */
long nxk_sys_kconnect(struct nxk_caller *c, const uint64_t a[6]);

#endif
