/*
 * ucopy: a copy inside the caller's own memory that fails with -NX_EFAULT
 * instead of faulting, so a runtime can take strings and pointer arrays
 * from its caller's arguments and report a bad pointer as an error
 * (nx_spawn_path's EFAULT). Protection is per page, so a string is read
 * a page piece at a time and never past its NUL.
 */
#include "kobj.h"
#include "sys.h"
#include "nexus/err.h"
#include "nexus/syscall.h"

#define UCOPY_CHUNK 256u

/* (dst, src, len, flags) -> bytes copied (with NX_UCOPY_STRING: through the NUL) */
long nxk_sys_ucopy(struct nxk_caller *c, const uint64_t a[6])
{
	uint64_t dst = a[0], src = a[1], len = a[2];
	int string = (a[3] & NX_UCOPY_STRING) != 0;
	uint8_t buf[UCOPY_CHUNK];

	if (c->kind != NXK_CALLER_TASK || (a[3] & ~(uint64_t)NX_UCOPY_STRING) != 0 ||
	    len > NX_UCOPY_MAX)
		return -NX_EINVAL;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done;
		uint64_t to_page = NX_PAGE_SIZE - (src + done) % NX_PAGE_SIZE;
		n = n < UCOPY_CHUNK ? n : UCOPY_CHUNK;
		n = n < to_page ? n : to_page;
		int r = nxk_copyin(c, src + done, buf, (size_t)n);
		if (r != 0)
			return r;
		uint64_t keep = n;
		for (uint64_t i = 0; string && i < n; i++) {
			if (buf[i] == 0) {
				keep = i + 1;
				break;
			}
		}
		if ((r = nxk_copyout(c, dst + done, buf, (size_t)keep)) != 0)
			return r;
		done += keep;
		if (keep < n || (string && buf[keep - 1] == 0))
			return (long)done;
	}
	return string ? -NX_ENAMETOOLONG : (long)len;
}
