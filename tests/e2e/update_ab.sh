#!/bin/sh
# A/B updates on one state directory, through the CLI: 1.0.0 then 2.0.0
# committed into alternate slots; 1.0.0 again and 0.5.0 refused as
# downgrades (exit 65, status unchanged, the system still runs); a 3.0.0
# whose health check fails (exit 42) and a 4.0.0 whose health check never
# exits (test_rollback_on_health_timeout) roll back (exit 1) with 2.0.0
# still active and the floor still 2.0.0. Every operation leaves an
# audit record in the journal; --tries is checked at its limits.
. tests/e2e/lib.sh
SETS=$BUILD/systems
need "$SETS/sys-1.0.0.nxs" "$SETS/sys-2.0.0.nxs" "$SETS/sys-0.5.0.nxs" \
	"$SETS/sys-3.0.0-badhealth.nxs" "$SETS/sys-4.0.0-hanghealth.nxs"
st=$work/state

# status_is 'python expression over s' WHAT: the JSON status satisfies it.
status_is() {
	"$SIM" status --state "$st" --json >"$work/status.json" 2>"$work/status.err" ||
		{ fail "$2: status exit $?"; return; }
	python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" \
		"$work/status.json" || fail "$2: status is $(cat "$work/status.json")"
}

# runs: the active set's demo.hello runs from the slot.
runs() {
	out=$("$SIM" run --state "$st" pkg:/demo.hello 2>&1) && [ "$out" = "Hello from demo.hello" ] ||
		fail "$1: run pkg:/demo.hello: $out"
}

status_is 's == {"active": "a", "pending": None, "tries_left": 0, "floor": None,
	"slots": {"a": None, "b": None}, "launches": {}}' "a fresh state"

expect 0 "committed 1.0.0 in slot b" -- "$SIM" update --state "$st" "$SETS/sys-1.0.0.nxs"
status_is 's["active"] == "b" and s["pending"] is None and s["floor"] == "1.0.0" and
	s["slots"]["b"] == {"version": "1.0.0", "bundles": ["demo.hello@1.0.0", "test.exit42@1.0.0"]}
	and s["slots"]["a"] is None' "after 1.0.0"
runs "1.0.0"

expect 0 "committed 2.0.0 in slot a" -- "$SIM" update --state "$st" "$SETS/sys-2.0.0.nxs"
status_is 's["active"] == "a" and s["floor"] == "2.0.0" and s["slots"]["a"]["version"] == "2.0.0"
	and s["slots"]["b"]["version"] == "1.0.0"' "after 2.0.0"
runs "2.0.0"
# The A/B state: status without its launch counts, which every run adds to.
ab_status() {
	"$SIM" status --state "$st" --json |
		python3 -c 'import json, sys; s = json.load(sys.stdin); del s["launches"]; print(s)'
}
ab_status >"$work/committed.json"

for old in 1.0.0 0.5.0; do
	expect 65 "sys-$old.nxs: refused: downgrade refused: system version $old is not above the floor 2.0.0" \
		-- "$SIM" update --state "$st" "$SETS/sys-$old.nxs"
	ab_status | cmp -s - "$work/committed.json" ||
		fail "$old: a refused update changed the status"
	runs "after refusing $old"
done

expect 1 "rolled back: 3.0.0 failed its health check \(test.exit42 exited 42\); slot a \(2.0.0\) stays active" \
	-- "$SIM" update --state "$st" "$SETS/sys-3.0.0-badhealth.nxs"
status_is 's["active"] == "a" and s["pending"] is None and s["floor"] == "2.0.0" and
	s["slots"]["a"]["version"] == "2.0.0" and s["slots"]["b"] is None' "after 3.0.0's rollback"
runs "after 3.0.0's rollback"

# test_rollback_on_health_timeout: one try, a check that never exits.
expect 1 "rolled back: 4.0.0 failed its health check \(test.hang did not exit 0 within [0-9]+ ms\)" \
	-- "$SIM" update --state "$st" --tries 1 "$SETS/sys-4.0.0-hanghealth.nxs"
status_is 's["active"] == "a" and s["floor"] == "2.0.0" and s["slots"]["b"] is None' \
	"test_rollback_on_health_timeout"
runs "test_rollback_on_health_timeout"

# Each operation and refusal is audited: scope updated, its fields sorted.
j=$st/journal
for op in stage switch health_ok rollback; do
	grep -q "^updated: .* audit .*op=$op " "$j" || fail "no audit record of $op in the journal"
done
grep -q "^updated: error audit digest=- op=stage reason=\"downgrade refused: .*\" result=refused slot=b version=-$" "$j" ||
	fail "the downgrade refusal is not audited: $(grep 'op=stage' "$j" | tail -2)"

# --tries: 1 to 7.
expect 64 "--tries '0': expected 1 to 7" -- "$SIM" update --tries 0 "$SETS/sys-1.0.0.nxs"
expect 64 "--tries '8': expected 1 to 7" -- "$SIM" update --tries 8 "$SETS/sys-1.0.0.nxs"
expect 0 "committed 1.0.0" -- "$SIM" update --tries 7 "$SETS/sys-1.0.0.nxs"
expect 66 "cannot open $work/none.nxs" -- "$SIM" update "$work/none.nxs"
expect 64 "no system set named" -- "$SIM" update
finish "A/B updates: commit, downgrade refusal, rollback on a failed and a hung health check"
