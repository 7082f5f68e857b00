/*
 * What the QEMU target's CPU port (cpu_sv39.c, kernel/cpu.h) offers the
 * rest of the platform besides kernel/cpu.h: which stream the running
 * task writes on, trap setup, and the timer scale.
 *
 * The budget: kernel/cpu.h counts it in translated blocks, which real
 * hardware does not have. Here it becomes a timer interval of
 * budget / NXQ_BLOCKS_PER_TICK ticks of the time CSR (10 MHz on virt), at
 * least one: the scheduler's 20000-block quantum is 2000 ticks, 200 us.
 * Under nexus-qemu --icount (-icount shift=0,sleep=off: one instruction
 * per ns, time never runs on its own) a tick is 100 instructions, so a
 * quantum is 200000 instructions, ending at the same instruction on
 * every run.
 */
#ifndef NEXUS_QEMU_KERN_CPU_PORT_H
#define NEXUS_QEMU_KERN_CPU_PORT_H

#include "cpu.h"

#define NXQ_BLOCKS_PER_TICK 10

/* stvec, the timer interrupt enable, scounteren: once, before any task runs. */
void nxq_cpu_trap_init(void);
/* Whether the engines nxk_cpu_create makes from now write on the system stream (init's). */
void nxq_cpu_next_system(int on);
/* Whether the task running now writes on the system stream; 1 with no task. */
int nxq_cpu_running_is_system(void);

#endif
