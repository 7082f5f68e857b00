/*
 * execd: the spawner. RUN(name or pkg:/ path, argv, env) -> bundlemgrd
 * GET_PAYLOAD -> the sealed memfd mapped read-only -> nx_elf_spawn (the
 * loader's plan, VMOs, as_map, stack, spawn: every step a kernel call the
 * kernel checks) -> the reply (the pid) -> an asynchronous kernel WAIT, so
 * execd keeps serving while the task runs -> a report and EXITED.
 *
 * One task at a time: the kernel holds one blocked wait per host caller,
 * so a second EXEC while a task runs is answered -NX_EAGAIN.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec_report.h"
#include "exec_req.h"
#include "launch_log.h"
#include "elf_spawn.h"
#include "nxd.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"
#include "nexus/syscall.h"

/* WAIT's status goes here in the reply body: offset 0 would read as "no status pointer". */
#define EXECD_STATUS_OFF 8

static struct nxd *execd;
static struct nxd_peer bundlemgrd;
static struct nx_msg payload_reply;

/* The running task and the request to answer when it ends. */
static struct {
	int busy;
	struct nxd_conn *conn;
	struct nx_frame req;
	uint64_t pid;
	char name[NX_BUNDLE_NAME_MAX];
} run;

static long kcall(void *ctx, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
		  void *out, size_t outcap, int fd_in, int *fd_out)
{
	return nxd_kcall(ctx, nr, a, in, inlen, out, outcap, fd_in, fd_out);
}

static void report(uint64_t status, const struct nx_crash *cr)
{
	char line[NX_ERRMSG_MAX];
	struct exec_report_fields f;
	int code = exec_end_code(status, cr);

	if (exec_report_line(line, sizeof(line), run.pid, code, run.name) > 0)
		nxd_say("%s", line);
	exec_report_fields(&f, run.pid, status, cr, run.name);
	if (nxd_log(execd, NX_LOG_ERROR, "crash report", f.f, EXEC_REPORT_FIELDS) != 0)
		nxd_say("execd: logd did not take the crash record of pid=%llu",
			(unsigned long long)run.pid);
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
	if (exec_end_reported(status))
		report(status, &res.crash);
	if (nx_wire_send(nxd_conn_fd(run.conn), NX_EXEC_EXITED, 0, run.req.id, &res, sizeof(res),
			 -1) != 0)
		nxd_say("execd: %s: pid %llu ended but its client is gone", run.name,
			(unsigned long long)run.pid);
	finish();
}

/* Get, map and spawn the payload; returns the pid or -NX_E* with msg. */
static long spawn(const struct exec_req *r, const char *name, char *msg, size_t cap)
{
	struct nx_elf_spawn_req sr = {0};
	struct nx_elf_spawn_result res = {0};
	const char *argv0[2] = {name, NULL};
	char task_name[NX_TASK_NAME_MAX];
	long ret;

	int64_t size = nxd_peer_call(&bundlemgrd, NX_BUNDLE_GET_PAYLOAD, 0, name, strlen(name), -1,
				     &payload_reply);
	if (size == -NX_ETIMEDOUT) {
		snprintf(msg, cap, "%s: bundlemgrd did not answer within %d ms", name,
			 NX_DEADLINE_BUNDLE_MS);
		nx_msg_release(&payload_reply);
		return size;
	}
	if (size < 0) {
		snprintf(msg, cap, "%.*s", (int)payload_reply.len,
			 (const char *)payload_reply.body);
		if (payload_reply.hdr.kind != NX_FRAME_REPLY || payload_reply.len == 0)
			snprintf(msg, cap, "%s: bundlemgrd did not hand out the payload", name);
		nx_msg_release(&payload_reply);
		return size;
	}
	struct nx_bundle_payload info = {0};
	if (payload_reply.len >= sizeof(info))
		memcpy(&info, payload_reply.body, sizeof(info));
	int fd = nx_msg_take_fd(&payload_reply);
	nx_msg_release(&payload_reply);
	if (info.kind != NX_BUNDLE_KIND_ELF) {
		snprintf(msg, cap, "%s: its payload is not an ELF (payloadKind %u): it cannot run",
			 name, info.kind);
		if (fd >= 0)
			close(fd);
		return -NX_EINVAL;
	}
	int seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & NX_BUNDLE_SEALS) != NX_BUNDLE_SEALS || size == 0) {
		snprintf(msg, cap, "%s: payload from bundlemgrd is not a sealed memfd", name);
		if (fd >= 0)
			close(fd);
		return -NX_EPERM;
	}
	void *elf = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	if (elf == MAP_FAILED) {
		snprintf(msg, cap, "%s: mapping the payload failed", name);
		close(fd);
		return -NX_ENOMEM;
	}
	snprintf(task_name, sizeof(task_name), "%s", name);
	sr.elf = elf;
	sr.len = (size_t)size;
	sr.argv = r->argc > 0 ? r->argv : argv0;
	sr.argc = r->argc > 0 ? r->argc : 1;
	sr.envp = r->envp;
	sr.envc = r->envc;
	sr.name = task_name;
	sr.caps = info.caps;
	/* Its read-only pages are mapped from the sealed memfd itself: shared, not copied. */
	sr.elf_memfd = fd;
	const struct nx_kcaller k = {.ctx = execd, .call = kcall};
	if (nx_elf_spawn(&k, &sr, &res) == 0) {
		ret = res.pid;
	} else {
		snprintf(msg, cap, "%s: %s", name, res.msg);
		switch (res.stage) {
		case NX_ELF_SPAWN_ELF:
		case NX_ELF_SPAWN_STACK:
			ret = -NX_EINVAL;
			break;
		case NX_ELF_SPAWN_KERNEL:
			ret = nx_err_is_refusal(res.err) ? -NX_EINVAL : -NX_ENOMEM;
			break;
		default:
			ret = -NX_ENOMEM;
		}
	}
	munmap(elf, (size_t)size);
	close(fd);
	return ret;
}

static void on_run(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	static struct exec_req r;
	char name[NX_BUNDLE_NAME_MAX], msg[NX_ERRMSG_MAX];
	const char *why = NULL;
	int alias;
	(void)arg;

	if (exec_req_parse(m->body, m->len, &r, &why) != 0) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "exec: %s", why);
		return;
	}
	if (exec_target(r.target, name, &alias, &why) != 0) {
		(void)exec_launch_log(execd, r.target, -NX_EINVAL, why);
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "exec: '%s': %s", r.target, why);
		return;
	}
	if (run.busy) {
		(void)exec_launch_log(execd, name, -NX_EAGAIN, "execd is busy");
		nxd_reply_err(c, &m->hdr, -NX_EAGAIN, "exec: %s: busy running %s", name, run.name);
		return;
	}
	long pid = spawn(&r, name, msg, sizeof(msg));
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

/* Beyond libnxd's base list: none; the payload arrives as an fd and is only mapped. */
int main(void)
{
	execd = nxd_start(NX_SVC_EXECD, 0);
	nx_msg_init(&payload_reply);
	nxd_peer_init(&bundlemgrd, execd, NX_SVC_BUNDLEMGRD, NX_DEADLINE_BUNDLE_MS);
	return nxd_service(execd, NULL, 0, handlers, NXD_COUNT(handlers), NULL);
}
