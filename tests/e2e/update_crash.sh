#!/bin/sh
# Crash consistency of updates, through the CLI. On a state with 1.0.0
# committed, an update stops at each named step (NEXUS_FAULT=stop:<step>,
# docs/updates.md) and then updated, or nexus-sim itself, gets SIGKILL
# there: never a sleep, the kill lands exactly at the step. Afterwards no
# process is left, `status` shows whole systems only (each slot empty or
# one set's version, the active slot bootable), a run of pkg:/demo.hello
# boots and runs, and the system it leaves committed is the one the
# failure matrix names: the old one for a crash before the switch record
# is renamed or during a rollback, the new one after it (either one for a
# crash before the commit record is renamed: the slot stays on trial).
. tests/e2e/lib.sh
SETS=$BUILD/systems
need "$SETS/sys-1.0.0.nxs" "$SETS/sys-2.0.0.nxs" "$SETS/sys-3.0.0-badhealth.nxs"
private_bin
sim=$work/bin/nexus-sim
WAIT_S=60 # a step is reached, or a killed session ends, within this long

base=$work/base
"$sim" update --state "$base" "$SETS/sys-1.0.0.nxs" >/dev/null 2>&1 || fail "base: update to 1.0.0"

# status_is DIR WHAT PYTHON-EXPR: `status --json` of DIR exits 0 and s satisfies the expression.
status_is() {
	"$sim" status --state "$1" --json >"$work/status.json" 2>"$work/status.err" ||
		{ fail "$2: status exit $?: $(cat "$work/status.err")"; return; }
	python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if ($3) else 1)" \
		"$work/status.json" || fail "$2: status is $(cat "$work/status.json")"
}

# Whole systems only: each slot empty or one of the sets, and the active slot holds one.
whole='all(v is None or v["version"] in ("1.0.0", "2.0.0", "3.0.0") and
	v["bundles"] == ["demo.hello@1.0.0", "test.exit42@1.0.0"] for v in s["slots"].values())
	and s["slots"][s["active"]] is not None'

# wait_for FILE PATTERN: FILE gets a line matching PATTERN within WAIT_S seconds.
wait_for() {
	i=0
	while ! grep -Eq "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le $((WAIT_S * 20)) ] || return 1
		sleep 0.05
	done
}

# gone PID: the process ended within WAIT_S seconds.
gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le $((WAIT_S * 20)) ] || return 1
		sleep 0.05
	done
}

# crash STEP VICTIM SET OUTCOME [UPDATE-ARGS]: stop the update of SET at STEP, kill VICTIM
# (updated or nexus-sim) there, recover with a run, and find OUTCOME (old, new or either)
# committed.
crash() {
	step=$1 victim=$2 set=$3 outcome=$4
	shift 4
	what="$step, $victim killed"
	st=$work/st-$step-$victim
	cp -a "$base" "$st"
	NEXUS_FAULT=stop:$step "$sim" update -v --state "$st" "$@" "$SETS/$set.nxs" \
		>"$work/log" 2>&1 &
	simpid=$!
	if ! wait_for "$work/log" "updated: fault: stopped at $step \(pid [0-9]+\)"; then
		fail "$what: updated never reached the step:"
		sed 's/^/     /' "$work/log"
		kill -9 "$simpid" 2>/dev/null
		wait "$simpid" 2>/dev/null
		return
	fi
	if [ "$victim" = updated ]; then
		kill -9 "$(sed -nE "s/.*stopped at $step \(pid ([0-9]+)\).*/\1/p" "$work/log" | head -n 1)"
	else
		kill -9 "$simpid"
	fi
	gone "$simpid" || { fail "$what: nexus-sim did not end"; kill -9 "$simpid"; }
	wait "$simpid" 2>/dev/null
	i=0
	while [ -n "$(ours)" ] && [ "$i" -lt $((WAIT_S * 20)) ]; do
		i=$((i + 1))
		sleep 0.05
	done
	[ -z "$(ours)" ] || fail "$what: left behind: $(ours | tr '\n' ' ')"

	status_is "$st" "$what: status" "$whole"
	out=$("$sim" run --state "$st" pkg:/demo.hello 2>&1)
	[ "$out" = "Hello from demo.hello" ] || fail "$what: run pkg:/demo.hello: $out"
	case $outcome in
	old) want="('1.0.0',)" ;;
	new) want="('2.0.0',)" ;;
	*) want="('1.0.0', '2.0.0')" ;;
	esac
	status_is "$st" "$what: committed one of $want" \
		"s['pending'] is None and s['floor'] in $want and s['slots'][s['active']]['version'] == s['floor']"
	rm -rf "$st"
}

for victim in updated nexus-sim; do
	for step in stage-bundle stage-index stage-temp stage-renamed stage-swap switch-temp; do
		crash "$step" "$victim" sys-2.0.0 old
	done
	for step in switch-renamed boot-temp boot-renamed commit-renamed; do
		crash "$step" "$victim" sys-2.0.0 new
	done
	# The slot stays pending: a later boot commits it, or rolls back when the tries are spent.
	crash commit-temp "$victim" sys-2.0.0 either
	for step in rollback-temp rollback-renamed; do
		crash "$step" "$victim" sys-3.0.0-badhealth old --tries 1
	done
done

finish "a kill at every step of stage, switch, boot, commit and rollback leaves a whole system that boots"
