#include "loader.h"

struct nxl_errinfo {
	const char *name;
	const char *msg;
};

/* Indexed by -code; the _Static_assert below keeps it in step with loader_err.h. */
static const struct nxl_errinfo nxl_errs[] = {
    [-NXL_OK] = {"NXL_OK", "ok"},
    [-NXL_E_FILE_SIZE] = {"NXL_E_FILE_SIZE", "file larger than the payload cap (50 MiB)"},
    [-NXL_E_TRUNCATED] = {"NXL_E_TRUNCATED", "file shorter than an ELF64 header"},
    [-NXL_E_MAGIC] = {"NXL_E_MAGIC", "not an ELF file (bad magic)"},
    [-NXL_E_CLASS] = {"NXL_E_CLASS", "not a 64-bit ELF (ELFCLASS64 required)"},
    [-NXL_E_ENDIAN] = {"NXL_E_ENDIAN", "not little-endian (ELFDATA2LSB required)"},
    [-NXL_E_VERSION] = {"NXL_E_VERSION",
			"unknown ELF version (EI_VERSION and e_version must be 1)"},
    [-NXL_E_MACHINE] = {"NXL_E_MACHINE", "not a RISC-V ELF (e_machine must be EM_RISCV, 243)"},
    [-NXL_E_TYPE] = {"NXL_E_TYPE",
		     "not a static executable (ET_EXEC required; PIE and objects are refused)"},
    [-NXL_E_EHSIZE] = {"NXL_E_EHSIZE", "e_ehsize is not 64"},
    [-NXL_E_PHENTSIZE] = {"NXL_E_PHENTSIZE", "e_phentsize is not 56"},
    [-NXL_E_PHNUM_ZERO] = {"NXL_E_PHNUM_ZERO", "no program headers"},
    [-NXL_E_PHNUM_MAX] = {"NXL_E_PHNUM_MAX", "more than 64 program headers"},
    [-NXL_E_PHDR_OVERLAP] = {"NXL_E_PHDR_OVERLAP", "program headers overlap the ELF header"},
    [-NXL_E_PHDR_BOUNDS] = {"NXL_E_PHDR_BOUNDS", "program headers run past the end of the file"},
    [-NXL_E_INTERP] = {"NXL_E_INTERP",
		       "PT_INTERP present: static payloads only, there is no dynamic linker"},
    [-NXL_E_DYNAMIC] = {"NXL_E_DYNAMIC",
			"PT_DYNAMIC present: static payloads only, nothing applies relocations"},
    [-NXL_E_EXEC_STACK] = {"NXL_E_EXEC_STACK", "PT_GNU_STACK asks for an executable stack"},
    [-NXL_E_LOAD_MAX] = {"NXL_E_LOAD_MAX", "more than 16 PT_LOAD segments"},
    [-NXL_E_SEG_WX] = {"NXL_E_SEG_WX", "segment is both writable and executable (W^X)"},
    [-NXL_E_SEG_EMPTY] = {"NXL_E_SEG_EMPTY", "PT_LOAD segment with p_memsz 0"},
    [-NXL_E_SEG_FILESZ] = {"NXL_E_SEG_FILESZ", "segment p_filesz larger than p_memsz"},
    [-NXL_E_SEG_FILE_RANGE] = {"NXL_E_SEG_FILE_RANGE",
			       "segment file bytes overflow or run past the end of the file"},
    [-NXL_E_SEG_NULL_PAGE] = {"NXL_E_SEG_NULL_PAGE",
			      "segment in the null region below the user base (0x10000)"},
    [-NXL_E_SEG_USER_RANGE] = {"NXL_E_SEG_USER_RANGE",
			       "segment overflows or ends above the user range"},
    [-NXL_E_SEG_ALIGN_POW2] = {"NXL_E_SEG_ALIGN_POW2", "segment p_align is not a power of two"},
    [-NXL_E_SEG_ALIGN_SMALL] = {"NXL_E_SEG_ALIGN_SMALL",
				"segment p_align is below the page size (4096)"},
    [-NXL_E_SEG_CONGRUENT] = {"NXL_E_SEG_CONGRUENT",
			      "segment p_offset and p_vaddr differ modulo p_align"},
    [-NXL_E_LOAD_ORDER] = {"NXL_E_LOAD_ORDER", "PT_LOAD segments not in ascending p_vaddr order"},
    [-NXL_E_LOAD_OVERLAP] = {"NXL_E_LOAD_OVERLAP", "PT_LOAD segments overlap in memory"},
    [-NXL_E_ENTRY] = {"NXL_E_ENTRY",
		      "entry point is not inside an executable segment's file bytes"},
    [-NXL_E_SHARED_WX] = {"NXL_E_SHARED_WX",
			  "a page shared by a writable and an executable segment would be W+X"},
    [-NXL_E_MAPPED_MAX] = {"NXL_E_MAPPED_MAX", "segments span more than 64 MiB of memory"},
    [-NXL_E_STACK_TOP] = {"NXL_E_STACK_TOP",
			  "stack top not page-aligned, or stack and guard outside the user range"},
    [-NXL_E_STACK_SIZE] = {"NXL_E_STACK_SIZE", "stack size zero or not a page multiple"},
    [-NXL_E_STACK_MAX] = {"NXL_E_STACK_MAX", "stack size over the cap (8 MiB)"},
    [-NXL_E_STACK_SMALL] = {"NXL_E_STACK_SMALL", "stack too small for its arguments"},
    [-NXL_E_ARGC] = {"NXL_E_ARGC", "more than 256 arguments"},
    [-NXL_E_ENVC] = {"NXL_E_ENVC", "more than 256 environment entries"},
    [-NXL_E_ARG_BYTES] = {"NXL_E_ARG_BYTES",
			  "argument and environment strings over 64 KiB with their NULs"},
    [-NXL_E_ARG_NULL] = {"NXL_E_ARG_NULL", "NULL string among the arguments or environment"},
};

_Static_assert(sizeof(nxl_errs) / sizeof(nxl_errs[0]) == 1 - NXL_E_LAST,
	       "every NXL_E_ code has a name and message");

static const struct nxl_errinfo nxl_unknown = {"NXL_E_UNKNOWN", "unknown loader error"};

static const struct nxl_errinfo *nxl_errinfo(int err)
{
	if (err > 0 || err < NXL_E_LAST)
		return &nxl_unknown;
	return &nxl_errs[-err];
}

const char *nxl_strerror(int err)
{
	return nxl_errinfo(err)->msg;
}

const char *nxl_errname(int err)
{
	return nxl_errinfo(err)->name;
}

/* The messages above state these limits in words; keep them true. */
_Static_assert(NX_ELF_FILE_MAX == 50ULL << 20, "NXL_E_FILE_SIZE message");
_Static_assert(NX_ELF_PHNUM_MAX == 64, "NXL_E_PHNUM_MAX message");
_Static_assert(NX_ELF_LOAD_MAX == 16, "NXL_E_LOAD_MAX message");
_Static_assert(NX_USER_BASE == 0x10000, "NXL_E_SEG_NULL_PAGE message");
_Static_assert(NX_PAGE_SIZE == 4096, "NXL_E_SEG_ALIGN_SMALL message");
_Static_assert(NX_ELF_MAPPED_MAX == 64ULL << 20, "NXL_E_MAPPED_MAX message");
_Static_assert(NX_STACK_SIZE_MAX == 8ULL << 20, "NXL_E_STACK_MAX message");
_Static_assert(NX_ARGC_MAX == 256 && NX_ENVC_MAX == 256, "NXL_E_ARGC/ENVC messages");
_Static_assert(NX_ARG_BYTES_MAX == 64U << 10, "NXL_E_ARG_BYTES message");
