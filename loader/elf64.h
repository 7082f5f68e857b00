/*
 * The ELF64 structures and constants nexus-loader reads, defined here
 * rather than taken from <elf.h> so the loader builds freestanding. The
 * loader never casts file bytes to these structs (the buffer need not be
 * aligned): nxl_read_ehdr/nxl_read_phdr decode them field by field.
 */
#ifndef NEXUS_LOADER_ELF64_H
#define NEXUS_LOADER_ELF64_H

#include <stdint.h>

#define ELF64_EI_NIDENT 16
#define ELF64_EI_CLASS 4
#define ELF64_EI_DATA 5
#define ELF64_EI_VERSION 6
#define ELF64_CLASS64 2
#define ELF64_DATA2LSB 1
#define ELF64_EV_CURRENT 1

#define ELF64_ET_EXEC 2
#define ELF64_EM_RISCV 243

#define ELF64_EHDR_SIZE 64 /* bytes of struct elf64_ehdr in the file */
#define ELF64_PHDR_SIZE 56 /* bytes of struct elf64_phdr in the file */

#define ELF64_PT_LOAD 1
#define ELF64_PT_DYNAMIC 2
#define ELF64_PT_INTERP 3
#define ELF64_PT_GNU_STACK 0x6474e551u

#define ELF64_PF_X 1u
#define ELF64_PF_W 2u
#define ELF64_PF_R 4u

struct elf64_ehdr {
	uint8_t ident[ELF64_EI_NIDENT];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

/* Decode little-endian file bytes; `p` must hold ELF64_EHDR_SIZE / ELF64_PHDR_SIZE bytes. */
void nxl_read_ehdr(const uint8_t *p, struct elf64_ehdr *eh);
void nxl_read_phdr(const uint8_t *p, struct elf64_phdr *ph);

#endif
