#!/bin/sh
# No waiting on a peer without a deadline. NEXUS_FAULT=hang:<daemon> makes
# that daemon stop answering once it is ready; a run that needs it ends
# with one line naming the daemon and its deadline, exit 69, the hung
# daemon killed at shutdown and nothing left running. A daemon the run
# does not need may hang without harm.
. tests/e2e/lib.sh
private_bin

NEXUS_FAULT=hang:keystored "$work/bin/nexus-sim" run demo.hello.nxb >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 69 ] || fail "hang:keystored: exit $rc, want 69: $(cat "$work/err")"
grep -q 'keystored did not answer within 3000 ms' "$work/err" ||
	fail "hang:keystored: no message naming keystored and its deadline: $(cat "$work/err")"
[ -s "$work/out" ] && fail "hang:keystored: the payload ran: $(cat "$work/out")"
left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"

NEXUS_FAULT=hang:vfsd "$work/bin/nexus-sim" run demo.hello.nxb >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] || fail "hang:vfsd: exit $rc, want 0: $(cat "$work/err")"
grep -qx 'Hello from demo.hello' "$work/out" || fail "hang:vfsd: no payload output"
left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"
finish "hung daemons end runs by their deadlines"
