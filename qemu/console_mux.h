/*
 * The target's one UART carries two streams: the system's (kernel and
 * init: markers, reports) and the payloads' (what every other task
 * writes with debug_write/debug_putc, byte for byte). Payload bytes go
 * out as they are; system bytes go between NXQ_CON_SYS_BEGIN and
 * NXQ_CON_SYS_END; inside either stream a byte equal to one of the three
 * control bytes is sent as NXQ_CON_ESCAPE followed by that byte.
 * nexus-qemu splits the streams again: payload bytes to stdout, the
 * system's to stderr with -v. Bytes before the first NXQ_CON_SYS_BEGIN
 * are the firmware's (OpenSBI's banner). The three are C0 controls a
 * terminal ignores, so a bare `qemu-system-riscv64 -nographic` console
 * still reads as text.
 */
#ifndef NEXUS_QEMU_CONSOLE_MUX_H
#define NEXUS_QEMU_CONSOLE_MUX_H

#define NXQ_CON_SYS_BEGIN 0x02 /* STX: system bytes follow */
#define NXQ_CON_SYS_END 0x03   /* ETX: payload bytes follow */
#define NXQ_CON_ESCAPE 0x10    /* DLE: the next byte is data */

static inline int nxq_con_is_control(unsigned char c)
{
	return c == NXQ_CON_SYS_BEGIN || c == NXQ_CON_SYS_END || c == NXQ_CON_ESCAPE;
}

/*
 * System lines nexus-qemu reads besides showing them. The kernel's last
 * line before it powers off, with init's exit code:
 */
#define NXQ_LINE_POWER_OFF "nexus: power off code="
/* init's record of a payload that crashed or exited non-zero (logd's format in the sim). */
#define NXQ_LINE_CRASH_RECORD "execd: error crash report "
/* init refused a payload (the loader or the kernel said no): "<prefix><name>: <why>". */
#define NXQ_LINE_REFUSED "execd: refused "

#endif
