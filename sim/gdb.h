/*
 * nexus-sim run --gdb HOST:PORT: a GDB remote-protocol stub for the
 * payload task (docs/tools.md). It listens on the address from before the
 * boot; once armed, right before the run's payload is asked for, it
 * attaches to the next task spawned (the payload: execd spawns nothing
 * else then), which is held before its first instruction until gdb lets
 * it go. Its sockets are fds of the kernel loop: while gdb holds the
 * task, the loop goes on serving the daemons.
 */
#ifndef NEXUS_SIM_GDB_H
#define NEXUS_SIM_GDB_H

struct ksim;
struct gdb_stub;

/*
 * Listen on `addr` (HOST:PORT; PORT 0 picks a free port); the address
 * listened on is said on stderr. 0, or NX_EXIT_USAGE (said) when the
 * address cannot be used, NX_EXIT_INTERNAL.
 */
int gdb_stub_open(struct ksim *ks, const char *addr, struct gdb_stub **out);
/*
 * Attach to the next task the kernel spawns. Not before the run is asked
 * for: a boot's health checks are tasks too, and a soft reboot makes a
 * new kernel. 0, or NX_EXIT_INTERNAL.
 */
int gdb_stub_arm(struct gdb_stub *g);
/*
 * The listening socket, for the sandbox's accept4 rule (sim/sandbox.h);
 * -1 for NULL.
 */
int gdb_stub_listen_fd(const struct gdb_stub *g);
/* Detach and close; before ksim_free. NULL does nothing. */
void gdb_stub_close(struct gdb_stub *g);

#endif
