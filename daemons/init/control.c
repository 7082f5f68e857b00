/*
 * The control channel with nexus-sim (fd 4, nexus/svc.h NX_CTL_*).
 * nexus-sim is trusted but its frames are still checked: a bad one gets
 * an error reply like any other peer's.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"
#include "nxd_trace.h"

static void ctl_config(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;
	int *slot = m->hdr.arg == NX_CTL_CFG_TRUST_DIR	  ? &in->trust_fd
		    : m->hdr.arg == NX_CTL_CFG_STATE_DIR  ? &in->state_fd
		    : m->hdr.arg == NX_CTL_CFG_STATE_LOCK ? &in->lock_fd
		    : m->hdr.arg == NX_CTL_CFG_BUNDLE_DIR && in->nbundles < NX_RUN_BUNDLES_MAX
			? &in->bundle_fds[in->nbundles]
		    : m->hdr.arg == NX_CTL_CFG_TRACE ? &in->trace_fd
						     : NULL;
	int want_dir = m->hdr.arg != NX_CTL_CFG_STATE_LOCK && m->hdr.arg != NX_CTL_CFG_TRACE;
	/* The items with a body, each taken by its own module. */
	int wrap = m->hdr.arg == NX_CTL_CFG_WRAP, registry = m->hdr.arg == NX_CTL_CFG_REGISTRY;
	const char *why = NULL;
	struct stat st;

	if ((slot == NULL && !wrap && !registry) || in->booting || in->booted)
		why = slot != NULL || wrap || registry ? "configuration after boot"
		      : m->hdr.arg == NX_CTL_CFG_BUNDLE_DIR
			  ? "more bundle directories than NX_RUN_BUNDLES_MAX"
			  : "unknown configuration item";
	else if (wrap)
		why = wrap_config(in, m);
	else if (registry)
		why = programs_config(in, m);
	else if (m->len != 0)
		why = "configuration item with a body";
	if (why != NULL || wrap || registry) {
		if (why != NULL)
			(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "%s", why);
		return;
	}
	if (m->hdr.arg == NX_CTL_CFG_TRACE) {
		/* Once per image: a soft reboot executes init afresh. */
		if (in->trace_fd >= 0 || fstat(m->fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
			(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL,
					    "trace fd is not a pipe, or came twice");
			return;
		}
		in->trace_fd = nx_msg_take_fd(m);
		nxd_trace_open(in->trace_fd, "init");
		/* The frame that turned tracing on, recorded now that it is on. */
		nx_wire_tracer(NX_WIRE_RECEIVED, nxd_conn_fd(c), &m->hdr, in->trace_fd);
		return;
	}
	if (fstat(m->fd, &st) != 0 || (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "configuration fd is not a %s",
				    want_dir ? "directory" : "regular file");
		return;
	}
	/* Bundle directories add up (a test session names several); the others are replaced. */
	if (m->hdr.arg == NX_CTL_CFG_BUNDLE_DIR)
		in->nbundles++;
	else if (*slot >= 0)
		close(*slot);
	*slot = nx_msg_take_fd(m);
}

static void ctl_boot(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;

	if (in->booting || in->booted || in->shutting) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "boot requested twice");
		return;
	}
	in->boot_req = m->hdr;
	in->booting = 1;
	in->persist = (m->hdr.arg & NX_CTL_BOOT_STATEFS) != 0;
	if ((m->hdr.arg & ~(uint64_t)NX_CTL_BOOT_STATEFS) != 0) {
		init_boot_fail(in, NX_EINVAL, "unknown boot flags 0x%llx",
			       (unsigned long long)m->hdr.arg);
		return;
	}
	if (in->trust_fd < 0 || in->state_fd < 0) {
		init_boot_fail(in, NX_EINVAL, "boot before the trust and state directories");
		return;
	}
	if (programs_refuse_boot(in))
		return;
	if (in->fault != NULL) {
		const char *colon = strchr(in->fault, ':');
		int escape = strncmp(in->fault, "escape:", 7) == 0;
		int known = colon != NULL && (escape || strncmp(in->fault, "seccomp:", 8) == 0 ||
					      strncmp(in->fault, "hang:", 5) == 0);
		/* escape:init is init's own probe (sandbox.c), escape:nexus-sim nexus-sim's. */
		int self = escape &&
			   (strcmp(colon + 1, "init") == 0 || strcmp(colon + 1, "nexus-sim") == 0);
		struct svc *s = known && !self ? svc_by_name(in, colon + 1) : NULL;

		/* updated's own faults: nexus-sim checked the point's name. */
		if (strncmp(in->fault, "stop:", 5) == 0 || strcmp(in->fault, "ioerr:bootctrl") == 0)
			s = svc_by_name(in, NX_SVC_UPDATED);
		if (s == NULL && !self) {
			init_boot_fail(in, NX_EINVAL, "NEXUS_FAULT=%s names no known fault",
				       in->fault);
			return;
		}
		if (s != NULL)
			s->fault = 1;
	}
	init_sandbox_boot(in);
	nxd_say("init: start");
	in->shown = 0;
	init_boot_next(in);
	init_arm_timer(in);
}

/* body: struct nx_ctl_run, then exactly 1 + argc + envc NUL-terminated strings. */
static void ctl_run(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;
	struct nx_ctl_run hdr;
	const uint8_t *p = m->body + sizeof(hdr);
	size_t rest = m->len - sizeof(hdr), nstr = 0;

	if (!in->booted || in->shutting || in->run != NULL) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EAGAIN,
				    in->run != NULL ? "a run is already in progress"
						    : "the system is not up");
		return;
	}
	memcpy(&hdr, m->body, sizeof(hdr));
	if (hdr.argc > NX_ARGC_MAX - 1 || hdr.envc > NX_ENVC_MAX) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EMSGSIZE,
				    "more than %d arguments or %d environment strings",
				    NX_ARGC_MAX - 1, NX_ENVC_MAX);
		return;
	}
	for (size_t i = 0; i < rest; i++)
		nstr += p[i] == 0;
	if (rest == 0 || p[rest - 1] != 0 || nstr != 1 + (size_t)hdr.argc + hdr.envc) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL,
				    "RUN body is not the label, %u arguments and %u environment "
				    "strings",
				    hdr.argc, hdr.envc);
		return;
	}
	size_t llen = strlen((const char *)p) + 1;
	if (m->hdr.arg == NX_CTL_RUN_PROGRAM && m->fd < 0) {
		programs_run(in, &m->hdr, (const char *)p, p + llen, rest - llen, hdr.argc,
			     hdr.envc);
		return;
	}
	if (m->hdr.arg != 0) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "RUN arg %llu with%s a bundle",
				    (unsigned long long)m->hdr.arg, m->fd < 0 ? "out" : "");
		return;
	}
	run_start(in, &m->hdr, run_reply_ctl, nx_msg_take_fd(m), (const char *)p, NULL, p + llen,
		  rest - llen, hdr.argc, hdr.envc);
}

/* body: the bundle's label, NUL-terminated; fd: its directory. */
static void ctl_install(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;

	if (!in->booted || in->shutting || in->run != NULL) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EAGAIN,
				    in->run != NULL ? "a run is already in progress"
						    : "the system is not up");
		return;
	}
	if (memchr(m->body, 0, m->len) != m->body + m->len - 1) {
		(void)nxd_reply_err(c, &m->hdr, -NX_EINVAL, "INSTALL body is not one label");
		return;
	}
	run_install_only(in, &m->hdr, run_reply_installed, nx_msg_take_fd(m),
			 (const char *)m->body);
}

/* The new image takes over fds 0-4: its kernel socket becomes fd 3 just before. */
static void ctl_reboot(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;

	if (in->reexec_fd >= 0)
		close(in->reexec_fd);
	in->reexec_fd = nx_msg_take_fd(m);
	in->shut_req = m->hdr;
	in->have_shut_req = 1;
	(void)c;
	init_shutdown(in);
}

static void ctl_shutdown(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;

	(void)c;
	in->shut_req = m->hdr;
	in->have_shut_req = 1;
	init_shutdown(in);
}

const struct nxd_handler init_ctl_table[] = {
    {{NX_CTL_CONFIG, 0, NX_CTL_WRAP_BODY_MAX, NX_FD_REQUIRED}, ctl_config},
    {{NX_CTL_BOOT, 0, 0, NX_FD_NONE}, ctl_boot},
    {{NX_CTL_RUN, sizeof(struct nx_ctl_run) + 1, NX_FRAME_BODY_MAX, NX_FD_OPTIONAL}, ctl_run},
    {{NX_CTL_SHUTDOWN, 0, 0, NX_FD_NONE}, ctl_shutdown},
    {{NX_CTL_REBOOT, 0, 0, NX_FD_REQUIRED}, ctl_reboot},
    {{NX_CTL_INSTALL, 2, NX_PATH_MAX, NX_FD_REQUIRED}, ctl_install},
    {{NX_CTL_UPDATE, sizeof(struct nx_ctl_update), sizeof(struct nx_ctl_update) + NX_PATH_MAX,
      NX_FD_OPTIONAL},
     upd_ctl},
};
const size_t init_ctl_n = sizeof(init_ctl_table) / sizeof(init_ctl_table[0]);
