/*
 * nexus-loader refusals: one code per reason, so a test, a log line or
 * a crash report names exactly which check a file failed. The ELF codes
 * are listed in the order nxl_plan_elf checks them (cheap, certain
 * refusals first); docs/loader.md has the table with the why of each.
 * nxl_strerror() and nxl_errname() (loader.h) describe every code.
 */
#ifndef NEXUS_LOADER_ERR_H
#define NEXUS_LOADER_ERR_H

enum nxl_err {
	NXL_OK = 0,
	/* The ELF header. */
	NXL_E_FILE_SIZE = -1,  /* file larger than NX_ELF_FILE_MAX */
	NXL_E_TRUNCATED = -2,  /* shorter than an ELF64 header */
	NXL_E_MAGIC = -3,      /* not \x7fELF */
	NXL_E_CLASS = -4,      /* not ELFCLASS64 */
	NXL_E_ENDIAN = -5,     /* not little-endian */
	NXL_E_VERSION = -6,    /* EI_VERSION or e_version not 1 */
	NXL_E_MACHINE = -7,    /* not EM_RISCV */
	NXL_E_TYPE = -8,       /* not ET_EXEC (PIE and objects refused) */
	NXL_E_EHSIZE = -9,     /* e_ehsize not 64 */
	NXL_E_PHENTSIZE = -10, /* e_phentsize not 56 */
	NXL_E_PHNUM_ZERO = -11,
	NXL_E_PHNUM_MAX = -12,	  /* more than NX_ELF_PHNUM_MAX */
	NXL_E_PHDR_OVERLAP = -13, /* program headers overlap the ELF header */
	NXL_E_PHDR_BOUNDS = -14,  /* program headers run past the file */
	/* Each program header, in file order. */
	NXL_E_INTERP = -15,
	NXL_E_DYNAMIC = -16,
	NXL_E_EXEC_STACK = -17,	     /* PT_GNU_STACK with PF_X */
	NXL_E_LOAD_MAX = -18,	     /* more than NX_ELF_LOAD_MAX PT_LOADs */
	NXL_E_SEG_WX = -19,	     /* PT_LOAD both writable and executable */
	NXL_E_SEG_EMPTY = -20,	     /* PT_LOAD with p_memsz 0 */
	NXL_E_SEG_FILESZ = -21,	     /* p_filesz > p_memsz */
	NXL_E_SEG_FILE_RANGE = -22,  /* p_offset + p_filesz overflows or passes the file */
	NXL_E_SEG_NULL_PAGE = -23,   /* p_vaddr below NX_USER_BASE */
	NXL_E_SEG_USER_RANGE = -24,  /* p_vaddr + p_memsz overflows or passes NX_USER_TOP */
	NXL_E_SEG_ALIGN_POW2 = -25,  /* p_align not a power of two */
	NXL_E_SEG_ALIGN_SMALL = -26, /* p_align below NX_PAGE_SIZE */
	NXL_E_SEG_CONGRUENT = -27,   /* p_offset != p_vaddr modulo p_align */
	NXL_E_LOAD_ORDER = -28,	     /* PT_LOADs not ascending by p_vaddr */
	NXL_E_LOAD_OVERLAP = -29,    /* PT_LOADs overlap in memory */
	/* The whole image. */
	NXL_E_ENTRY = -30,	/* entry not in an executable segment's file bytes */
	NXL_E_SHARED_WX = -31,	/* a page shared by two segments would be W+X */
	NXL_E_MAPPED_MAX = -32, /* mapped bytes over NX_ELF_MAPPED_MAX */
	/* The stack builder. */
	NXL_E_STACK_TOP = -33,	 /* top not page-aligned, or stack + guard outside the user range */
	NXL_E_STACK_SIZE = -34,	 /* size zero or not a page multiple */
	NXL_E_STACK_MAX = -35,	 /* size over NX_STACK_SIZE_MAX */
	NXL_E_STACK_SMALL = -36, /* the argument image does not fit */
	NXL_E_ARGC = -37,	 /* more than NX_ARGC_MAX arguments */
	NXL_E_ENVC = -38,	 /* more than NX_ENVC_MAX environment entries */
	NXL_E_ARG_BYTES = -39,	 /* strings over NX_ARG_BYTES_MAX */
	NXL_E_ARG_NULL = -40,	 /* a NULL string pointer among argv[0..argc) or envp[0..envc) */
};

/* Codes run from NXL_OK down to NXL_E_LAST without gaps. */
#define NXL_E_LAST NXL_E_ARG_NULL
/* The last code nxl_plan_elf can return; the rest belong to nxl_stack_build. */
#define NXL_E_LAST_ELF NXL_E_MAPPED_MAX

#endif
