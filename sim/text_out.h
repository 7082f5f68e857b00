/*
 * Arbitrary bytes (a payload's output, a refusal message) written as a
 * JSON string, a TAP YAML string or XML character data: the escapes each
 * format needs, and every byte that is not well-formed UTF-8 (or, for
 * XML, a character XML 1.0 forbids) replaced by U+FFFD.
 */
#ifndef NEXUS_SIM_TEXT_OUT_H
#define NEXUS_SIM_TEXT_OUT_H

#include <stddef.h>
#include <stdio.h>

/* "..." with JSON's escapes. */
void text_json(FILE *f, const char *p, size_t n);
/* "..." as a YAML double-quoted scalar that TAP::Parser's YAMLish reads back too. */
void text_yaml(FILE *f, const char *p, size_t n);
/* XML 1.0 character data or attribute value (quotes escaped too), without quotes. */
void text_xml(FILE *f, const char *p, size_t n);

#endif
