/*
 * The Unicorn CPU backend (implements kernel/cpu.h). Its limits and
 * fixed addresses; everything else is in kernel/cpu.h.
 */
#ifndef NEXUS_SIM_CPU_UNICORN_H
#define NEXUS_SIM_CPU_UNICORN_H

#include "cpu.h"
#include "nexus/limits.h"

/*
 * The M-mode page holding the mret that drops each task into U-mode. It
 * sits at NX_USER_TOP, outside the user range, so no as_map can cover it.
 */
#define NXK_CPU_TRAMPOLINE_VA NX_USER_TOP

/*
 * Bytes of translated-code cache per engine (Unicorn's default reserves
 * 1 GiB per engine); one engine per task, NX_TASKS_MAX of them must fit.
 * Payloads here translate well under 1 MiB of code.
 */
#define NXK_CPU_TCG_BUFFER (16U << 20)

/*
 * Instructions scanned forward from the start of a translated block to
 * find the load or store that faulted (Unicorn reports the block start).
 * QEMU ends a block after at most 512 instructions.
 */
#define NXK_CPU_FAULT_SCAN_MAX 512

#endif
