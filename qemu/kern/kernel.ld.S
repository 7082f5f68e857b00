/*
 * The kernel image (preprocessed, so the addresses come from target.h and
 * layout.h): linked in the upper half at the direct-map address of its
 * physical load address, loaded at that physical address (AT), and
 * entered there by OpenSBI: the ELF entry is _start's physical address.
 */
#include "target.h"
#include "layout.h"

OUTPUT_ARCH(riscv)
ENTRY(_start_pa)

SECTIONS
{
	. = NXQ_DIRECT_BASE + NXQ_KERNEL_PA;
	__kernel_start = .;
	.text : AT(ADDR(.text) - NXQ_DIRECT_BASE) {
		*(.text.boot)
		*(.text .text.*)
	}
	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - NXQ_DIRECT_BASE) {
		*(.rodata .rodata.*)
		*(.srodata .srodata.*)
	}
	. = ALIGN(4096);
	.data : AT(ADDR(.data) - NXQ_DIRECT_BASE) {
		*(.data.boot_pt)
		*(.data .data.*)
		*(.sdata .sdata.*)
	}
	.bss (NOLOAD) : AT(ADDR(.bss) - NXQ_DIRECT_BASE) {
		__bss_start = .;
		*(.sbss .sbss.*)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(8);
		__bss_end = .;
	}
	. = ALIGN(4096);
	__kernel_end = .;
	ASSERT(__kernel_end - __kernel_start <= NXQ_KERNEL_SIZE_MAX, "kernel image too big")

	/DISCARD/ : {
		*(.eh_frame .eh_frame_hdr)
		*(.comment .note .note.*)
	}
}

_start_pa = _start - NXQ_DIRECT_BASE;
