/* SBI calls into OpenSBI (M-mode): extension in a7, function in a6. */
#include "sbi.h"

#define SBI_EXT_TIME 0x54494d45 /* "TIME" */
#define SBI_TIME_SET_TIMER 0

void nxq_sbi_set_timer(uint64_t when)
{
	register uint64_t a0 __asm__("a0") = when;
	register uint64_t a1 __asm__("a1");
	register uint64_t a6 __asm__("a6") = SBI_TIME_SET_TIMER;
	register uint64_t a7 __asm__("a7") = SBI_EXT_TIME;
	/* set_timer cannot fail; a0/a1 come back as error and value. */
	__asm__ volatile("ecall" : "+r"(a0), "=r"(a1) : "r"(a6), "r"(a7) : "memory");
}
