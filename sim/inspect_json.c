/*
 * inspect --json (docs/tools.md): what was checked and found, as one
 * object with the same top-level keys as run's where they apply (exit
 * code, crash record: always null, no boot, timings, markers: none).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "nexus/rights.h"
#include "inspect.h"
#include "text_out.h"

void inspect_say(struct inspect_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	fprintf(stderr, "nexus-sim: %s\n", r->error);
}

static void json_text(FILE *f, const char *s)
{
	text_json(f, s, strlen(s));
}

static void json_list(FILE *f, size_t n, const char (*items)[NX_MANIFEST_TEXT_MAX])
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", f);
		json_text(f, items[i]);
	}
	fputc(']', f);
}

static void json_manifest(FILE *f, const struct nx_manifest *m)
{
	fputs("{\"name\": ", f);
	json_text(f, m->name);
	fputs(", \"semver\": ", f);
	json_text(f, m->semver);
	fprintf(f,
		", \"bundle_type\": \"%s\", \"payload_kind\": \"%s\", \"payload_size\": %" PRIu64,
		nx_bundle_type_name(m->bundle_type), nx_payload_kind_name(m->payload_kind),
		m->payload_size);
	fputs(", \"payload_sha256\": \"", f);
	for (size_t i = 0; i < NX_DIGEST_LEN; i++)
		fprintf(f, "%02x", m->payload_digest[i]);
	fputs("\", \"abilities\": ", f);
	json_list(f, m->n_abilities, m->abilities);
	fputs(", \"capabilities\": ", f);
	json_list(f, m->n_capabilities, m->capabilities);
	fputc('}', f);
}

static void json_plan(FILE *f, const struct nxl_plan *p)
{
	fprintf(f, "{\"entry\": \"0x%" PRIx64 "\", \"load\": [", p->entry);
	for (uint32_t i = 0; i < p->nload; i++) {
		const struct nxl_phdr *l = &p->load[i];

		fprintf(
		    f,
		    "%s{\"offset\": \"0x%" PRIx64 "\", \"vaddr\": \"0x%" PRIx64
		    "\", \"filesz\": %" PRIu64 ", \"memsz\": %" PRIu64 ", \"flags\": \"%c%c%c\"}",
		    i ? ", " : "", l->offset, l->vaddr, l->filesz, l->memsz,
		    l->flags & 4 ? 'R' : '-', l->flags & 2 ? 'W' : '-', l->flags & 1 ? 'E' : '-');
	}
	fputs("], \"maps\": [", f);
	for (uint32_t i = 0; i < p->nmap; i++)
		fprintf(f,
			"%s{\"va\": \"0x%" PRIx64 "\", \"len\": %" PRIu64 ", \"prot\": \"%c%c%c\"}",
			i ? ", " : "", p->map[i].va, p->map[i].len,
			p->map[i].prot & NX_PROT_READ ? 'r' : '-',
			p->map[i].prot & NX_PROT_WRITE ? 'w' : '-',
			p->map[i].prot & NX_PROT_EXEC ? 'x' : '-');
	fprintf(f, "], \"mapped_bytes\": %" PRIu64 "}", p->mapped_bytes);
}

void inspect_json(FILE *f, const char *path, const struct inspect_report *r, int code, double ms)
{
	fputs("{\"command\": \"inspect\", \"file\": ", f);
	json_text(f, path);
	fputs(", \"kind\": ", f);
	if (r->kind != NULL)
		json_text(f, r->kind);
	else
		fputs("null", f);
	fprintf(f, ", \"ok\": %s, \"exit_code\": %d, \"error\": ", code == 0 ? "true" : "false",
		code);
	if (r->error[0] != 0)
		json_text(f, r->error);
	else
		fputs("null", f);
	fputs(", \"crash\": null, \"markers\": []", f);
	fprintf(f, ", \"timings_ms\": {\"total\": %.3f}", ms);
	if (r->kind != NULL && strcmp(r->kind, "elf") == 0 && r->have_plan)
		fprintf(f, ", \"file_size\": %" PRIu64, r->file_size);
	if (r->signature != NULL) {
		fputs(", \"signature\": {\"key\": ", f);
		json_text(f, r->key_id);
		fprintf(f, ", \"status\": \"%s\"}", r->signature);
	}
	if (r->have_manifest) {
		fputs(", \"manifest\": ", f);
		json_manifest(f, &r->m);
		fprintf(f, ", \"payload_verified\": %s", r->have_payload ? "true" : "false");
	}
	fputs(", \"plan\": ", f);
	if (r->have_plan)
		json_plan(f, &r->plan);
	else
		fputs("null", f);
	fputs("}\n", f);
}
