#include "bytes.h"
#include "elf64.h"

void nxl_read_ehdr(const uint8_t *p, struct elf64_ehdr *eh)
{
	nxl_bytes_copy(eh->ident, p, ELF64_EI_NIDENT);
	eh->type = nxl_le16(p + 16);
	eh->machine = nxl_le16(p + 18);
	eh->version = nxl_le32(p + 20);
	eh->entry = nxl_le64(p + 24);
	eh->phoff = nxl_le64(p + 32);
	eh->shoff = nxl_le64(p + 40);
	eh->flags = nxl_le32(p + 48);
	eh->ehsize = nxl_le16(p + 52);
	eh->phentsize = nxl_le16(p + 54);
	eh->phnum = nxl_le16(p + 56);
	eh->shentsize = nxl_le16(p + 58);
	eh->shnum = nxl_le16(p + 60);
	eh->shstrndx = nxl_le16(p + 62);
}

void nxl_read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->type = nxl_le32(p);
	ph->flags = nxl_le32(p + 4);
	ph->offset = nxl_le64(p + 8);
	ph->vaddr = nxl_le64(p + 16);
	ph->paddr = nxl_le64(p + 24);
	ph->filesz = nxl_le64(p + 32);
	ph->memsz = nxl_le64(p + 40);
	ph->align = nxl_le64(p + 48);
}
