/*
 * The console: the UART, with the system's and the payloads' bytes kept
 * apart on it (qemu/console_mux.h).
 */
#ifndef NEXUS_QEMU_KERN_CONSOLE_H
#define NEXUS_QEMU_KERN_CONSOLE_H

#include <stddef.h>

#define NXQ_SAY_MAX 512 /* bytes of one kernel console line */

/* The UART's FIFOs on: once, before the first byte. */
void nxq_console_init(void);
/* One system line: the formatted text and a newline, cut at NXQ_SAY_MAX. */
__attribute__((format(printf, 1, 2))) void nxq_say(const char *fmt, ...);
/* kernel.h nxk_opts.console: a task's debug output, on the stream of the task writing it. */
int nxq_console_task(void *arg, const char *buf, size_t len);

#endif
