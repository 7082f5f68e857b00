/* The bundle search path and the default trust directory (bundle_path.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle_path.h"

#ifndef NX_DEFAULT_TRUST_DIR
#error "NX_DEFAULT_TRUST_DIR must be baked in by the build (host/build.mk)"
#endif
#ifndef NX_DEFAULT_BUNDLE_DIR
#error "NX_DEFAULT_BUNDLE_DIR must be baked in by the build (host/build.mk)"
#endif
#ifndef NX_DEFAULT_SYSTEM_DIR
#error "NX_DEFAULT_SYSTEM_DIR must be baked in by the build (host/build.mk)"
#endif

const char *bundle_default_trust(void)
{
	return NX_DEFAULT_TRUST_DIR;
}

const char *bundle_default_registry(void)
{
	return NX_DEFAULT_BUNDLE_DIR "/programs.toml";
}

const char *bundle_system_dir(void)
{
	return NX_DEFAULT_SYSTEM_DIR;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int bundle_find(const char *arg, char *out, size_t cap)
{
	const char *path = getenv("NEXUS_BUNDLE_PATH");

	if (strchr(arg, '/') != NULL || exists(arg))
		return (size_t)snprintf(out, cap, "%s", arg) < cap ? 0 : -1;
	while (path != NULL && *path != 0) {
		const char *colon = strchr(path, ':');
		size_t n = colon != NULL ? (size_t)(colon - path) : strlen(path);

		if (n > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)n, path, arg) < cap &&
		    exists(out))
			return 0;
		path = colon != NULL ? colon + 1 : NULL;
	}
	if ((size_t)snprintf(out, cap, "%s/%s", NX_DEFAULT_BUNDLE_DIR, arg) < cap && exists(out))
		return 0;
	return -1;
}

void bundle_say_not_found(const char *prog, const char *arg)
{
	const char *path = getenv("NEXUS_BUNDLE_PATH");

	if (strchr(arg, '/') != NULL) {
		fprintf(stderr, "%s: bundle %s not found\n", prog, arg);
		return;
	}
	fprintf(stderr,
		"%s: bundle %s not found (looked in the current directory, "
		"$NEXUS_BUNDLE_PATH%s%s%s and %s)\n",
		prog, arg, path != NULL ? " = '" : " (unset)", path != NULL ? path : "",
		path != NULL ? "'" : "", NX_DEFAULT_BUNDLE_DIR);
}
