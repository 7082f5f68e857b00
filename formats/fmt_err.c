/* Error codes of formats/ and their messages. */
#include <stdarg.h>
#include <stdio.h>

#include "fmt_fail.h"

const char *nx_fmt_strerror(int code)
{
	switch (code) {
	case NX_FMT_OK:
		return "ok";
	case NX_FMT_ENOMEM:
		return "out of memory";
	case NX_FMT_EIO:
		return "i/o error";
	case NX_FMT_ERANGE:
		return "does not fit";
	case NX_FMT_EINVAL:
		return "invalid argument";
	case NX_FMT_ECAPNP_SIZE:
		return "bad message size";
	case NX_FMT_ECAPNP_BOUNDS:
		return "pointer out of bounds";
	case NX_FMT_ECAPNP_FAR:
		return "far pointer (multi-segment message)";
	case NX_FMT_ECAPNP_POINTER:
		return "malformed pointer";
	case NX_FMT_ECAPNP_DEPTH:
		return "nesting too deep";
	case NX_FMT_ECAPNP_TRAVERSAL:
		return "traversal limit exceeded (amplification)";
	case NX_FMT_ECAPNP_NONCANONICAL:
		return "not canonical";
	case NX_FMT_ECAPNP_TYPE:
		return "field has the wrong type";
	case NX_FMT_EMANIFEST_VERSION:
		return "unsupported schema version";
	case NX_FMT_EMANIFEST_FIELD:
		return "invalid manifest field";
	case NX_FMT_EMANIFEST_CAP:
		return "manifest field over its cap";
	case NX_FMT_ETOML_SYNTAX:
		return "TOML syntax error";
	case NX_FMT_ETOML_UNSUPPORTED:
		return "TOML outside the supported subset";
	case NX_FMT_ETOML_DUPLICATE:
		return "TOML key defined twice";
	case NX_FMT_ETOML_LIMIT:
		return "TOML document over a limit";
	case NX_FMT_ETOML_SCHEMA:
		return "manifest source does not match the schema";
	case NX_FMT_EKEYFILE:
		return "malformed key file";
	case NX_FMT_ESIGFILE:
		return "malformed signature file";
	case NX_FMT_EKEYID:
		return "key id mismatch";
	case NX_FMT_EBADSIG:
		return "bad signature";
	case NX_FMT_EUNTRUSTED:
		return "signed by an untrusted key";
	case NX_FMT_ETRUST:
		return "bad trust directory";
	case NX_FMT_ENXB_UNSIGNED:
		return "bundle is unsigned";
	case NX_FMT_ENXB_MEMBER:
		return "bundle member missing";
	case NX_FMT_ENXB_EXTRA:
		return "unexpected entry in bundle";
	case NX_FMT_ENXB_TYPE:
		return "bundle member is not a regular file";
	case NX_FMT_ENXB_MANIFEST_SIZE:
		return "manifest size out of range";
	case NX_FMT_ENXB_PAYLOAD_SIZE:
		return "payload size out of range";
	case NX_FMT_ENXB_PAYLOAD_MISMATCH:
		return "payload size differs from the manifest";
	case NX_FMT_ENXB_DIGEST:
		return "payload digest mismatch";
	case NX_FMT_ENXB_EXISTS:
		return "bundle already exists";
	case NX_FMT_ENXS_ARCHIVE_SIZE:
		return "system set archive too large";
	case NX_FMT_ENXS_TAR:
		return "not a plain ustar archive";
	case NX_FMT_ENXS_UNSIGNED:
		return "system set is unsigned";
	case NX_FMT_ENXS_BADSIG:
		return "system set signature refused";
	case NX_FMT_ENXS_PUBLISHER:
		return "signing key is not the index's publisher";
	case NX_FMT_ENXS_INDEX_SIZE:
		return "system index size out of range";
	case NX_FMT_ENXS_MEMBER_SIZE:
		return "bundle member size out of range";
	case NX_FMT_ENXS_EXTRA:
		return "unexpected member in system set";
	case NX_FMT_ENXS_MISSING:
		return "system set member missing";
	case NX_FMT_ENXS_DUPLICATE:
		return "duplicate member in system set";
	case NX_FMT_ENXS_ORDER:
		return "system set members out of order";
	case NX_FMT_ENXS_SYMLINK:
		return "member is a symbolic link";
	case NX_FMT_ENXS_HARDLINK:
		return "member is a hard link";
	case NX_FMT_ENXS_DIRECTORY:
		return "directory entry in system set";
	case NX_FMT_ENXS_SPECIAL:
		return "member is a device, FIFO or other special file";
	case NX_FMT_ENXS_PATH_ABSOLUTE:
		return "absolute member path";
	case NX_FMT_ENXS_PATH_DOTDOT:
		return "\"..\" in a member path";
	case NX_FMT_ENXS_PATH_EMPTY:
		return "empty member path segment";
	case NX_FMT_ENXS_PATH_NUL:
		return "NUL in a member path";
	case NX_FMT_ENXS_MANIFEST_DIGEST:
		return "manifest digest differs from the index";
	case NX_FMT_ENXS_PAYLOAD_MISMATCH:
		return "payload size or digest differs from the index";
	case NX_FMT_ENXS_BUNDLE_SIG:
		return "bundle signature refused";
	case NX_FMT_ENXS_BUNDLE_MISMATCH:
		return "bundle name or version differs from the index";
	case NX_FMT_ENXS_STAGE:
		return "bundle refused by the caller";
	case NX_FMT_ENXS_INDEX_VERSION:
		return "unsupported system index schema version";
	case NX_FMT_ENXS_INDEX_FIELD:
		return "invalid system index field";
	case NX_FMT_ENXS_INDEX_ORDER:
		return "system index bundles not sorted and unique";
	case NX_FMT_ENXS_BUNDLES:
		return "bundle count out of range";
	case NX_FMT_ENXS_HEALTH:
		return "health check names no bundle of the set";
	case NX_FMT_ENXS_ROLLBACK:
		return "system version not above the rollback floor";
	case NX_FMT_EBOOTCTRL_SIZE:
		return "BootCtrl record truncated or too long";
	case NX_FMT_EBOOTCTRL_MAGIC:
		return "BootCtrl record has a bad magic";
	case NX_FMT_EBOOTCTRL_CRC:
		return "BootCtrl record fails its CRC";
	case NX_FMT_EBOOTCTRL_VERSION:
		return "BootCtrl record of an unknown version";
	case NX_FMT_EBOOTCTRL_RANGE:
		return "BootCtrl field out of range";
	case NX_FMT_EPROGRAM:
		return "program registry entry breaks a rule";
	}
	return "unknown error";
}

int nx_fmt_fail(struct nx_fmt_err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
