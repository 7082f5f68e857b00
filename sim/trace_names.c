/* The name tables of trace_names.h. */
#include <stddef.h>

#include "nexus/err.h"
#include "nexus/svc.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"
#include "nexus/svc_key.h"
#include "nexus/svc_update.h"
#include "nexus/svc_vfs.h"
#include "nexus/syscall.h"
#include "trace_names.h"

#define KIND(k, step)                                                                              \
	{                                                                                          \
		NX_##k, #k, step                                                                   \
	}

static const struct {
	uint32_t kind;
	const char *name;
	const char *step;
} kinds[] = {
    KIND(FRAME_REPLY, NULL),
    KIND(FRAME_KCALL, NULL),
    KIND(SVC_READY, NULL),
    KIND(SVC_STOP, NULL),
    KIND(SVC_ATTACH, NULL),
    KIND(SAMGR_REGISTER, NULL),
    KIND(SAMGR_CONNECT, NULL),
    KIND(SAMGR_ACCEPT, NULL),
    KIND(LOG_RECORD, NULL),
    KIND(CTL_CONFIG, NULL),
    KIND(CTL_BOOT, NULL),
    KIND(CTL_READY, NULL),
    KIND(CTL_RUN, NULL),
    KIND(CTL_RESULT, NULL),
    KIND(CTL_SHUTDOWN, NULL),
    KIND(CTL_DOWN, NULL),
    KIND(CTL_UPDATE, NULL),
    KIND(CTL_UPDATED, NULL),
    KIND(CTL_REBOOT, NULL),
    KIND(KEY_VERIFY, "verify"),
    KIND(KEY_LIST, NULL),
    KIND(BUNDLE_INSTALL, "install"),
    KIND(BUNDLE_UNINSTALL, NULL),
    KIND(BUNDLE_LIST, NULL),
    KIND(BUNDLE_GET_PAYLOAD, NULL),
    KIND(PKGFS_OPEN, NULL),
    KIND(PKGFS_READ, NULL),
    KIND(PKGFS_STAT, NULL),
    KIND(PKGFS_RESOLVE, NULL),
    KIND(VFS_OPEN, NULL),
    KIND(VFS_READ, NULL),
    KIND(VFS_STAT, NULL),
    KIND(EXEC_RUN, "exec"),
    KIND(EXEC_EXITED, NULL),
    KIND(UPDATE_STAGE, "stage"),
    KIND(UPDATE_SWITCH, "switch"),
    KIND(UPDATE_HEALTH_OK, NULL),
    KIND(UPDATE_ROLLBACK, "rollback"),
    KIND(UPDATE_STATUS, NULL),
};

const char *trace_kind_name(uint32_t kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return NULL;
}

const char *trace_kind_step(uint32_t kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].step;
	return NULL;
}

/* Every number docs/abi.md names, reserved ones included. */
static const char *const sys_names[NX_SYS_MAX] = {
    [NX_SYS_YIELD] = "yield",
    [NX_SYS_VMO_CREATE] = "vmo_create",
    [NX_SYS_VMO_WRITE] = "vmo_write",
    [NX_SYS_SPAWN] = "spawn",
    [NX_SYS_CAP_TRANSFER] = "cap_transfer",
    [NX_SYS_AS_CREATE] = "as_create",
    [NX_SYS_AS_MAP] = "as_map",
    [NX_SYS_EXIT] = "exit",
    [NX_SYS_WAIT] = "wait",
    [NX_SYS_IPC_SEND] = "ipc_send",
    [NX_SYS_DEBUG_PUTC] = "debug_putc",
    [NX_SYS_IPC_RECV] = "ipc_recv",
    [NX_SYS_HANDLE_CLOSE] = "handle_close",
    [NX_SYS_TASK_CRASH] = "task_crash",
    [NX_SYS_GETPID] = "getpid",
    [NX_SYS_SPAWN_ATTRS] = "spawn_attrs",
    [NX_SYS_CHANNEL_CREATE] = "channel_create",
    [NX_SYS_CLOCK] = "clock",
    [NX_SYS_UCOPY] = "ucopy",
    [NX_SYS_VMO_EXPORT] = "vmo_export",
    [NX_SYS_VMO_IMPORT] = "vmo_import",
    [NX_SYS_KCONNECT] = "kconnect",
    [NX_SYS_TASK_KILL] = "task_kill",
    [NX_SYS_DEBUG_WRITE] = "debug_write",
    [NX_SYS_WAIT_NOHANG] = "wait_nohang",
};

const char *trace_sys_name(uint64_t nr)
{
	return nr < NX_SYS_MAX ? sys_names[nr] : NULL;
}

/* nexus/err.h's values. */
const char *trace_err_name(int64_t err)
{
	switch (err) {
	case NX_EPERM:
		return "EPERM";
	case NX_ENOENT:
		return "ENOENT";
	case NX_ESRCH:
		return "ESRCH";
	case NX_E2BIG:
		return "E2BIG";
	case NX_ENOEXEC:
		return "ENOEXEC";
	case NX_EBADF:
		return "EBADF";
	case NX_ECHILD:
		return "ECHILD";
	case NX_EAGAIN:
		return "EAGAIN";
	case NX_ENOMEM:
		return "ENOMEM";
	case NX_EACCES:
		return "EACCES";
	case NX_EFAULT:
		return "EFAULT";
	case NX_EBUSY:
		return "EBUSY";
	case NX_EEXIST:
		return "EEXIST";
	case NX_EINVAL:
		return "EINVAL";
	case NX_ENOSPC:
		return "ENOSPC";
	case NX_EPIPE:
		return "EPIPE";
	case NX_ERANGE:
		return "ERANGE";
	case NX_ENAMETOOLONG:
		return "ENAMETOOLONG";
	case NX_ENOSYS:
		return "ENOSYS";
	case NX_EMSGSIZE:
		return "EMSGSIZE";
	case NX_ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return NULL;
	}
}
