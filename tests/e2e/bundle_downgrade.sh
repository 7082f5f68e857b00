#!/bin/sh
# Upgrades must rise: test.exit42 1.0.0 runs, then 0.9.0 in the same state
# directory is refused as a downgrade (exit 65, no payload output) and
# 1.0.0 stays the one installed; the same 1.0.0 bundle again is accepted.
. tests/e2e/lib.sh
NEW=$BUILD/bundles/test.exit42.nxb
OLD=$BUILD/bundles/downgrade/test.exit42.nxb
state=$work/state
mkdir "$state"

need "$NEW" "$OLD"

"$SIM" run --state "$state" "$NEW" >"$state/1.out" 2>"$state/1.err"
rc=$?
[ "$rc" -eq 42 ] || { echo "FAIL 1.0.0: exit $rc, want 42: $(cat "$state/1.err")"; exit 1; }
[ -d "$state/slot-a/test.exit42@1.0.0" ] || { echo "FAIL: 1.0.0 not installed"; exit 1; }

"$SIM" run --state "$state" "$OLD" >"$state/2.out" 2>"$state/2.err"
rc=$?
[ "$rc" -eq 65 ] || { echo "FAIL 0.9.0: exit $rc, want 65: $(cat "$state/2.err")"; exit 1; }
grep -q 'downgrade' "$state/2.err" || { echo "FAIL: no 'downgrade' in: $(cat "$state/2.err")"; exit 1; }
[ -s "$state/2.out" ] && { echo "FAIL: payload output: $(cat "$state/2.out")"; exit 1; }
[ "$(ls "$state/slot-a")" = "test.exit42@1.0.0" ] || {
	echo "FAIL: slot holds: $(ls "$state/slot-a")"
	exit 1
}

"$SIM" run --state "$state" "$NEW" >"$state/3.out" 2>"$state/3.err"
rc=$?
[ "$rc" -eq 42 ] || { echo "FAIL 1.0.0 again: exit $rc, want 42: $(cat "$state/3.err")"; exit 1; }
echo "ok: downgrade refused: $(head -n 1 "$state/2.err")"
