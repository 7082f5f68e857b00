/*
 * Request ids: the process id and a per-process counter. Unique on this
 * host for the life of a run without a random source, so two runs of the
 * same scenario send the same frames (ids never reach a marker either).
 */
#include <string.h>
#include <unistd.h>

#include "wire.h"

void nx_id_new(uint8_t id[16])
{
	static uint64_t counter;
	uint64_t pid = (uint64_t)getpid();

	counter++;
	memcpy(id, &pid, 8);
	memcpy(id + 8, &counter, 8);
}

int nx_id_eq(const uint8_t a[16], const uint8_t b[16])
{
	return memcmp(a, b, 16) == 0;
}
