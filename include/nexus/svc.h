/*
 * Service protocols between host processes: the init channel, samgrd,
 * logd and the control channel between nexus-sim and init. Every message
 * is one nx_frame (nexus/frame.h) with at most one fd.
 *
 * Frame kind ranges, 0x100 each, so a stray frame is recognisably
 * someone else's:
 *   0x0001 reply, 0x0100 kernel call (frame.h)
 *   0x0200 init channel      0x0300 samgrd       0x0400 logd
 *   0x0500 control (nexus-sim <-> init)
 *   0x0600 keystored  0x0700 bundlemgrd  0x0800 packagefsd  0x0900 vfsd
 *   0x0a00 execd      0x0b00 updated     (svc_key.h, svc_bundle.h, ...)
 *
 * Replies: kind NX_FRAME_REPLY, the request's id echoed, arg = result
 * (>= 0) or -NX_E* as a two's-complement int64. The body of an error reply
 * is an optional one-line message (no newline, no NUL, at most
 * NX_ERRMSG_MAX bytes) naming what was refused and why.
 */
#ifndef NEXUS_SVC_H
#define NEXUS_SVC_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/err.h"
#include "nexus/frame.h"
#include "nexus/limits.h"
#include "nexus/task.h"

#define NX_ERRMSG_MAX 256 /* bytes of an error reply's message */

/*
 * A service refuses bad input with one of these errors; any other error
 * means the service itself failed. nexus-sim maps the first kind to exit
 * status 65 and the second to 70.
 *   EINVAL malformed, EPERM not trusted / signature, EACCES not allowed,
 *   EMSGSIZE over a cap, ERANGE out of range, EEXIST already there or a
 *   downgrade, ESRCH no such name.
 */
static inline int nx_err_is_refusal(int64_t err)
{
	switch (err < 0 ? -err : err) {
	case NX_EINVAL:
	case NX_EPERM:
	case NX_EACCES:
	case NX_EMSGSIZE:
	case NX_ERANGE:
	case NX_EEXIST:
	case NX_ESRCH:
		return 1;
	default:
		return 0;
	}
}

/*
 * Service names: 1..NX_SVC_NAME_MAX-1 bytes of [a-z0-9._-], sent without
 * a NUL as the whole body of the frames that carry one. The one rule
 * samgrd, init, nexus-sim and clients share.
 */
static inline int nx_svc_name_ok(const void *s, size_t len)
{
	const unsigned char *p = s;

	if (len == 0 || len >= NX_SVC_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

/* ---- Init channel: fd 4 of every daemon, init on the other end. ---- */
#define NX_SVC_READY 0x0201 /* daemon -> init: registered and serving; no reply */
#define NX_SVC_STOP 0x0202  /* init -> daemon: finish and exit 0; no reply */
/*
 * init -> samgrd only: fd = samgrd's end of a new registry connection,
 * body = the name of the process holding the other end. That process may
 * REGISTER only this name; its CONNECTs are made in this name.
 */
#define NX_SVC_ATTACH 0x0203

/* ---- samgrd: on a daemon's registry connection (its fd 6). ---- */
/* body = name; reply arg 0. -EPERM: not the attached name; -EEXIST: taken. */
#define NX_SAMGR_REGISTER 0x0301
/*
 * body = name; reply arg 0 with fd = the caller's end of a fresh
 * socketpair; -ESRCH: no such service registered.
 */
#define NX_SAMGR_CONNECT 0x0302
/*
 * samgrd -> registered service, unsolicited: fd = the service's end of a
 * new connection, body = the connecting client's attached name. No reply.
 */
#define NX_SAMGR_ACCEPT 0x0303

/* ---- logd: on a connection obtained by CONNECT("logd"). ---- */
/*
 * One structured record, no reply. arg = level. body = NUL-terminated
 * strings: scope, message, then zero or more "key=value". Scope and keys
 * are [a-z0-9_.-]; message and values printable ASCII. logd sorts the
 * fields by key and writes one line to the console and the journal:
 *   <scope>: <level> <message> key=value ...
 * (a value holding a space, '"' or '\' is printed "quoted\ escaped").
 */
#define NX_LOG_RECORD 0x0401
#define NX_LOG_DEBUG 0
#define NX_LOG_INFO 1
#define NX_LOG_WARN 2
#define NX_LOG_ERROR 3
#define NX_LOG_RECORD_MAX 4096 /* bytes of a record body */
#define NX_LOG_FIELDS_MAX 16   /* key=value fields per record */
#define NX_LOG_KEY_MAX 32      /* bytes of a key, without the NUL */

/* ---- Control channel: nexus-sim <-> init (init's fd 4). ---- */
/* sim -> init, before BOOT: arg = which directory, fd = it. No reply. */
#define NX_CTL_CONFIG 0x0501
#define NX_CTL_CFG_TRUST_DIR 1 /* handed to keystored as its fd 5 */
#define NX_CTL_CFG_STATE_DIR 2 /* handed to logd, updated, bundlemgrd, packagefsd */
/*
 * The state directory's locked file: init holds it open until it exits,
 * so the lock outlives nexus-sim until every daemon that may write the
 * state directory is gone.
 */
#define NX_CTL_CFG_STATE_LOCK 3
/*
 * run and test: a bundle RUN or INSTALL will name (each --with bundle too),
 * handed to bundlemgrd as its fd 7, 9, ... (docs/security.md)
 */
#define NX_CTL_CFG_BUNDLE_DIR 4
/*
 * --trace=ipc or --timeline only: the write end of nexus-sim's trace pipe
 * (nexus/trace.h). init records its own frames there and hands it to every
 * daemon as fd NX_TRACE_FD.
 */
#define NX_CTL_CFG_TRACE 5

/*
 * --wrap DAEMON=CMD (docs/tools.md), one item per wrapped daemon: fd =
 * the wrapper's executable (O_PATH, for init's Landlock domain), body =
 * NUL-terminated strings: the daemon's name, the executable's absolute
 * path, then the 1 to NX_WRAP_WORDS_MAX words of CMD. init accepts it
 * only when it was started with argv[1] "wrap" (its filter then allows
 * what a wrapper does; docs/security.md). Every other item but REGISTRY has no body.
 */
#define NX_CTL_CFG_WRAP 6
#define NX_WRAP_WORDS_MAX 32  /* words of one --wrap CMD */
#define NX_WRAP_CMD_MAX 1024  /* bytes of one --wrap CMD as typed */
#define NX_WRAP_PATH_MAX 4096 /* bytes of the wrapper's path, with its NUL */
#define NX_CTL_WRAP_BODY_MAX (NX_SVC_NAME_MAX + NX_WRAP_PATH_MAX + NX_WRAP_CMD_MAX + 1)
/*
 * The program registry (formats/programs.h), at most once: fd = the file
 * (a regular file, read by init at once), body = its path as nexus-sim
 * names it, for init's messages (1 to NX_PATH_MAX - 1 bytes, no NUL). A
 * registry init refuses fails the BOOT with NX_CTL_READY_REFUSED.
 */
#define NX_CTL_CFG_REGISTRY 7
/* sim -> init: start the daemons. arg = NX_CTL_BOOT_* flags. */
#define NX_CTL_BOOT 0x0502
#define NX_CTL_BOOT_STATEFS (1u << 0) /* the state directory outlives the session (--state) */
/*
 * init -> sim, answering BOOT (same id): arg 0 = every daemon is up and
 * the health gate passed (or had nothing to check);
 * NX_CTL_READY_REBOOT + message = the slot on trial failed its health
 * check: reboot to try it again or to roll back (updated decides at the
 * next boot); -NX_E* + message = boot failed (init then stops what it
 * started).
 */
#define NX_CTL_READY 0x0503
#define NX_CTL_READY_REBOOT 1
/* + message: input nexus-sim handed (the program registry) is refused; nothing started. */
#define NX_CTL_READY_REFUSED 2
/*
 * sim -> init: fd = the bundle directory (O_DIRECTORY), body = struct
 * nx_ctl_run, then NUL-terminated strings: the bundle's label as the user
 * named it (for messages), argc arguments after argv[0] (at most
 * NX_ARGC_MAX - 1) and envc environment strings "K=V" (at most
 * NX_ENVC_MAX), nothing after. init installs the bundle through
 * bundlemgrd and runs it through execd with argv[0] = the installed name.
 * Without an fd the label is the name of a bundle installed in the slot
 * this boot runs (nexus-sim run pkg:/NAME), which runs as it is.
 */
#define NX_CTL_RUN 0x0504
/*
 * RUN's arg: the label is a program of the registry (nexus-sim run NAME),
 * no fd. init runs the program's path with its args, then the RUN's
 * arguments; -NX_ENOENT when the registry has no such program.
 */
#define NX_CTL_RUN_PROGRAM 1
/*
 * init -> sim, answering RUN (same id): arg 0 with body struct
 * nx_ctl_result, or -NX_E* with a one-line message when nothing ran
 * (nx_err_is_refusal() tells refused input from a failure).
 */
#define NX_CTL_RESULT 0x0505
/* sim -> init: stop all daemons in reverse order and reap them. */
#define NX_CTL_SHUTDOWN 0x0506
/* init -> sim, answering SHUTDOWN: arg = daemons that had to be killed. */
#define NX_CTL_DOWN 0x0507
/*
 * sim -> init, once the system is up: body = struct nx_ctl_update, then
 * optionally a label; fd as the operation needs (nexus/svc_update.h).
 * init makes the call to updated and answers with NX_CTL_UPDATED (same
 * id): arg and body are updated's reply as it came.
 */
#define NX_CTL_UPDATE 0x0508
#define NX_CTL_UPDATED 0x0509
/*
 * sim -> init: a soft reboot. fd = init's kernel socket for the next
 * boot. init stops every daemon as for SHUTDOWN, answers DOWN, then
 * executes itself afresh with that socket as its fd 3 and the control
 * channel as its fd 4; nexus-sim then resets the kernel and sends
 * CONFIG and BOOT again.
 */
#define NX_CTL_REBOOT 0x050a
/*
 * sim -> init, once the system is up (nexus-sim run --with B.nxb): fd =
 * the bundle directory, handed before BOOT as a CONFIG BUNDLE_DIR too;
 * body = its label, NUL-terminated. init installs it through bundlemgrd, runs nothing,
 * and answers NX_CTL_INSTALLED (same id): arg 0 with body
 * "name@version", or -NX_E* with a one-line message.
 */
#define NX_CTL_INSTALL 0x050b
#define NX_CTL_INSTALLED 0x050c

struct nx_ctl_run {
	uint32_t argc; /* arguments after the label */
	uint32_t envc; /* environment strings after the arguments */
};

_Static_assert(sizeof(struct nx_ctl_run) == 8, "nx_ctl_run size");
_Static_assert(offsetof(struct nx_ctl_run, argc) == 0, "nx_ctl_run.argc");
_Static_assert(offsetof(struct nx_ctl_run, envc) == 4, "nx_ctl_run.envc");

struct nx_ctl_update {
	uint32_t op;  /* NX_UPDATE_STAGE, _SWITCH or _STATUS */
	uint32_t arg; /* the call's arg (SWITCH: tries) */
};

_Static_assert(sizeof(struct nx_ctl_update) == 8, "nx_ctl_update size");

struct nx_ctl_result {
	uint64_t status;       /* wait status word (nexus/task.h) */
	uint64_t pid;	       /* the payload's task id */
	struct nx_crash crash; /* valid when NX_WAIT_IS_CRASH(status) */
};

_Static_assert(sizeof(struct nx_ctl_result) == 328, "nx_ctl_result size");
_Static_assert(offsetof(struct nx_ctl_result, status) == 0, "nx_ctl_result.status");
_Static_assert(offsetof(struct nx_ctl_result, pid) == 8, "nx_ctl_result.pid");
_Static_assert(offsetof(struct nx_ctl_result, crash) == 16, "nx_ctl_result.crash");

#endif
