/*
 * Every limit of nexus-sim in one place, one per line: value, unit, why.
 * Tests probe each at the limit and one past it. A value here is part of
 * the ABI: payloads, the kernel and the daemons all see the same one.
 */
#ifndef NEXUS_LIMITS_H
#define NEXUS_LIMITS_H

/* Address space. */
#define NX_PAGE_SIZE 4096ULL	    /* bytes; RISC-V base page */
#define NX_USER_BASE 0x10000ULL	    /* lowest user address: the null region below is never mapped */
#define NX_USER_TOP 0x4000000000ULL /* one past the highest user address (Sv39 lower half) */
#define NX_STACK_TOP                                                                               \
	0x3fffff0000ULL /* stack grows down from here; one page below NX_USER_TOP kept free */
#define NX_STACK_SIZE_DEFAULT                                                                      \
	(256ULL << 10)			 /* bytes of stack a task gets unless its manifest asks */
#define NX_STACK_SIZE_MAX (8ULL << 20)	 /* bytes; a bigger stack is refused */
#define NX_STACK_GUARD_SIZE NX_PAGE_SIZE /* bytes reserved unmapped below every stack */
#define NX_AS_MAPPINGS_MAX 64		 /* mappings (incl. guards) per address space */

/* Program arguments, as built by the stack builder. */
#define NX_ARGC_MAX 256		     /* argv entries */
#define NX_ENVC_MAX 256		     /* envp entries */
#define NX_ARG_BYTES_MAX (64U << 10) /* bytes of argv+env strings with their NULs */
#define NX_RUN_ARG_BYTES_MAX                                                                       \
	(NX_ARG_BYTES_MAX - 2 * NX_PATH_MAX) /* bytes of a run's arguments and environment with    \
						their NULs: room for argv[0] and the target in     \
						the one request frame that carries them */

/* ELF payloads (nexus-loader). */
#define NX_ELF_FILE_MAX (50ULL << 20)	/* bytes; the .nxb payload cap too */
#define NX_ELF_PHNUM_MAX 64		/* program headers */
#define NX_ELF_LOAD_MAX 16		/* PT_LOAD segments */
#define NX_ELF_MAPPED_MAX (64ULL << 20) /* bytes of memory all PT_LOADs span, page-rounded */

/* Kernel objects. */
#define NX_VMO_SIZE_MAX (64ULL << 20) /* bytes per VMO */
#define NX_HANDLES_MAX 256	      /* handles per caller (task or daemon) */
#define NX_TASKS_MAX 64		      /* live tasks in one kernel */
#define NX_TASK_NAME_MAX 32	      /* bytes including the NUL */
#define NX_DEBUG_WRITE_MAX 4096	      /* bytes per debug_write call */
#define NX_SCHED_QUANTUM_BLOCKS                                                                    \
	20000 /* translated blocks a task runs before the scheduler switches */

/* A run's guest resources (nexus-sim run --mem-limit; docs/security.md). */
#define NX_MEM_LIMIT_DEFAULT (1ULL << 30) /* bytes all VMOs of a run may hold: 1 GiB */
#define NX_CONSOLE_QUOTA (16ULL << 20)	  /* bytes a run's tasks may write to the console */
#define NX_TIMEOUT_GRACE_MS 2000	  /* ms after a --timeout before the session is ended */
/* Bundle directories one session hands to init (nexus-sim test BUNDLE...; bundlemgrd fds 7..). */
#define NX_RUN_BUNDLES_MAX 64

/*
 * init's program registry (formats/programs.h; docs/formats.md): the
 * [[program]] tables of one TOML file, each a name nexus-sim run takes.
 */
#define NX_PROGRAMS_MAX 32		/* [[program]] tables in one registry */
#define NX_PROGRAM_NAME_MAX 32		/* bytes of a program's name including the NUL */
#define NX_PROGRAM_DESC_MAX 128		/* bytes of its description including the NUL */
#define NX_PROGRAM_ARGS_MAX 16		/* its args entries */
#define NX_PROGRAM_ARG_MAX 256		/* bytes of one of its args including the NUL */
#define NX_PROGRAM_PATH_MAX NX_PATH_MAX /* bytes of its path including the NUL */

/* IPC. */
#define NX_FRAME_BODY_MAX                                                                          \
	(64U << 10)	   /* bytes after the 32-byte header; bigger travels as a VMO              \
			    */
#define NX_FRAME_FDS_MAX 1 /* fds per frame (SCM_RIGHTS) */
#define NX_SVC_NAME_MAX 32 /* bytes of a service name including the NUL */
#define NX_PATH_MAX 256	   /* bytes of a vfs path including the NUL */

/* Channels (nexus/ipc.h; docs/abi.md). */
#define NX_CHAN_MSGS_MAX 32	   /* messages queued toward one endpoint: a full queue blocks */
#define NX_CHAN_MSG_BYTES_MAX 4096 /* bytes of data per message; bigger travels as a VMO */
#define NX_CHAN_HANDLES_MAX 8	   /* handles per message */

/* nx_spawn_path (nexus/svc_exec.h; docs/payloads.md): SlopOS's limits. */
#define NX_SPAWN_PATH_MAX 256	 /* bytes of a program path, without its NUL (at least 1) */
#define NX_SPAWN_ARGS_MAX 32	 /* argv strings; more: -NX_E2BIG */
#define NX_SPAWN_ENVS_MAX 32	 /* env strings; more: -NX_E2BIG */
#define NX_SPAWN_STR_MAX 4096	 /* bytes of one argv or env string, without its NUL */
#define NX_SPAWN_PENDING_MAX 64	 /* seed requests the kernel process has in flight at once */
#define NX_UCOPY_MAX (64U << 10) /* bytes one ucopy call copies */

/*
 * Deadlines: no process waits on a peer without one (docs/daemons.md).
 * A call that misses its deadline fails with -NX_ETIMEDOUT and the
 * caller's connection to that peer is dropped (the next call makes a
 * fresh one). Nested calls get shorter deadlines than the calls that
 * wait on them, so the message names the daemon that did not answer.
 */
#define NX_DEADLINE_REGISTRY_MS 2000 /* ms: samgrd REGISTER / CONNECT */
#define NX_DEADLINE_SERVICE_MS 3000  /* ms: keystored, vfsd, packagefsd, logd requests */
#define NX_DEADLINE_BUNDLE_MS 10000  /* ms: bundlemgrd install / payload (hashes up to 50 MiB) */
#define NX_DEADLINE_EXEC_MS 15000    /* ms: execd until the payload is spawned */
#define NX_DEADLINE_STAGE_MS 60000   /* ms: updated staging a set (verifies and writes 100 MiB) */
#define NX_DEADLINE_HEALTH_MS 5000   /* ms: a set's health check, from its run to its exit 0 */
#define NX_DEADLINE_KERNEL_MS                                                                      \
	10000 /* ms: a kernel call (the kernel process serves every slice)                         \
	       */
#define NX_DEADLINE_BOOT_MS                                                                        \
	10000			/* ms: logd's REGISTER, answered once samgrd (started next) runs */
#define NX_RECONNECT_POLL_MS 50 /* ms between CONNECTs to a service that is restarting */

/* A/B updates (docs/updates.md). */
#define NX_REBOOTS_MAX 16 /* soft reboots one session follows: above any tries + rollback */

/* Formats. */
#define NX_MANIFEST_MAX (256U << 10)	  /* bytes of manifest.nxb */
#define NX_PAYLOAD_MAX NX_ELF_FILE_MAX	  /* bytes of payload.elf */
#define NX_NXS_ARCHIVE_MAX (100ULL << 20) /* bytes of a .nxs */
#define NX_NXS_INDEX_MAX (1U << 20)	  /* bytes of system.nxsindex */
#define NX_NXS_BUNDLES_MAX 256		  /* bundles in one .nxs */

/*
 * Limits named where they live (the module that enforces them), listed
 * here so this file is the index of every limit. Each is tested at the
 * limit and one past it.
 *   nexus/svc.h        NX_ERRMSG_MAX, NX_LOG_RECORD_MAX, NX_LOG_FIELDS_MAX, NX_LOG_KEY_MAX,
 *                      NX_WRAP_WORDS_MAX, NX_WRAP_CMD_MAX, NX_WRAP_PATH_MAX (--wrap)
 *   nexus/svc_key.h    NX_KEY_FILE_MAX, NX_KEY_TRUSTED_MAX, NX_KEY_MSG_MAX, NX_KEY_INLINE_MAX
 *   nexus/svc_bundle.h NX_BUNDLE_INSTALLED_MAX
 *   nexus/svc_vfs.h    NX_VFS_READ_MAX, NX_VFS_FILE_MAX
 *   nexus/frame.h      NX_KCALL_DATA_MAX
 *   formats/manifest.h NX_BUNDLE_NAME_MAX, NX_MANIFEST_TEXT_MAX, NX_MANIFEST_LIST_MAX,
 *                      NX_MANIFEST_PATH_MAX
 *   formats/capnp.h    NX_CAPNP_DEPTH_MAX, NX_CAPNP_TRAVERSE_MAX, NX_CAPNP_MSG_MAX
 *   formats/sig.h      NX_SIG_COMMENT_MAX, NX_SIG_KEYFILE_MAX, NX_SIG_TRUST_MAX
 *   formats/semver.h   NX_SEMVER_MAX       formats/toml.h NX_TOML_SRC_MAX, NX_TOML_NODES_MAX
 *   formats/bootctrl.h NX_BOOTCTRL_TRIES_MAX, NX_BOOTCTRL_PRIORITY_MAX
 *   loader/loader.h    NXL_MAP_MAX, NXL_COPY_MAX (derived from NX_ELF_LOAD_MAX)
 *   sim/ksim.h         KSIM_CLIENTS_MAX, KSIM_WATCH_MAX
 *   sim/cpu_unicorn.h  NXK_CPU_TCG_BUFFER, NXK_CPU_RDTIME_STEP, NXK_CPU_TLB_GROW_FILLS,
 *                      NXK_CPU_BREAKS_MAX
 *   kernel/debug.h     NXK_DBG_BREAKS_MAX
 *   sim/opts.h         SIM_ENV_MAX, SIM_PORT_MAX, SIM_WITH_MAX   sim/wrap.h SIM_WRAP_MAX
 *   sim/status_launches.h  STATUS_PROGRAMS_MAX
 *   sim/gdb_pkt.h      GDB_PKT_MAX
 *   daemons/lib/include/nxd_loop.h  NXD_LOOP_CONNS_MAX, NXD_CALLS_MAX
 *   daemons/init/      INIT_STOP_GRACE_MS, INIT_RESTART_GAP_MS, INIT_DEATHS_MAX
 *   daemons/samgrd/    REGISTRY_MAX        daemons/logd/ JOURNAL_LINE_MAX
 */

#endif
