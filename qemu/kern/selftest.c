#include "selftest.h"
int nxq_selftest(struct nxq_host *h)
{
	(void)h;
	return 0;
}
