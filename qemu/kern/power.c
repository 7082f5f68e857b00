/*
 * sifive_test (QEMU virt): writing PASS makes QEMU exit 0, FAIL | code << 16
 * makes it exit with code. The kernel's last line names the code first, so
 * nexus-qemu can tell a power-off from QEMU dying.
 */
#include <stdint.h>

#include "console.h"
#include "console_mux.h"
#include "layout.h"
#include "power.h"
#include "target.h"

#define TEST_PASS 0x5555u
#define TEST_FAIL 0x3333u
#define TEST_CODE_SHIFT 16
#define POWER_CODE_MAX 255 /* a process exit status */

void nxq_power_off(int code)
{
	volatile uint32_t *test = nxq_pa_to_va(NXQ_TEST_PA);

	if (code < 0 || code > POWER_CODE_MAX)
		code = POWER_CODE_MAX;
	nxq_say(NXQ_LINE_POWER_OFF "%d", code);
	*test = code == 0 ? TEST_PASS : TEST_FAIL | (uint32_t)code << TEST_CODE_SHIFT;
	for (;;)
		__asm__ volatile("wfi");
}
