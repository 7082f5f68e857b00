/*
 * Handle rights. Every handle in a caller's table carries a rights mask;
 * a call checks the right it needs and fails with -NX_EACCES without it.
 */
#ifndef NEXUS_RIGHTS_H
#define NEXUS_RIGHTS_H

#define NX_RIGHT_READ (1u << 0)	    /* vmo: read / export for reading; channel: ipc_recv */
#define NX_RIGHT_WRITE (1u << 1)    /* vmo: vmo_write, export writable; channel: ipc_send */
#define NX_RIGHT_MAP (1u << 2)	    /* vmo: as_map it */
#define NX_RIGHT_EXEC (1u << 3)	    /* vmo: as_map it executable */
#define NX_RIGHT_TRANSFER (1u << 4) /* may be passed to another holder */
#define NX_RIGHT_MANAGE (1u << 5)   /* as: as_map into it, spawn from it */

#define NX_RIGHTS_VMO_NEW                                                                          \
	(NX_RIGHT_READ | NX_RIGHT_WRITE | NX_RIGHT_MAP | NX_RIGHT_EXEC | NX_RIGHT_TRANSFER)
#define NX_RIGHTS_AS_NEW (NX_RIGHT_MANAGE | NX_RIGHT_TRANSFER)
#define NX_RIGHTS_CHAN_NEW (NX_RIGHT_READ | NX_RIGHT_WRITE | NX_RIGHT_TRANSFER)

/* as_map protection bits (upstream values). */
#define NX_PROT_READ 1
#define NX_PROT_WRITE 2
#define NX_PROT_EXEC 4

#endif
