/* The member order of a .nxs (nxs.h): index, signature, then three per bundle. */
#include <stdio.h>
#include <string.h>

#include "nxs.h"

static const char *const bundle_members[NX_NXS_BUNDLE_MEMBERS] = {NX_BUNDLE_MANIFEST, NX_BUNDLE_SIG,
								  NX_BUNDLE_PAYLOAD};

void nx_nxs_member_path(const struct nx_nxs_index *ix, size_t k, char out[NX_NXS_MEMBER_PATH_MAX])
{
	if (k < NX_NXS_HEAD_MEMBERS) {
		strcpy(out, k == 0 ? NX_NXS_INDEX_NAME : NX_NXS_SIG_NAME);
		return;
	}
	k -= NX_NXS_HEAD_MEMBERS;
	snprintf(out, NX_NXS_MEMBER_PATH_MAX, "%.*s" NX_NXB_SUFFIX "/%s", NX_BUNDLE_NAME_MAX - 1,
		 ix->bundles[k / NX_NXS_BUNDLE_MEMBERS].name,
		 bundle_members[k % NX_NXS_BUNDLE_MEMBERS]);
}
