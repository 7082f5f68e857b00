/*
 * init as a client of the services: a CONNECT through samgrd on init's
 * own registry connection, without waiting for the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init.h"

struct connecting {
	init_connected_fn fn;
	void *arg;
};

static void connected(void *arg, struct nx_msg *reply, int err)
{
	struct connecting c = *(struct connecting *)arg;
	char why[NX_ERRMSG_MAX + 1] = "";
	int fd = -1;

	free(arg);
	if (reply == NULL) {
		snprintf(why, sizeof(why), "samgrd %s",
			 err == -NX_ETIMEDOUT ? "did not answer" : "went away");
	} else if (nx_msg_result(reply) < 0 || (fd = nx_msg_take_fd(reply)) < 0) {
		snprintf(why, sizeof(why), "%.*s", (int)reply->len, (const char *)reply->body);
		err = nx_msg_result(reply) < 0 ? (int)nx_msg_result(reply) : -NX_EPIPE;
	}
	c.fn(c.arg, fd, fd >= 0 ? 0 : err != 0 ? err : -NX_EPIPE, why);
}

int init_connect(struct init *in, const char *svc, init_connected_fn fn, void *arg)
{
	struct connecting *c = malloc(sizeof(*c));

	if (c == NULL || in->registry == NULL) {
		free(c);
		return -NX_EPIPE;
	}
	*c = (struct connecting){fn, arg};
	int err = nxd_call_async(in->registry, NX_SAMGR_CONNECT, 0, svc, strlen(svc), -1,
				 NX_DEADLINE_REGISTRY_MS, connected, c);
	if (err != 0)
		free(c);
	return err;
}
