/* The directory of the running executable: daemons live beside nexus-sim. */
#include <string.h>
#include <unistd.h>

#include "nxhost.h"

int nx_exe_dir(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= cap - 1)
		return -1;
	out[n] = 0;
	slash = strrchr(out, '/');
	if (slash == NULL)
		return -1;
	*slash = 0;
	return 0;
}
