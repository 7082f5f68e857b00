/*
 * The loader tests' own fixture: linked by Debian's clang + lld with the
 * default layout (no link script), so it has what lld emits by default:
 * a read-only segment holding the ELF and program headers, then text,
 * then data + bss, each starting off a page boundary. It exits with a
 * code computed from all three so none is optimised away.
 */
#include "nexus/syscall.h"

static const char rodata[] = "nexus-loader fixture";
int data_word = 3;
int bss_words[64];

void _start(void)
{
	register long a0 __asm__("a0") = rodata[data_word] + bss_words[data_word];
	register long a7 __asm__("a7") = NX_SYS_EXIT;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7));
	for (;;)
		;
}
