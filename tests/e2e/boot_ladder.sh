#!/bin/sh
# nexus-sim boot: every daemon comes up in order (tests/markers/boot.txt),
# the system shuts down cleanly (exit 0), the console goes to stderr with
# -v and to stdout without, and a default state directory is removed
# afterwards while a --state one is kept with logd's journal.
. tests/e2e/lib.sh
set -e

"$SIM" boot -v 2>"$work/console"
scripts/marker-check tests/markers/boot.txt "$work/console"
grep -qx 'updated: ready (non-persistent)' "$work/console" ||
	{ echo "updated did not say its state is temporary"; exit 1; }

# Without -v the ladder is on stdout, and nothing on stderr; --state is kept.
"$SIM" boot --state "$work/state" >"$work/stdout" 2>"$work/stderr"
[ ! -s "$work/stderr" ] || { echo "boot printed on stderr without -v:"; cat "$work/stderr"; exit 1; }
scripts/marker-check tests/markers/boot.txt "$work/stdout"
grep -qx 'updated: ready (statefs)' "$work/stdout" ||
	{ echo "updated did not say its state persists"; exit 1; }
[ -f "$work/state/journal" ] || { echo "no journal in the state directory"; exit 1; }

# The default state directory is a fresh one under TMPDIR, gone afterwards.
mkdir "$work/tmp"
TMPDIR="$work/tmp" "$SIM" boot >/dev/null
[ -z "$(ls -A "$work/tmp")" ] || { echo "temporary state left behind:"; ls -la "$work/tmp"; exit 1; }
echo "boot ladder ok"
