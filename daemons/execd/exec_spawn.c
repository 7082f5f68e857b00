/* Payload -> sealed memfd -> loader -> kernel (see exec_spawn.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_spawn.h"
#include "exec_spawn.h"
#include "nexus/svc_bundle.h"

static long kcall(void *ctx, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
		  void *out, size_t outcap, int fd_in, int *fd_out)
{
	return nxd_kcall(ctx, nr, a, in, inlen, out, outcap, fd_in, fd_out);
}

/* GET_PAYLOAD: the sealed memfd (its size in *size) and what the manifest says, or -NX_E*. */
static int get_payload(struct nxd_peer *bm, const struct exec_spawn *s, uint64_t *size,
		       struct nx_bundle_payload *info, char *msg, size_t cap)
{
	struct nx_msg reply;
	nx_msg_init(&reply);
	int64_t r =
	    nxd_peer_call(bm, NX_BUNDLE_GET_PAYLOAD, 0, s->bundle, strlen(s->bundle), -1, &reply);
	if (r == -NX_ETIMEDOUT)
		snprintf(msg, cap, "%s: bundlemgrd did not answer within %d ms", s->bundle,
			 NX_DEADLINE_BUNDLE_MS);
	else if (r < 0 && (reply.hdr.kind != NX_FRAME_REPLY || reply.len == 0))
		snprintf(msg, cap, "%s: bundlemgrd did not hand out the payload", s->bundle);
	else if (r < 0)
		snprintf(msg, cap, "%.*s", (int)reply.len, (const char *)reply.body);
	if (r < 0) {
		nx_msg_release(&reply);
		return (int)r;
	}
	*info = (struct nx_bundle_payload){0};
	if (reply.len >= sizeof(*info))
		memcpy(info, reply.body, sizeof(*info));
	int fd = nx_msg_take_fd(&reply);
	nx_msg_release(&reply);
	*size = (uint64_t)r;
	int seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & NX_BUNDLE_SEALS) != NX_BUNDLE_SEALS || r == 0) {
		snprintf(msg, cap, "%s: payload from bundlemgrd is not a sealed memfd", s->bundle);
		if (fd >= 0)
			close(fd);
		return -NX_EPERM;
	}
	return fd;
}

long exec_spawn(struct nxd *d, struct nxd_peer *bundlemgrd, const struct exec_spawn *s,
		enum exec_spawn_step *step, char *msg, size_t cap)
{
	struct nx_elf_spawn_req sr = {0};
	struct nx_elf_spawn_result res = {0};
	struct nx_bundle_payload info;
	const char *argv0[2] = {s->name, NULL};
	char task_name[NX_TASK_NAME_MAX];
	uint64_t size = 0;
	long ret;

	*step = EXEC_STEP_BUNDLE;
	int fd = get_payload(bundlemgrd, s, &size, &info, msg, cap);
	if (fd < 0)
		return fd;
	if (info.kind != NX_BUNDLE_KIND_ELF) {
		snprintf(msg, cap, "%s: its payload is not an ELF (payloadKind %u): it cannot run",
			 s->name, info.kind);
		*step = EXEC_STEP_KIND;
		close(fd);
		return -NX_EINVAL;
	}
	void *elf = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	if (elf == MAP_FAILED) {
		snprintf(msg, cap, "%s: mapping the payload failed", s->name);
		*step = EXEC_STEP_KERNEL;
		close(fd);
		return -NX_ENOMEM;
	}
	snprintf(task_name, sizeof(task_name), "%s", s->name);
	sr.elf = elf;
	sr.len = (size_t)size;
	sr.argv = s->argc > 0 ? s->argv : argv0;
	sr.argc = s->argc > 0 ? s->argc : 1;
	sr.envp = s->envp;
	sr.envc = s->envc;
	sr.name = task_name;
	sr.caps = info.caps;
	sr.flags = s->flags;
	sr.parent = s->parent;
	/* Its read-only pages are mapped from the sealed memfd itself: shared, not copied. */
	sr.elf_memfd = fd;
	const struct nx_kcaller k = {.ctx = d, .call = kcall};
	if (nx_elf_spawn(&k, &sr, &res) == 0) {
		*step = EXEC_STEP_OK;
		ret = res.pid;
	} else {
		snprintf(msg, cap, "%s: %s", s->name, res.msg);
		switch (res.stage) {
		case NX_ELF_SPAWN_ELF:
			*step = EXEC_STEP_ELF;
			ret = -NX_EINVAL;
			break;
		case NX_ELF_SPAWN_STACK:
			*step = EXEC_STEP_STACK;
			ret = -NX_EINVAL;
			break;
		case NX_ELF_SPAWN_KERNEL:
			*step = EXEC_STEP_KERNEL;
			ret = res.err;
			break;
		default:
			*step = EXEC_STEP_KERNEL;
			ret = -NX_ENOMEM;
		}
	}
	munmap(elf, (size_t)size);
	close(fd);
	return ret;
}
