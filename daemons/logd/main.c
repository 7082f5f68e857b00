/*
 * logd: structured records from every daemon (NX_LOG_RECORD), fields
 * sorted by key, one line each to the console (info and above) and to
 * the journal file `journal` in the state directory (everything). The
 * protocol has no replies: a malformed record is reported on the console
 * and dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "nxd.h"
#include "nxd_log.h"
#include "journal.h"

static struct journal journal;

static void logd_record(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nxd_log_rec r;
	const char *why;

	(void)arg;
	if (nxd_log_decode(m->body, m->len, (int)m->hdr.arg, &r, &why) != 0) {
		nxd_say("logd: dropped a record from %s: %s", nxd_conn_peer(c), why);
		return;
	}
	if (strcmp(r.scope, nxd_conn_peer(c)) != 0) {
		nxd_say("logd: dropped a record from %s claiming scope %s", nxd_conn_peer(c),
			r.scope);
		return;
	}
	if (journal_write(&journal, &r) != 0)
		nxd_say("logd: journal write failed: %s", strerror(errno));
}

static const struct nxd_handler logd_table[] = {
    {{NX_LOG_RECORD, 2, NX_LOG_RECORD_MAX, NX_FD_NONE}, logd_record},
};

int main(void)
{
	struct nxd *d = nxd_start("logd", NXD_START_DIR | NXD_START_NO_LOG);

	if (journal_open(&journal, nxd_dir_fd(d)) != 0)
		fatal("cannot open the journal in the state directory");
	/* The journal is open: logd needs no directory from here on. */
	close(nxd_dir_fd(d));
	nxd_sandbox(d, NULL, 0);
	if (nxd_register_early(d, logd_table, 1, NULL) != 0)
		fatalx("cannot send REGISTER to samgrd");
	nxd_ready(d);
	return nxd_serve(d);
}
