/*
 * NEXUS_FAULT: the fault-injection switch init passes to one daemon
 * (docs/security.md): seccomp:<daemon> makes it break its allowlist
 * once, hang:<daemon> makes it stop answering, escape:<daemon> (or init,
 * or nexus-sim itself) makes it try to open files outside its sandbox;
 * updated's stop:<point> and ioerr:bootctrl (docs/updates.md) make it
 * stop at a named step or fail every BootCtrl write. pause:test is
 * nexus-sim's own (never passed to init): a test session stops between
 * two bundles until a byte arrives on stdin (cli.h). Checked here so a
 * typo is a usage error rather than a boot failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nexus/svc.h"
#include "nexus/svc_update.h"

int cli_check_fault(void)
{
	static const char *const kinds[] = {"seccomp:", "hang:", "escape:"};
	static const char *const points[] = {NX_UPDATE_FAULT_POINTS};
	const char *f = getenv("NEXUS_FAULT");

	if (f == NULL || strcmp(f, "ioerr:bootctrl") == 0 || cli_fault_pause())
		return 0;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		if (strncmp(f, "stop:", 5) == 0 && strcmp(f + 5, points[i]) == 0)
			return 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i]);

		if (strncmp(f, kinds[i], n) == 0 && nx_svc_name_ok(f + n, strlen(f + n)))
			return 0;
	}
	fprintf(stderr,
		"nexus-sim: NEXUS_FAULT=%s: expected seccomp:<daemon>, hang:<daemon>, "
		"escape:<daemon|init|nexus-sim>, stop:<update step>, ioerr:bootctrl or "
		"pause:test\n",
		f);
	return NX_EXIT_USAGE;
}

int cli_fault_pause(void)
{
	const char *f = getenv("NEXUS_FAULT");

	return f != NULL && strcmp(f, CLI_FAULT_PAUSE) == 0;
}
