#!/bin/sh
# nexus-sim boot: every daemon comes up in order (tests/markers/boot.txt),
# the system shuts down cleanly (exit 0), the console goes to stderr with
# -v and to <state>/console.log without, and a default state directory is
# removed afterwards while a --state one is kept with logd's journal.
set -eu
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

"$BIN/nexus-sim" boot -v 2>"$t/console"
scripts/marker-check tests/markers/boot.txt "$t/console"

# Without -v the console is in the state directory, kept with --state.
"$BIN/nexus-sim" boot --state "$t/state" 2>"$t/stderr"
[ ! -s "$t/stderr" ] || { echo "boot printed on stderr without -v:"; cat "$t/stderr"; exit 1; }
scripts/marker-check tests/markers/boot.txt "$t/state/console.log"
[ -f "$t/state/journal" ] || { echo "no journal in the state directory"; exit 1; }

# The default state directory is a fresh one under TMPDIR, gone afterwards.
mkdir "$t/tmp"
TMPDIR="$t/tmp" "$BIN/nexus-sim" boot
[ -z "$(ls -A "$t/tmp")" ] || { echo "temporary state left behind:"; ls -la "$t/tmp"; exit 1; }
echo "boot ladder ok"
