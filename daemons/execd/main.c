/*
 * execd: the spawner. RUN(name or pkg:/ path, argv, env) -> bundlemgrd
 * GET_PAYLOAD -> the sealed memfd mapped read-only -> nx_elf_spawn (the
 * loader's plan, VMOs, as_map, stack, spawn: every step a kernel call the
 * kernel checks) -> the reply (the pid) -> an asynchronous kernel WAIT, so
 * execd keeps serving while the task runs -> a report and EXITED.
 * Payloads' nx_spawn_path arrives on a connection of its own (spawn_path.c).
 *
 * One task at a time: the kernel holds one blocked wait per host caller,
 * so a second EXEC while a task runs is answered -NX_EAGAIN.
 */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec_report.h"
#include "exec_req.h"
#include "exec_spawn.h"
#include "launch_log.h"
#include "spawn_path.h"
#include "nxd.h"
#include "nexus/svc_bundle.h"
#include "nexus/spawn.h"
#include "nexus/svc_exec.h"
#include "nexus/syscall.h"

/* WAIT's status goes here in the reply body: offset 0 would read as "no status pointer". */
#define EXECD_STATUS_OFF 8

static struct nxd *execd;
static struct nxd_peer bundlemgrd;

/* The running task and the request to answer when it ends. */
static struct {
	int busy;
	struct nxd_conn *conn;
	struct nx_frame req;
	uint64_t pid;
	char name[NX_BUNDLE_NAME_MAX];
} run;

void execd_report_end(uint64_t pid, const char *name, uint64_t status, const struct nx_crash *cr)
{
	char line[NX_ERRMSG_MAX];
	struct exec_report_fields f;
	int code = exec_end_code(status, cr);

	if (!exec_end_reported(status))
		return;
	if (exec_report_line(line, sizeof(line), pid, code, name) > 0)
		nxd_say("%s", line);
	exec_report_fields(&f, pid, status, cr, name);
	if (nxd_log(execd, NX_LOG_ERROR, "crash report", f.f, EXEC_REPORT_FIELDS) != 0)
		nxd_say("execd: logd did not take the crash record of pid=%llu",
			(unsigned long long)pid);
}

static void finish(void)
{
	nxd_conn_put(run.conn);
	run.busy = 0;
	run.conn = NULL;
}

static void on_waited(void *arg, struct nx_msg *reply, int err)
{
	struct nx_exec_result res = {.pid = run.pid};
	uint32_t status;
	(void)arg;
	(void)err;

	if (reply == NULL || nx_msg_result(reply) != (int64_t)run.pid ||
	    reply->len < EXECD_STATUS_OFF + sizeof(status)) {
		/* No status: the client learns of it as a killed task rather than never. */
		nxd_say("execd: pid %llu: kernel wait failed", (unsigned long long)run.pid);
		status = NX_WAIT_STATUS_CRASH(NX_CRASH_ENGINE);
	} else {
		memcpy(&status, reply->body + EXECD_STATUS_OFF, sizeof(status));
	}
	res.status = status;
	if (NX_WAIT_IS_CRASH(status)) {
		const uint64_t a[6] = {run.pid, 0};
		if (nxd_kcall(execd, NX_SYS_TASK_CRASH, a, NULL, 0, &res.crash, sizeof(res.crash),
			      -1, NULL) != 0) {
			/* The status still says how it ended; the record stays zero but for its
			 * cause. */
			res.crash.cause = NX_WAIT_CAUSE(status);
			snprintf(res.crash.name, sizeof(res.crash.name), "%s", run.name);
		}
	}
	execd_report_end(run.pid, run.name, status, &res.crash);
	if (nx_wire_send(nxd_conn_fd(run.conn), NX_EXEC_EXITED, 0, run.req.id, &res, sizeof(res),
			 -1) != 0)
		nxd_say("execd: %s: pid %llu ended but its client is gone", run.name,
			(unsigned long long)run.pid);
	finish();
}

/* RUN's spawn (version "": the newest): a refusal as -NX_E* with msg (docs/services.md). */
static long spawn(const struct exec_req *r, const char *name, const char *version, char *msg,
		  size_t cap)
{
	char bundle[NX_BUNDLE_NAME_MAX + NX_SEMVER_MAX];
	snprintf(bundle, sizeof(bundle), "%s%s%s", name, version[0] != '\0' ? "@" : "", version);
	const struct exec_spawn s = {.bundle = bundle,
				     .name = name,
				     .argv = r->argv,
				     .argc = r->argc,
				     .envp = r->envp,
				     .envc = r->envc,
				     .flags = NX_SPAWN_SEED};
	enum exec_spawn_step step;
	long pid = exec_spawn(execd, &bundlemgrd, &s, &step, msg, cap);
	if (pid < 0 && step == EXEC_STEP_KERNEL)
		pid = nx_err_is_refusal(pid) ? -NX_EINVAL : -NX_ENOMEM;
	return pid;
}

static void on_run(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	static struct exec_req r;
	char name[NX_BUNDLE_NAME_MAX], version[NX_SEMVER_MAX], msg[NX_ERRMSG_MAX];
	const char *why = NULL;
	(void)arg;

	if (exec_req_parse(m->body, m->len, &r, &why) != 0) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "exec: %s", why);
		return;
	}
	if (exec_target(r.target, name, version, &why) != 0) {
		(void)exec_launch_log(execd, r.target, -NX_EINVAL, why);
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "exec: '%s': %s", r.target, why);
		return;
	}
	if (run.busy) {
		(void)exec_launch_log(execd, name, -NX_EAGAIN, "execd is busy");
		nxd_reply_err(c, &m->hdr, -NX_EAGAIN, "exec: %s: busy running %s", name, run.name);
		return;
	}
	long pid = spawn(&r, name, version, msg, sizeof(msg));
	(void)exec_launch_log(execd, name, pid, msg);
	if (pid < 0) {
		nxd_reply_err(c, &m->hdr, (int)pid, "%s", msg);
		return;
	}
	nxd_say("execd: elf load ok");

	struct nx_kcall kc = {.a = {(uint64_t)pid, EXECD_STATUS_OFF}};
	run.busy = 1;
	run.conn = c;
	run.req = m->hdr;
	run.pid = (uint64_t)pid;
	snprintf(run.name, sizeof(run.name), "%s", name);
	nxd_conn_hold(c);
	int err = nxd_call_async(nxd_kernel_conn(execd), NX_FRAME_KCALL, NX_SYS_WAIT, &kc,
				 sizeof(kc), -1, NXD_NO_DEADLINE, on_waited, NULL);
	if (err != 0) {
		nxd_reply_err(c, &m->hdr, err, "%s: pid %ld: kernel wait failed", name, pid);
		finish();
		return;
	}
	(void)nxd_reply(c, &m->hdr, pid, NULL, 0, -1);
}

static const struct nxd_handler handlers[] = {
    {{NX_EXEC_RUN, sizeof(struct nx_exec_req) + 2, NX_FRAME_BODY_MAX, NX_FD_NONE}, on_run},
};

/*
 * Beyond libnxd's base list: pread64, for an nx_spawn_path request's
 * memfd; a payload arrives as an fd and is only mapped.
 */
static const int extra_syscalls[] = {SYS_pread64};

int main(void)
{
	execd = nxd_start(NX_SVC_EXECD, 0);
	nxd_peer_init(&bundlemgrd, execd, NX_SVC_BUNDLEMGRD, NX_DEADLINE_BUNDLE_MS);
	spawn_path_start(execd, &bundlemgrd);
	return nxd_service(execd, extra_syscalls, NXD_COUNT(extra_syscalls), handlers,
			   NXD_COUNT(handlers), NULL);
}
