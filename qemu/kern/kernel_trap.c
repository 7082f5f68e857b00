/* A trap taken in S-mode is a kernel bug: say where, and power off. */
#include "console.h"
#include "exit_codes.h"
#include "power.h"
#include "uctx.h"

void nxq_kernel_trap(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	nxq_say("nexus: kernel trap scause=0x%llx sepc=0x%llx stval=0x%llx",
		(unsigned long long)scause, (unsigned long long)sepc, (unsigned long long)stval);
	nxq_power_off(NXQ_EXIT_INTERNAL);
}
