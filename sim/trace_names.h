/* Names the trace prints: frame kinds, syscalls, errors (all from include/nexus/). */
#ifndef NEXUS_SIM_TRACE_NAMES_H
#define NEXUS_SIM_TRACE_NAMES_H

#include <stdint.h>

/* The frame kind's name without its NX_ prefix ("BUNDLE_INSTALL"), or NULL. */
const char *trace_kind_name(uint32_t kind);
/* The step a call of this kind is on the timeline ("install"), or NULL. */
const char *trace_kind_step(uint32_t kind);
/* The syscall's name ("debug_write"), or NULL for a free number. */
const char *trace_sys_name(uint64_t nr);
/* The error's name ("ENOENT") for a positive Linux errno value, or NULL. */
const char *trace_err_name(int64_t err);

#endif
