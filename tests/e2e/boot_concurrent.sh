#!/bin/sh
# The boot starts each daemon once what it needs is up, not one after
# another, and still prints the ladder in table order (docs/daemons.md):
# keystored is held back by a --wrap shell that waits for a file; execd,
# which does not need keystored, comes up meanwhile (its strace shows it
# wrote "execd: ready" and sent READY), while the console holds neither
# its line nor "init: up execd". Once keystored starts, the ladder comes
# out whole and in order (tests/markers/boot.txt).
. tests/e2e/lib.sh
need "$SIM" tests/markers/boot.txt
command -v strace >/dev/null || { echo "missing: strace (scripts/install-deps installs it)"; exit 1; }
SIM=$(cd "$(dirname "$SIM")" && pwd)/nexus-sim
go=$work/go
# The wrapper gives up after 60 s so a broken boot cannot hang the test.
hold="sh -c 'i=0; while [ ! -e $go ] && [ \$i -lt 1200 ]; do sleep 0.05; i=\$((i+1)); done; exec \"\$@\"' sh"

(cd "$work" && exec "$SIM" boot --wrap keystored="$hold" \
	--wrap execd='strace -o execd.trace' >"$work/console" 2>"$work/err") &
sim=$!

# Wait (at most 60 s) for execd to have written its ready line and told init.
i=0
until grep -q 'write(1, "execd: ready\\n"' "$work/execd.trace" 2>/dev/null &&
	grep -q '^sendmsg(4, ' "$work/execd.trace" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 600 ] || break
	sleep 0.1
done
if [ $i -ge 600 ]; then
	fail "execd did not come up while keystored was held back"
else
	# keystored has not started: nothing after its place in the ladder is printed.
	grep -q '^samgrd: ready$' "$work/console" || fail "the ladder up to samgrd is not printed"
	grep -q 'keystored' "$work/console" && fail "keystored printed before it started"
	grep -q '^execd: ready$' "$work/console" && fail "execd's line was not held for its turn"
	grep -q '^init: up execd$' "$work/console" && fail "init: up execd before keystored"
fi
touch "$go"
wait $sim
code=$?
[ "$code" -eq 0 ] || { fail "boot exit $code"; sed 's/^/     /' "$work/err"; }
scripts/marker-check tests/markers/boot.txt "$work/console" >/dev/null ||
	{ fail "the ladder is out of order:"; sed 's/^/     /' "$work/console"; }
# Each daemon's part of the ladder once, execd's ready right before init's up.
[ "$(grep -c '^execd: ready$' "$work/console")" -eq 1 ] || fail "execd: ready not printed once"
grep -A1 '^execd: ready$' "$work/console" | grep -q '^init: up execd$' ||
	fail "execd: ready is not followed by init: up execd"
finish "boot_concurrent: execd up while keystored waited; the ladder printed in table order"
