/*
 * libnxd: what every nexus daemon is built from. A daemon's main is
 *
 *	struct nxd *d = nxd_start("keystored", NXD_START_DIR_RO);
 *	... read what it needs beneath nxd_dir_fd(d) ...
 *	nxd_sandbox(d, extra_syscalls, n);   // before the first request
 *	nxd_register(d, table, n, arg);      // REGISTER with samgrd
 *	nxd_ready(d);                        // READY to init, "<name>: ready"
 *	return nxd_serve(d);                 // until init says STOP
 *
 * Fds at start (docs/daemons.md): 0 /dev/null, 1 and 2 the console,
 * 3 the daemon's kernel socket, 4 its channel to init, 5 a directory
 * handed over by init (only with NXD_START_DIR), 6 its registry
 * connection to samgrd (every daemon but samgrd), 7 the run's bundle
 * directory (only with NXD_START_BUNDLE, and only for a run; a test
 * session's bundles at 7, then 9, 10, ... past the trace pipe's 8, at most
 * NX_RUN_BUNDLES_MAX: nxd_bundle_fd). nxd_start
 * closes everything else.
 *
 * The flags also say what the daemon may reach once sandboxed: its
 * Landlock domain holds fd 5's directory read-only (NXD_START_DIR_RO) or
 * read-write (NXD_START_DIR_RW), the bundles' (nxd_bundle_fd) read-only, and nothing else: with
 * NXD_START_DIR alone the daemon uses fd 5 at start only.
 */
#ifndef NXD_H
#define NXD_H

#include <stddef.h>
#include <stdint.h>

#include "kcall.h"
#include "wire.h"
#include "nxd_loop.h"
#include "nexus/svc.h"

#define NXD_FD_KERNEL 3
#define NXD_FD_INIT 4
#define NXD_FD_DIR 5
#define NXD_FD_SAMGR 6
#define NXD_FD_BUNDLE 7
/* A test session's second bundle on, after the trace pipe (NX_TRACE_FD, 8). */
#define NXD_FD_BUNDLE_MORE 9

/* The fd of a session's i-th bundle directory (0: NXD_FD_BUNDLE). */
static inline int nxd_bundle_fd(int i)
{
	return i == 0 ? NXD_FD_BUNDLE : NXD_FD_BUNDLE_MORE + i - 1;
}

#define NXD_START_DIR (1u << 0)	     /* fd 5 is a directory the daemon needs at start */
#define NXD_START_NO_SAMGR (1u << 1) /* samgrd itself: there is no fd 6 */
#define NXD_START_NO_LOG (1u << 2)   /* logd itself and samgrd: no logd connection */
#define NXD_START_DIR_RO (NXD_START_DIR | 1u << 3) /* ... and reads beneath it once sandboxed */
#define NXD_START_DIR_RW (NXD_START_DIR | 1u << 4) /* ... and reads and writes beneath it */
#define NXD_START_BUNDLE (1u << 5) /* fd 7, if open, is the run's bundle: reads beneath it */

struct nxd;

/*
 * Check the inherited fds, close every other one, set up the loop and
 * the init channel, and (unless NXD_START_NO_LOG) connect to logd.
 * A start-up failure is fatal: the daemon exits and init reports it.
 */
struct nxd *nxd_start(const char *name, unsigned flags);

const char *nxd_name(const struct nxd *d);
struct nxd_loop *nxd_loop_of(struct nxd *d);
int nxd_dir_fd(const struct nxd *d);	/* fd 5, or -1 */
int nxd_kernel_fd(const struct nxd *d); /* fd 3 */

/*
 * Install the sandbox: drop every capability, enforce the Landlock domain
 * nxd_start prepared (the directories its flags name, nothing else), and
 * load the seccomp allowlist: the calls every libnxd daemon needs plus
 * `extra` (__NR_* numbers, each one init's filter allows too); any other
 * call kills the process with SIGSYS. Honours the fault-injection switch
 * (docs/security.md): NEXUS_FAULT=escape:<this daemon's name> tries to
 * open files outside the domain before the filter goes up,
 * NEXUS_FAULT=seccomp:<name> makes one forbidden call after.
 */
void nxd_sandbox(struct nxd *d, const int *extra, size_t n);

/*
 * init's seccomp filter. Every daemon inherits it across execve and stacks
 * its own on it, so it allows what any daemon does before its own filter
 * and every call nxd_sandbox lets a daemon add, plus fork (a clone without
 * namespace flags) and `extra`, init's own calls. With `wrap` (nexus-sim
 * --wrap) it also allows what a wrapper (strace, valgrind, perf) does
 * (sandbox.c sandbox_wrap, docs/security.md).
 */
void nxd_sandbox_parent(const int *extra, size_t n, int wrap);

/*
 * The environment variable init sets to the daemon's name when it starts
 * that daemon under a --wrap tool. A wrapper that runs the daemon inside
 * its own process (valgrind) refuses seccomp filters: nxd_sandbox then
 * goes on under init's filter alone, and says so.
 */
#define NXD_WRAP_ENV "NEXUS_WRAP"

/*
 * How many bundle directories a NXD_START_BUNDLE daemon was given (fd 7,
 * then 9 onward; absent: none). Counted, not probed: a --wrap tool may
 * leave an fd of its own in the next slot.
 */
#define NXD_BUNDLES_ENV "NEXUS_BUNDLES"

/*
 * REGISTER this daemon's name with samgrd; each connection samgrd then
 * hands over is served through `table` with `arg` (the peer's name is
 * nxd_conn_peer(); the connection is non-blocking, so a client that
 * stops reading loses replies rather than stalling the service).
 * Returns 0 or -NX_E*.
 */
__attribute__((warn_unused_result)) int nxd_register(struct nxd *d, const struct nxd_handler *table,
						     size_t n, void *arg);

/*
 * For logd only, which starts before samgrd: send REGISTER without
 * waiting; samgrd answers once it is up, and a refusal then is fatal.
 */
__attribute__((warn_unused_result)) int
nxd_register_early(struct nxd *d, const struct nxd_handler *table, size_t n, void *arg);

/*
 * CONNECT to a registered service through samgrd. Returns a fresh
 * SOCK_SEQPACKET fd (the caller's) or -NX_E* (-NX_ESRCH: not registered).
 */
__attribute__((warn_unused_result)) int nxd_connect(struct nxd *d, const char *service);

/*
 * A service called synchronously, with a deadline: connected through
 * samgrd at init when it is registered (else at first use), and again
 * after it went away (peer.c). A call
 * returns the reply's result, -NX_ETIMEDOUT when the service did not
 * answer (or stayed unregistered) within timeout_ms, or -NX_EPIPE.
 */
struct nxd_peer {
	struct nxd *d;
	char service[NX_SVC_NAME_MAX];
	int fd;
	int timeout_ms;
};
void nxd_peer_init(struct nxd_peer *p, struct nxd *d, const char *service, int timeout_ms);
__attribute__((warn_unused_result)) int64_t nxd_peer_call(struct nxd_peer *p, uint32_t kind,
							  uint64_t arg, const void *body,
							  size_t len, int fd_in,
							  struct nx_msg *reply);
void nxd_peer_close(struct nxd_peer *p);

/*
 * A seed connection (docs/abi.md "The seed endpoint"): a fresh kernel
 * connection named `name` (KCONNECT, before the sandbox), over which the
 * kernel process carries payloads' requests of this service as frames;
 * served through `table` like any client, the reply going back into the
 * payload's seed. A failure is fatal.
 */
void nxd_seed_serve(struct nxd *d, const char *name, const struct nxd_handler *table, size_t n,
		    void *arg);
/*
 * The init channel (fd 4) and the kernel socket (fd 3) as loop
 * connections. samgrd serves NX_SVC_ATTACH on the init channel: its
 * table replaces the default one and must include nxd_handle_stop for
 * NX_SVC_STOP.
 */
struct nxd_conn *nxd_init_conn(struct nxd *d);
struct nxd_conn *nxd_kernel_conn(struct nxd *d);
void nxd_set_init_table(struct nxd *d, const struct nxd_handler *table, size_t n, void *arg);
void nxd_handle_stop(struct nxd_conn *c, struct nx_msg *m, void *arg);

/* Print "<name>: ready", then tell init (that order keeps the ladder stable). */
void nxd_ready(struct nxd *d);
/* The same, printing "<name>: ready (<note>)". */
void nxd_ready_note(struct nxd *d, const char *note);

/*
 * The slot this boot runs, from a daemon's argument list ("a" or "b",
 * which init passes to the daemons that serve a slot): 0 or 1. Anything
 * else is fatal.
 */
int nxd_slot_arg(int argc, char **argv);
/* Serve until init sends STOP or goes away; returns the exit status. */
int nxd_serve(struct nxd *d);

/*
 * The end of every service's main: nxd_sandbox with `extra`, nxd_register
 * with `table` (a refusal is fatal), nxd_ready, nxd_serve.
 */
int nxd_service(struct nxd *d, const int *extra, size_t nextra, const struct nxd_handler *table,
		size_t n, void *arg);

#define NXD_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Kernel calls over fd 3, the same table payloads reach by ecall
 * (nexus/frame.h struct nx_kcall): `in` travels as the call's data,
 * output comes back into `out` (at most outcap bytes), an fd goes with
 * fd_in (or -1) and one may come back into *fd_out. Returns the result.
 * nxd_kcall goes through the loop's kernel connection, so a reply the
 * kernel held back (wait, made with nxd_call_async on nxd_kernel_conn)
 * may overtake it safely; nxd_kcall_on does the same through any loop
 * connection to the kernel (init's, which is not an nxd_start daemon);
 * nxd_kcall_sock is for a bare socket.
 */
long nxd_kcall(struct nxd *d, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
	       void *out, size_t outcap, int fd_in, int *fd_out);
long nxd_kcall_on(struct nxd_conn *kernel, unsigned nr, const uint64_t a[6], const void *in,
		  size_t inlen, void *out, size_t outcap, int fd_in, int *fd_out);
long nxd_kcall_sock(int sock, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
		    void *out, size_t outcap, int fd_in, int *fd_out);

/* A kernel caller (daemons/lib/kcall.h) making nxd_kcall()s for d, for elf_spawn. */
void nxd_kcaller(struct nxd *d, struct nx_kcaller *k);

/*
 * A signature check through keystored, in the shape formats/ and the
 * daemons take (struct bm_sigcheck, struct nx_nxs_sigcheck): ctx is a
 * struct nxd_peer for keystored; sig is a struct nx_sig (formats/sig.h).
 * A message over NX_KEY_INLINE_MAX travels as a sealed memfd. 0 when the
 * signature holds under a trusted key; else -NX_E* with a reason in why.
 */
struct nx_sig;
int nxd_key_verify(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		   size_t cap);

/*
 * A formats/ refusal code (fmt_err.h) as the -NX_E* a reply carries:
 * signatures -NX_EPERM, sizes over a cap -NX_EMSGSIZE, a version not
 * above the floor -NX_EEXIST, I/O -NX_ENOSPC, the rest -NX_EINVAL.
 */
int nxd_fmt_errno(int code);

/* A structured log record to logd (nexus/svc.h NX_LOG_RECORD). */
struct nxd_field {
	const char *key;
	const char *value;
};
int nxd_log(struct nxd *d, int level, const char *msg, const struct nxd_field *fields,
	    size_t nfields);

/*
 * The console: fd 2, one write() per whole line so lines of different
 * daemons never interleave. nxd_say() adds the newline.
 */
void nxd_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * For the states a daemon cannot continue from: print "<name>: <msg>"
 * (fatal() adds strerror(errno)) and exit 1.
 */
void nxd_set_progname(const char *name);
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
