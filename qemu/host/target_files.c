/* Where the kernel image and init are (target_files.h). */
#include <stdlib.h>

#include "target_files.h"

#ifndef NXQ_KERNEL_PATH
#error "NXQ_KERNEL_PATH must be baked in by the build (qemu/build.mk)"
#endif
#ifndef NXQ_INIT_PATH
#error "NXQ_INIT_PATH must be baked in by the build (qemu/build.mk)"
#endif

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != 0 ? v : def;
}

const char *nxq_kernel_path(void)
{
	return env_or("NEXUS_QEMU_KERNEL", NXQ_KERNEL_PATH);
}

const char *nxq_init_path(void)
{
	return env_or("NEXUS_QEMU_INIT", NXQ_INIT_PATH);
}
