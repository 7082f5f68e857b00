#!/bin/sh
# nexus-sim boot: every daemon comes up in order (tests/markers/boot.txt),
# the system shuts down cleanly (exit 0), the console goes to stderr with
# -v and to stdout without, and a default state directory is removed
# afterwards while a --state one is kept with logd's journal.
set -eu
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

"$BIN/nexus-sim" boot -v 2>"$t/console"
scripts/marker-check tests/markers/boot.txt "$t/console"

# Without -v the ladder is on stdout, and nothing on stderr; --state is kept.
"$BIN/nexus-sim" boot --state "$t/state" >"$t/stdout" 2>"$t/stderr"
[ ! -s "$t/stderr" ] || { echo "boot printed on stderr without -v:"; cat "$t/stderr"; exit 1; }
scripts/marker-check tests/markers/boot.txt "$t/stdout"
[ -f "$t/state/journal" ] || { echo "no journal in the state directory"; exit 1; }

# The default state directory is a fresh one under TMPDIR, gone afterwards.
mkdir "$t/tmp"
TMPDIR="$t/tmp" "$BIN/nexus-sim" boot >/dev/null
[ -z "$(ls -A "$t/tmp")" ] || { echo "temporary state left behind:"; ls -la "$t/tmp"; exit 1; }
echo "boot ladder ok"
