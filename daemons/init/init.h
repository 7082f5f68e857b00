/*
 * init: the only process nexus-sim launches. It owns the launch policy:
 * the service table (name, start order, restart policy, directory), the
 * fd layout each daemon starts with, readiness, supervision with a
 * throttled restart, and an orderly shutdown in reverse order.
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdint.h>
#include <sys/types.h>

#include "landlock.h"
#include "restart.h"
#include "startout.h"
#include "nxd.h"
#include "nexus/svc_update.h"

#define INIT_STOP_GRACE_MS 2000 /* a daemon told to stop is killed after this */
#define INIT_CORE_SERVICES 1	/* logd, the table's first: a shutdown stops it last */
/*
 * Landlock rules init holds from start to BOOT: the daemons dir, the
 * loader, shared objects, the directories from nexus-sim (each bundle
 * directory of a run or test session), and under --wrap the wrappers and
 * what they reach (sandbox.c).
 */
#define INIT_CONFINE_MAX (32 + NX_RUN_BUNDLES_MAX)

enum svc_dir { SVC_DIR_NONE, SVC_DIR_TRUST, SVC_DIR_STATE };
/*
 * What follows argv[0]: nothing, the slot this boot runs, the slot then
 * whether the state directory persists (bundlemgrd), or updated's two words.
 */
enum svc_args { SVC_ARGS_NONE, SVC_ARGS_SLOT, SVC_ARGS_SLOT_STATE, SVC_ARGS_UPDATED };
enum svc_policy { SVC_RESTART, SVC_NO_RESTART };
enum svc_state { SVC_DOWN, SVC_STARTING, SVC_UP, SVC_STOPPING, SVC_FAILED };

#define SVC_NEEDS_MAX 2 /* services one daemon waits for before its start */

struct svc_def {
	const char *name; /* also its executable's name in the daemons directory */
	enum svc_dir dir; /* fd 5 */
	enum svc_policy policy;
	int registry; /* gets fd 6, a registry connection to samgrd */
	int bundle;   /* gets fd 7, a run's bundle directory */
	enum svc_args args;
	/* Up before this one starts (docs/daemons.md); a daemon taking the slot waits for it too.
	 */
	const char *needs[SVC_NEEDS_MAX];
};

struct svc {
	const struct svc_def *def;
	enum svc_state state;
	pid_t pid;
	struct nxd_conn *chan; /* the init channel: fd 4 on the daemon's side */
	int pending_attach;    /* samgrd's end of fd 6, sent once samgrd runs */
	struct startout out;   /* its start-up lines: fd 1 on the daemon's side */
	struct restart rs;
	uint64_t restart_at; /* ms, CLOCK_MONOTONIC; 0 = none scheduled */
	int fault;	     /* pass NEXUS_FAULT to the next start */
	unsigned starts;     /* in this boot */
	/* --wrap (wrap.c): exec wrap_path with wrap_argv (the CMD words), then the daemon's. */
	const char *wrap_path;
	char *wrap_argv[NX_WRAP_WORDS_MAX];
	size_t wrap_argc;
	char *wrap_buf; /* the item's strings, which wrap_path and wrap_argv point into */
};

struct init {
	struct nxd_loop *loop;
	struct nxd_conn *ctl;	   /* fd 4: nexus-sim */
	struct nxd_conn *kernel;   /* fd 3 */
	struct nxd_conn *registry; /* init's own connection to samgrd, as client "init" */
	int trust_fd, state_fd;
	int lock_fd; /* the state directory's lock: held open until init exits */
	/* The bundle directories of a run or test session (NX_CTL_CFG_BUNDLE_DIR), in order. */
	int bundle_fds[NX_RUN_BUNDLES_MAX];
	size_t nbundles;
	int trace_fd; /* the trace pipe (NX_CTL_CFG_TRACE), or -1 */
	struct nx_landlock_rule confine[INIT_CONFINE_MAX]; /* sandbox.c, until BOOT */
	size_t nconfine;
	char exe_dir[4096];
	const char *fault; /* NEXUS_FAULT value, or NULL */
	int wrap_mode;	   /* argv[1] "wrap": the filter allows wrappers; CONFIG WRAP taken */
	int wrap_reach;	   /* the rules every wrapper needs are in confine[] (sandbox.c) */
	size_t nsvc;
	struct svc *svc;

	int booting, booted;
	size_t shown; /* daemons whose part of the ladder is printed (table order) */
	struct nx_frame boot_req;

	int shutting;
	int have_shut_req;
	struct nx_frame shut_req;
	uint64_t stop_deadline;
	unsigned killed;

	struct run *run; /* the run in progress, or NULL */

	/* The program registry (programs.c): CONFIG REGISTRY's path, and what it holds or why not.
	 */
	char programs_path[NX_PATH_MAX];
	const struct nx_programs *programs; /* NULL until a registry was read and checked */
	char programs_refusal[NX_ERRMSG_MAX + 1];

	/* The A/B state (update.c, gate.c). */
	int persist;			 /* BOOT said NX_CTL_BOOT_STATEFS */
	int rebooted;			 /* this image was executed by a soft reboot */
	int reexec_fd;			 /* REBOOT: the next boot's kernel socket, else -1 */
	int slot;			 /* the slot this boot runs, -1 until updated said */
	struct nx_update_status ustatus; /* updated's, as of boot */
	struct nxd_conn *updated;	 /* init's connection to updated, or NULL */
	int upd_busy;			 /* a call to updated is in flight (one at a time) */
	uint64_t gate_deadline;		 /* ms: the health check must have exited; 0 = none */
};

extern const struct svc_def init_services[];
extern const size_t init_nservices;

/* services.c: start one daemon with its fd layout. 0 or -1 (reported). */
int svc_start(struct init *in, struct svc *s);
struct svc *svc_by_pid(struct init *in, pid_t pid);
struct svc *svc_by_name(struct init *in, const char *name);
/* spawn.c: the daemon's process, executing path (or its wrapper) with fds src at 3.. */
pid_t svc_spawn(const struct init *in, const struct svc *s, const char *path, const int *src,
		int nsrc, int out);
/* Stop reading a daemon's start-up socket: print what is left, close it. */
void svc_out_close(struct init *in, struct svc *s);

/* supervise.c */
/* Boot: start every daemon whose needs are up; print the ladder as far as it goes. */
void init_boot_next(struct init *in);
void init_ladder(struct init *in);
void init_boot_fail(struct init *in, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void init_on_signal(void *arg, int fd);
void init_shutdown(struct init *in);
void init_arm_timer(struct init *in);

/*
 * sandbox.c: at start, drop the capabilities, install the seccomp filter
 * and open what the Landlock domain will hold; at BOOT, with the
 * directories from nexus-sim, enforce it (docs/security.md).
 */
void init_sandbox_start(struct init *in);
void init_sandbox_boot(struct init *in);
/* CONFIG WRAP: what the domain must add for the wrapper executable `fd` (taken). */
void init_sandbox_wrap(struct init *in, int fd);

/* wrap.c: NX_CTL_CONFIG NX_CTL_CFG_WRAP. NULL, or why it is refused. */
const char *wrap_config(struct init *in, struct nx_msg *m);

/* control.c */
extern const struct nxd_handler init_ctl_table[];
extern const size_t init_ctl_n;

/* connect.c: CONNECT to a service through samgrd; fn gets the fd, or -1 with err and why. */
typedef void (*init_connected_fn)(void *arg, int fd, int err, const char *why);
__attribute__((warn_unused_result)) int init_connect(struct init *in, const char *svc,
						     init_connected_fn fn, void *arg);

/* run.c */
/*
 * How a run ends: err 0 with body the struct nx_exec_result, or -NX_E*
 * with a one-line message when nothing ran. req is the request the
 * run_start caller gave (NULL for none).
 */
typedef void (*run_done_fn)(struct init *in, const struct nx_frame *req, int64_t err,
			    const void *body, size_t len);
/*
 * Install the bundle in dirfd (closed here; -1: `label` names a bundle
 * installed already) and run it; `strs` holds the arguments then the
 * environment strings, each NUL-terminated. done runs once. program:
 * the registry program the run stands for (label is then execd's target,
 * a bundle name or a /packages/ path), or NULL.
 */
void run_start(struct init *in, const struct nx_frame *req, run_done_fn done, int dirfd,
	       const char *label, const char *program, const uint8_t *strs, size_t len,
	       uint32_t argc, uint32_t envc);
/* Install the bundle in dirfd (closed here) and run nothing: done gets "name@version". */
void run_install_only(struct init *in, const struct nx_frame *req, run_done_fn done, int dirfd,
		      const char *label);
/* A run_done_fn that answers nexus-sim's RUN with NX_CTL_RESULT. */
void run_reply_ctl(struct init *in, const struct nx_frame *req, int64_t err, const void *body,
		   size_t len);
/* A run_done_fn that answers nexus-sim's INSTALL with NX_CTL_INSTALLED. */
void run_reply_installed(struct init *in, const struct nx_frame *req, int64_t err, const void *body,
			 size_t len);
/* When the run's CONNECT to a restarting service is due again (ms), or 0; init's tick runs it. */
uint64_t run_retry_at(const struct init *in);
void run_tick(struct init *in, uint64_t now);
/* End the run in progress with done(-NX_EPIPE) (shutdown). */
void run_abort(struct init *in);
/* Forget the run in progress without calling done (its task runs on, unwatched). */
void run_cancel(struct init *in);

/* programs.c: CONFIG REGISTRY (NULL, or why the item is refused; the file's own faults
 * wait for the BOOT). */
struct nx_programs;
const char *programs_config(struct init *in, struct nx_msg *m);
/* At BOOT: 1 after answering READY REFUSED for a registry init refused, else 0. */
int programs_refuse_boot(struct init *in);
/* RUN NX_CTL_RUN_PROGRAM: resolve name through the registry and run it (run_start). */
void programs_run(struct init *in, const struct nx_frame *req, const char *name,
		  const uint8_t *strs, size_t len, uint32_t argc, uint32_t envc);

/* update.c: init's calls to updated, one at a time; done gets the reply or NULL and err. */
__attribute__((warn_unused_result)) int upd_call(struct init *in, uint32_t kind, uint64_t arg,
						 const void *body, size_t len, int fd,
						 int timeout_ms, nxd_done_fn done, void *done_arg);
/* Boot: ask updated which slot this boot runs (then the boot goes on), or fail the boot. */
void upd_boot_status(struct init *in);
/* NX_CTL_UPDATE from nexus-sim. */
void upd_ctl(struct nxd_conn *c, struct nx_msg *m, void *arg);

/* gate.c: the health gate at the end of every boot; its deadline, from the tick. */
void gate_start(struct init *in);
void gate_tick(struct init *in, uint64_t now);

#endif
