#!/bin/sh
# A restarted daemon is reachable again (issue 7 item 7): in one
# `nexus-sim test` session of demo.hello runs, each restartable daemon is
# killed (SIGKILL) between two runs and the run after it still passes:
# its clients reconnect through samgrd, every call has a deadline.
#
# The kill lands between two operations deterministically, not by
# sleeping: NEXUS_FAULT=pause:test makes nexus-sim stop after a bundle's
# result and before the next RUN, saying "nexus-sim: fault: paused before
# bundle N" on stderr, until a byte arrives on its stdin. While it waits
# the whole kernel waits, so no operation is in flight: the script kills
# the daemon, waits until it is dead, and only then writes the byte.
. tests/e2e/lib.sh
private_bin
sim=$work/bin/nexus-sim
need "$BUILD/bundles/demo.hello.nxb"
# init's services table (daemons/init/services.c): every daemon but samgrd restarts.
daemons="keystored bundlemgrd packagefsd vfsd execd updated logd"
n=0
for d in $daemons; do n=$((n + 1)); done
bundles=
i=0
while [ $i -le "$n" ]; do
	bundles="$bundles $BUILD/bundles/demo.hello.nxb"
	i=$((i + 1))
done

# pid_of NAME: the pid of this session's running daemon NAME (a child of its init).
pid_of() {
	for ini in $(pgrep -P "$simpid"); do
		for p in $(pgrep -P "$ini"); do
			[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$work/bin/daemons/$1" ] || continue
			state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$p/status" 2>/dev/null)
			[ "$state" = Z ] || { echo "$p"; return; }
		done
	done
}

# wait_for PATTERN COUNT: until stderr holds COUNT lines matching PATTERN (or the session ended).
wait_for() {
	while [ "$(grep -c -- "$1" "$work/err")" -lt "$2" ]; do
		kill -0 "$simpid" 2>/dev/null || return 1
		sleep 0.01
	done
}

mkfifo "$work/go"
# shellcheck disable=SC2086 # the bundle list is split on purpose
NEXUS_FAULT=pause:test "$sim" test -v --json $bundles <"$work/go" >"$work/out" 2>"$work/err" &
simpid=$!
exec 3>"$work/go"
k=0
for d in $daemons; do
	k=$((k + 1))
	wait_for '^nexus-sim: fault: paused before bundle' "$k" ||
		{ fail "the session ended before bundle $((k + 1))"; break; }
	pid=$(pid_of "$d")
	[ -n "$pid" ] || { fail "$d is not running before bundle $((k + 1))"; printf x >&3; continue; }
	kill -9 "$pid"
	# Dead (gone, or a zombie for init to reap) before the next operation may start.
	while [ -n "$(pid_of "$d" | grep -x "$pid")" ]; do sleep 0.01; done
	printf x >&3
done
exec 3>&-
wait "$simpid"
rc=$?
[ "$rc" -eq 0 ] || fail "the session exited $rc: $(grep -v '^[a-z]*: \(info\|debug\)' "$work/err" | tail -20)"
python3 - "$work/out" "$n" $daemons <<'PY' || fail "the JSON report: $(cat "$work/out")"
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
daemons = sys.argv[3:]
assert d["tests"] == n + 1 and d["passed"] == n + 1, d
for i, r in enumerate(d["results"]):
    after = "after killing " + daemons[i - 1] if i else "first"
    assert r["ok"] and r["console"] == "Hello from demo.hello\n", (after, r)
PY
for d in $daemons; do
	grep -q "^init: $d died signal=SIGKILL\$" "$work/err" || fail "init did not see $d die"
	grep -q "^init: restart $d\$" "$work/err" || fail "init did not restart $d"
done
left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"
finish "each restartable daemon killed between two runs of one session; the next run passed"
