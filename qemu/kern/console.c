/*
 * The UART (a 16550, polled) and the two console streams on it
 * (qemu/console_mux.h). The stream a task writes on is init's for init
 * (the system's) and the payloads' for every other task (cpu_port.h).
 */
#include <stdarg.h>
#include <stdint.h>

#include "console.h"
#include "nexus/err.h"
#include "nexus/limits.h"
#include "console_mux.h"
#include "cpu_port.h"
#include "fmt.h"
#include "layout.h"
#include "target.h"

#define UART_THR 0	     /* transmit holding register */
#define UART_FCR 2	     /* FIFO control register */
#define UART_LSR 5	     /* line status register */
#define UART_FCR_ENABLE 0x07 /* FIFOs on and cleared */
#define UART_LSR_THRE 0x20   /* the transmit FIFO is empty */
#define UART_FIFO_DEPTH 16   /* bytes the transmit FIFO holds */

enum stream { STREAM_PAYLOAD, STREAM_SYSTEM };

/* The firmware's bytes came before ours: we start in neither stream. */
static int current = -1;
/* Bytes the FIFO takes before the next wait for it to drain. */
static unsigned fifo_room;

void nxq_console_init(void)
{
	volatile uint8_t *uart = nxq_pa_to_va(NXQ_UART_PA);
	uart[UART_FCR] = UART_FCR_ENABLE;
}

/*
 * Each register access is a trip out of the translated code, so the
 * status is read once per FIFO's worth of bytes, not once per byte; a
 * byte written to a full FIFO would be lost.
 */
static void uart_putc(unsigned char c)
{
	volatile uint8_t *uart = nxq_pa_to_va(NXQ_UART_PA);

	if (fifo_room == 0) {
		while (!(uart[UART_LSR] & UART_LSR_THRE))
			;
		fifo_room = UART_FIFO_DEPTH;
	}
	uart[UART_THR] = c;
	fifo_room--;
}

static void write_stream(enum stream s, const char *buf, size_t len)
{
	if (len == 0)
		return;
	if ((int)s != current) {
		uart_putc(s == STREAM_SYSTEM ? NXQ_CON_SYS_BEGIN : NXQ_CON_SYS_END);
		current = (int)s;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (nxq_con_is_control(c))
			uart_putc(NXQ_CON_ESCAPE);
		uart_putc(c);
	}
}

static void console_system(const char *buf, size_t len)
{
	write_stream(STREAM_SYSTEM, buf, len);
}

void nxq_say(const char *fmt, ...)
{
	char line[NXQ_SAY_MAX];
	va_list ap;

	va_start(ap, fmt);
	int n = nxq_vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	console_system(line, (size_t)n);
}

/*
 * The UART takes every byte (it waits per byte): a task's write never
 * has to wait for room. The payloads' stream has a nexus-sim run's quota.
 */
int nxq_console_task(void *arg, const char *buf, size_t len)
{
	static uint64_t taken;
	int system = nxq_cpu_running_is_system();

	(void)arg;
	if (!system && len > NX_CONSOLE_QUOTA - taken)
		return -NX_ENOSPC;
	taken += system ? 0 : len;
	write_stream(system ? STREAM_SYSTEM : STREAM_PAYLOAD, buf, len);
	return 0;
}
