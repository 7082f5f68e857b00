/*
 * Structured log records (nexus/svc.h NX_LOG_RECORD): the encoder the
 * log client uses and the checking decoder and formatter logd uses.
 */
#ifndef NXD_LOG_H
#define NXD_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "nxd.h"

struct nxd_log_rec {
	int level;
	const char *scope;
	const char *msg;
	size_t nfields;
	struct nxd_field fields[NX_LOG_FIELDS_MAX];
};

/* Encode a record body into buf; returns its length or -NX_EINVAL / -NX_EMSGSIZE. */
__attribute__((warn_unused_result)) int nxd_log_encode(uint8_t *buf, size_t cap, const char *scope,
						       const char *msg, const struct nxd_field *f,
						       size_t n);

/*
 * Check and split a received body (which must end in its NUL); the
 * record points into body. Returns 0 or -NX_EINVAL with *why set.
 */
__attribute__((warn_unused_result)) int nxd_log_decode(const uint8_t *body, size_t len, int level,
						       struct nxd_log_rec *r, const char **why);

/* "<scope>: <level> <message> key=value ..." with fields sorted by key. */
int nxd_log_format(struct nxd_log_rec *r, char *out, size_t cap);

const char *nxd_log_level_name(int level);

#endif
