/*
 * The health gate, at the end of every boot. When the slot this boot
 * runs is on trial (updated said so at boot), the set's health check
 * bundle runs (if it names one) and must exit 0 within
 * NX_DEADLINE_HEALTH_MS; then init tells updated HealthOk (the slot is
 * committed) and says "init: health ok (slot X)". Otherwise it asks
 * nexus-sim for a soft reboot: the next boot spends another try, or,
 * when none is left, boots the previous slot again (init gives the
 * trial up itself when this was its last try). A boot not on trial
 * passes the gate at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "init.h"
#include "nexus/svc_exec.h"

static char slot_name(const struct init *in)
{
	return (char)('a' + in->slot);
}

static void gate_ready(struct init *in, uint64_t arg, const char *why)
{
	in->gate_deadline = 0;
	in->booting = 0;
	in->booted = 1;
	if (in->ctl != NULL)
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_READY, arg, in->boot_req.id, why,
				   why != NULL ? strlen(why) : 0, -1);
	init_arm_timer(in);
}

/* Why the check failed: what the reboot request tells nexus-sim. */
static char gate_why[NX_ERRMSG_MAX];

static void gate_rolled_back(void *arg, struct nx_msg *reply, int err)
{
	struct init *in = arg;

	(void)err;
	if (reply == NULL || nx_msg_result(reply) < 0)
		nxd_say("init: updated did not take the rollback; the next boot decides");
	gate_ready(in, NX_CTL_READY_REBOOT, gate_why);
}

/* The slot failed its check: reboot (after giving it up, if that was its last try). */
static void gate_fail(struct init *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gate_fail(struct init *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(gate_why, sizeof(gate_why), fmt, ap);
	va_end(ap);
	in->gate_deadline = 0;
	nxd_say("init: health check failed (slot %c): %s", slot_name(in), gate_why);
	if (in->ustatus.slot[in->slot].tries == 0 &&
	    upd_call(in, NX_UPDATE_ROLLBACK, 0, NULL, 0, -1, NX_DEADLINE_SERVICE_MS,
		     gate_rolled_back, in) == 0)
		return;
	gate_ready(in, NX_CTL_READY_REBOOT, gate_why);
}

static void gate_committed(void *arg, struct nx_msg *reply, int err)
{
	struct init *in = arg;

	if (reply == NULL || nx_msg_result(reply) < 0) {
		gate_fail(in, "updated did not commit: %.*s", reply != NULL ? (int)reply->len : 0,
			  reply != NULL ? (const char *)reply->body : "");
		(void)err;
		return;
	}
	nxd_say("init: health ok (slot %c)", slot_name(in));
	gate_ready(in, 0, NULL);
}

static void gate_pass(struct init *in)
{
	in->gate_deadline = 0;
	if (upd_call(in, NX_UPDATE_HEALTH_OK, 0, NULL, 0, -1, NX_DEADLINE_SERVICE_MS,
		     gate_committed, in) != 0)
		gate_fail(in, "cannot reach updated");
}

static void gate_checked(struct init *in, const struct nx_frame *req, int64_t err, const void *body,
			 size_t len)
{
	struct nx_exec_result r;

	(void)req;
	if (in->gate_deadline == 0)
		return;
	if (err < 0) {
		gate_fail(in, "%.*s", (int)len, (const char *)body);
		return;
	}
	memcpy(&r, body, sizeof(r));
	if (NX_WAIT_IS_CRASH(r.status))
		gate_fail(in, "%s crashed: %s", in->ustatus.slot[in->slot].health_check,
			  nx_crash_cause_name(NX_WAIT_CAUSE(r.status)));
	else if (NX_WAIT_CODE(r.status) != 0)
		gate_fail(in, "%s exited %llu", in->ustatus.slot[in->slot].health_check,
			  (unsigned long long)NX_WAIT_CODE(r.status));
	else
		gate_pass(in);
}

void gate_start(struct init *in)
{
	const struct nx_update_slot *sl = &in->ustatus.slot[in->slot];

	if (in->ustatus.pending != in->slot) {
		gate_ready(in, 0, NULL);
		return;
	}
	in->gate_deadline = nxd_now_ms() + NX_DEADLINE_HEALTH_MS;
	init_arm_timer(in);
	if (sl->health_check[0] == '\0') {
		gate_pass(in);
		return;
	}
	nxd_say("init: health check %s (slot %c)", sl->health_check, slot_name(in));
	run_start(in, NULL, gate_checked, -1, sl->health_check, NULL, NULL, 0, 0, 0);
}

void gate_tick(struct init *in, uint64_t now)
{
	if (in->gate_deadline == 0 || now < in->gate_deadline)
		return;
	run_cancel(in);
	gate_fail(in, "%s did not exit 0 within %d ms", in->ustatus.slot[in->slot].health_check,
		  NX_DEADLINE_HEALTH_MS);
}
