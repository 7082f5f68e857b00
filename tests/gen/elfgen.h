/*
 * elfgen: makes malformed (and at-the-limit) ELF files from a good one,
 * one mutation per nexus-loader refusal. A host test tool: the unit tests
 * link it in-process, `elfgen MUTATION IN.elf OUT.elf` writes a file (used
 * by the end-to-end tests and to put a malformed ELF in a signed bundle).
 * Each mutation changes one thing; mutations named "ok-*" put a field
 * exactly at a loader limit and must still be accepted.
 */
#ifndef NEXUS_TESTS_ELFGEN_H
#define NEXUS_TESTS_ELFGEN_H

#include <stddef.h>
#include <stdint.h>

size_t elfgen_count(void);
/* Name and one-line description of mutation i < elfgen_count(). */
const char *elfgen_name(size_t i);
const char *elfgen_what(size_t i);

/*
 * Apply mutation `name` to the ELF `in` (len bytes). On success returns
 * 0 and a malloc'd *out of *outlen bytes. On failure returns -1 and sets
 * *why to a static message: unknown mutation, an input that is not an
 * ELF64 little-endian file, or one whose layout the mutation cannot use.
 */
int elfgen_apply(const char *name, const uint8_t *in, size_t len, uint8_t **out, size_t *outlen,
		 const char **why);

#endif
