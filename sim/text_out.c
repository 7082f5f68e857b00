/* Escaped text for JSON, YAML and XML (text_out.h). */
#include <string.h>

#include "text_out.h"

/* Bytes of the well-formed UTF-8 sequence at p (RFC 3629), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len = p[0] < 0x80		    ? 1
		     : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
		     : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		     : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
						    : 0;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return len;
}

/*
 * JSON's string, or YAML's double-quoted scalar, which has \xHH where JSON
 * has \u00HH. YAML also gets a ':' in or right after the first word as
 * \x3a: TAP::Parser's YAMLish reads a sequence item `- "word: ..."` or
 * `- "word : ..."` as a mapping, whatever the quotes.
 */
static void text_quoted(FILE *f, const char *p, size_t n, int yaml)
{
	const unsigned char *u = (const unsigned char *)p;
	int words = 0; /* 0: in the first word, 1: in the spaces after it, 2: past them */

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(u + i, n - i);

		if (len == 0) {
			fputs(yaml ? "\xef\xbf\xbd" : "\\ufffd", f);
			i++;
			continue;
		}
		if (len > 1) {
			fwrite(u + i, 1, len, f);
		} else if (u[i] == '"' || u[i] == '\\') {
			fprintf(f, "\\%c", u[i]);
		} else if (u[i] == '\n') {
			fputs("\\n", f);
		} else if (u[i] == '\t') {
			fputs("\\t", f);
		} else if (u[i] == '\r') {
			fputs("\\r", f);
		} else if (u[i] < 0x20 || u[i] == 0x7f || (yaml && u[i] == ':' && words < 2)) {
			fprintf(f, yaml ? "\\x%02x" : "\\u%04x", u[i]);
		} else {
			fputc(u[i], f);
		}
		if (u[i] == ' ' && words == 0)
			words = 1;
		else if (u[i] != ' ' && words == 1)
			words = 2;
		i += len;
	}
	fputc('"', f);
}

void text_json(FILE *f, const char *p, size_t n)
{
	text_quoted(f, p, n, 0);
}

void text_yaml(FILE *f, const char *p, size_t n)
{
	text_quoted(f, p, n, 1);
}

void text_xml(FILE *f, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(u + i, n - i);

		/* XML 1.0 has no escape for most control characters, nor for U+FFFE/U+FFFF. */
		if (len == 0 ||
		    (len == 1 && u[i] < 0x20 && u[i] != '\n' && u[i] != '\t' && u[i] != '\r') ||
		    (len == 3 && u[i] == 0xef && u[i + 1] == 0xbf && u[i + 2] >= 0xbe)) {
			fputs("\xef\xbf\xbd", f);
			i += len != 0 ? len : 1;
			continue;
		}
		if (len > 1)
			fwrite(u + i, 1, len, f);
		else if (u[i] == '<')
			fputs("&lt;", f);
		else if (u[i] == '>')
			fputs("&gt;", f);
		else if (u[i] == '&')
			fputs("&amp;", f);
		else if (u[i] == '"')
			fputs("&quot;", f);
		else if (u[i] == '\'')
			fputs("&apos;", f);
		else if (u[i] == '\r')
			fputs("&#13;", f);
		else
			fputc(u[i], f);
		i += len;
	}
}
