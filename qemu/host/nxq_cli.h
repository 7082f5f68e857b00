/*
 * nexus-qemu: the QEMU target's host tool. `run` builds a boot image
 * holding one payload, boots it under qemu-system-riscv64 and exits with
 * the payload's code; `image` only writes the image. Each subcommand is
 * in its own cmd_*.c and returns the process exit status
 * (qemu/exit_codes.h).
 */
#ifndef NEXUS_QEMU_HOST_CLI_H
#define NEXUS_QEMU_HOST_CLI_H

#include "exit_codes.h"

#define NXQ_PROG "nexus-qemu"
#define NXQ_VERSION "0.1.0" /* nexus-qemu --version */

int nxq_cmd_run(int argc, char **argv);
int nxq_cmd_image(int argc, char **argv);

#endif
