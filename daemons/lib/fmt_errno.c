/* formats/ refusal codes as the -NX_E* a reply carries (nxd.h). */
#include "fmt_err.h"
#include "nxd.h"

int nxd_fmt_errno(int code)
{
	switch (code) {
	case NX_FMT_ENXB_UNSIGNED:
	case NX_FMT_EKEYID:
	case NX_FMT_EBADSIG:
	case NX_FMT_EUNTRUSTED:
	case NX_FMT_ENXS_UNSIGNED:
	case NX_FMT_ENXS_BADSIG:
	case NX_FMT_ENXS_PUBLISHER:
	case NX_FMT_ENXS_BUNDLE_SIG:
		return -NX_EPERM;
	case NX_FMT_ENXB_MANIFEST_SIZE:
	case NX_FMT_ENXB_PAYLOAD_SIZE:
	case NX_FMT_EMANIFEST_CAP:
	case NX_FMT_ENXS_ARCHIVE_SIZE:
	case NX_FMT_ENXS_INDEX_SIZE:
	case NX_FMT_ENXS_MEMBER_SIZE:
		return -NX_EMSGSIZE;
	case NX_FMT_ENXS_ROLLBACK:
		return -NX_EEXIST;
	case NX_FMT_ENOMEM:
		return -NX_ENOMEM;
	case NX_FMT_EIO:
		return -NX_ENOSPC;
	default:
		return -NX_EINVAL;
	}
}
