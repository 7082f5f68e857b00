/* Power off through the virt machine's sifive_test device: QEMU exits with the code. */
#ifndef NEXUS_QEMU_KERN_POWER_H
#define NEXUS_QEMU_KERN_POWER_H

/* 0: QEMU exits 0; 1..255: QEMU exits with it. Says NXQ_LINE_POWER_OFF first. */
__attribute__((noreturn)) void nxq_power_off(int code);

#endif
