#!/bin/sh
# A state directory is used by one session at a time, and what is in it
# cannot hang, break or corrupt a run: a second session exits 75 at once
# naming the owner (or waits with --wait-state); a FIFO or hard link
# where a state file belongs is refused naming it (73) and left as it
# was; leftovers in staging/ and strangers in slot-a/ are moved to
# quarantine/ and the run goes on; a --state that is, holds or lies in an
# input is refused (64) before anything is made.
. tests/e2e/lib.sh
private_bin
sim=$work/bin/nexus-sim

# One session at a time.
st=$work/shared
"$sim" run --state "$st" test.waiter.nxb -- 3000 >/dev/null 2>&1 &
first=$!
n=0
while [ ! -s "$st/lock" ] && [ "$n" -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
expect 75 "^nexus-sim: state $st is in use by pid $first\$" -- "$sim" run --state "$st" demo.hello.nxb
"$sim" run --wait-state --state "$st" demo.hello.nxb >"$work/out" 2>"$work/err" ||
	fail "--wait-state: $(cat "$work/err")"
grep -qx 'Hello from demo.hello' "$work/out" || fail "--wait-state: the second run did not run"
wait "$first" || fail "the first session failed"

# Hostile files where state files belong: refused, named, untouched.
mkdir "$work/fifo" "$work/fifo2" "$work/hard" "$work/dir"
mkfifo "$work/fifo/console.log" "$work/fifo2/journal"
echo precious >"$work/victim"
ln "$work/victim" "$work/hard/console.log"
mkdir "$work/dir/console.log"
expect 73 "console.log: not a regular file" -- "$sim" run --state "$work/fifo" demo.hello.nxb
expect 73 "journal: not a regular file" -- "$sim" run --state "$work/fifo2" demo.hello.nxb
expect 73 "console.log: it has other hard links" -- "$sim" run --state "$work/hard" demo.hello.nxb
expect 73 "console.log: (not a regular file|Is a directory)" -- "$sim" run --state "$work/dir" demo.hello.nxb
[ "$(cat "$work/victim")" = precious ] || fail "the hard-linked file was overwritten"

# Strangers in the store: moved aside, the run installs and runs.
q=$work/junk
mkdir -p "$q/staging/x.nxb/nested" "$q/slot-a/empty@1.0.0" "$q/slot-a/demo.hello@1.0.0.x"
ln -s /etc "$q/slot-a/demo.hello@1.0.0"
ln -s /etc/passwd "$q/staging/demo.hello@1.0.0.123"
"$sim" run -v --state "$q" demo.hello.nxb >"$work/out" 2>"$work/err" ||
	fail "junk in the store stopped the run: $(tail -3 "$work/err")"
grep -qx 'Hello from demo.hello' "$work/out" || fail "junk: no output"
for j in x.nxb empty@1.0.0 demo.hello@1.0.0 demo.hello@1.0.0.123; do
	grep -q "^bundlemgrd: moved $j to quarantine/" "$work/err" || fail "junk: $j not moved aside"
done
[ -f "$q/slot-a/demo.hello@1.0.0/payload.elf" ] || fail "junk: demo.hello not installed"
[ -f /etc/passwd ] || fail "a link was followed"

# An overlapping --state: refused before anything is made in the input.
cp -r "$BUILD/bundles/demo.hello.nxb" "$work/b.nxb"
expect 64 "overlaps the bundle" -- "$sim" run --state "$work/b.nxb" "$work/b.nxb"
expect 64 "overlaps the bundle" -- "$sim" run --state "$work/b.nxb/inner" "$work/b.nxb"
expect 64 "overlaps the bundle" -- "$sim" run --state "$work" "$work/b.nxb"
expect 64 "overlaps the trust directory" -- "$sim" run --state fixtures/trust demo.hello.nxb
[ "$(ls "$work/b.nxb" | tr '\n' ' ')" = "manifest.nxb manifest.sig payload.elf " ] ||
	fail "the bundle directory changed: $(ls "$work/b.nxb")"
finish "state directories are locked, checked and recovered"
