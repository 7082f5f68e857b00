#!/bin/sh
# demo.spawner 100 times: 8 children spawned by path, each printing while
# it computes, interleaved by the scheduler. The console bytes must be the
# same every time (the kernel holds every task while execd answers a
# spawn, so host timing never reaches the interleaving), and every run
# exits 0 with all 8 children accounted for.
. tests/e2e/lib.sh
need "$BUILD/bundles/demo.spawner.nxb"
RUNS=100

"$SIM" run demo.spawner.nxb >"$work/first" 2>"$work/err" || fail "run 1: exit $?: $(cat "$work/err")"
grep -qx 'spawner: all 8 children done' "$work/first" || fail "run 1: not every child done"
[ "$(grep -c '^child [0-7]: step [1-4]$' "$work/first")" -eq 32 ] ||
	fail "run 1: the children did not print all their lines"
# The children interleave: some child's line comes between two of another's.
awk '/^child/ { if (prev != "" && prev != $2) switched++; prev = $2 }
	END { exit !(switched > 8) }' "$work/first" || fail "run 1: the children did not interleave"
i=2
while [ "$i" -le "$RUNS" ]; do
	"$SIM" run demo.spawner.nxb >"$work/out" 2>"$work/err" || fail "run $i: exit $?"
	cmp -s "$work/first" "$work/out" || {
		fail "run $i: console differs from run 1:"
		diff "$work/first" "$work/out" | head -20
	}
	i=$((i + 1))
done
finish "ok: $RUNS runs of demo.spawner, byte-identical consoles"
