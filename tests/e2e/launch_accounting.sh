#!/bin/sh
# W/L launch accounting: execd journals a launch.v1 record for every launch
# it attempts (a win when the task was spawned, a loss when it was refused),
# and `nexus-sim status` counts them per program from the state
# directory's journal, in text and in --json. Then the count cap of status
# (STATUS_PROGRAMS_MAX programs) at 256 and 257.
. tests/e2e/lib.sh
need "$SIM" "$BUILD/bundles/demo.hello.nxb" "$BUILD/bundles/programs.toml"
st=$work/st

# A fresh state has no launches.
"$SIM" status --state "$st" >"$work/status" || fail "status of a fresh state: exit $?"
grep -qx 'launches:   none' "$work/status" || fail "fresh state: $(cat "$work/status")"

# A good run, two runs of a missing pkg:/ name, a run of a registry program.
"$SIM" run --state "$st" demo.hello.nxb >/dev/null 2>&1 || fail "good run: exit $?"
for i in 1 2; do
	expect 65 '^nexus-sim: nosuch: not installed$' -- "$SIM" run --state "$st" pkg:/nosuch
done
"$SIM" run --state "$st" hello >/dev/null 2>&1 || fail "run of the registry's hello: exit $?"

"$SIM" status --state "$st" >"$work/status" || fail "status: exit $?"
grep '^launches:' "$work/status" >"$work/launches"
printf '%s\n' 'launches:   demo.hello W=2 L=0' 'launches:   nosuch W=0 L=2' |
	cmp -s - "$work/launches" || fail "status launches: $(cat "$work/status")"
"$SIM" status --state "$st" --json >"$work/json" || fail "status --json: exit $?"
python3 - "$work/json" <<'PY' || fail "status --json launches: $(cat "$work/json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["launches"] == {"demo.hello": {"wins": 2, "losses": 0},
                         "nosuch": {"wins": 0, "losses": 2}}, s["launches"]
PY
# The records themselves, as logd journalled them (fields sorted by key).
grep -c '^execd: debug launch errno=0 event=launch.v1 program=demo.hello result=win$' "$st/journal" |
	grep -qx 2 || fail "win records: $(grep launch "$st/journal")"
grep -c '^execd: info launch errno=3 event=launch.v1 program=nosuch result=loss why="nosuch: not installed"$' \
	"$st/journal" | grep -qx 2 || fail "loss records: $(grep launch "$st/journal")"

# Spawns by path count too: a payload's good and failing nx_spawn_path calls.
sp=$work/sp
"$SIM" run --state "$sp" test.spawn.nxb -- expect pkg:/nosuch=2 pkg:/test.spawn/x.elf=2 \
	>/dev/null 2>&1 || fail "spawn expect run: exit $?"
"$SIM" run --state "$sp" demo.spawner.nxb >/dev/null 2>&1 || fail "demo.spawner: exit $?"
"$SIM" status --state "$sp" >"$work/status" || fail "status after spawns: exit $?"
grep '^launches:' "$work/status" >"$work/launches"
printf '%s\n' 'launches:   demo.spawner W=9 L=0' 'launches:   pkg:/nosuch W=0 L=1' \
	'launches:   pkg:/test.spawn/x.elf W=0 L=1' 'launches:   test.spawn W=1 L=0' |
	cmp -s - "$work/launches" || fail "spawn launches: $(cat "$work/status")"

# status counts at most 256 programs; the 257th is said and not counted.
mkdir -p "$work/cap"
"$SIM" status --state "$work/cap" >/dev/null || fail "status of the cap state: exit $?"
for i in $(seq 256); do
	echo "execd: debug launch errno=0 event=launch.v1 program=p$i result=win"
done >"$work/cap/journal"
"$SIM" status --state "$work/cap" >"$work/status" 2>"$work/err" || fail "256 programs: exit $?"
[ "$(grep -c '^launches:   p[0-9]* W=1 L=0$' "$work/status")" -eq 256 ] && [ ! -s "$work/err" ] ||
	fail "256 programs: $(grep -c '^launches' "$work/status") lines, $(cat "$work/err")"
echo 'execd: info launch errno=3 event=launch.v1 program=p257 result=loss why="p257: not installed"' \
	>>"$work/cap/journal"
"$SIM" status --state "$work/cap" >"$work/status" 2>"$work/err" || fail "257 programs: exit $?"
[ "$(grep -c '^launches:' "$work/status")" -eq 256 ] && ! grep -q p257 "$work/status" ||
	fail "257 programs: the 257th counted"
grep -q 'launches of more than 256 programs; 1 records of the others not counted' "$work/err" ||
	fail "257 programs: not said: $(cat "$work/err")"
# A journal status cannot read: said, 66, and no hang on a FIFO in its place.
mkdir -p "$work/fifo"
mkfifo "$work/fifo/journal"
expect 66 'fifo/journal: not a regular file' -- "$SIM" status --state "$work/fifo"
finish "launch.v1 records counted per program by status"
