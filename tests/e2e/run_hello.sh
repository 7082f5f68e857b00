#!/bin/sh
# nexus-sim run demo.hello.nxb: the payload's output on stdout and only
# there, exit 0, the console ladder of tests/markers/run.txt; arguments
# after -- reach the payload; a bare NAME.nxb is found on the bundle
# search path ($NEXUS_BUNDLE_PATH, then the build's bundles).
set -eu
BIN=${NX_BIN:-bin}
BUILD=${NX_BUILD:-build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

"$BIN/nexus-sim" run -v demo.hello.nxb >"$t/out" 2>"$t/console"
printf 'Hello from demo.hello\n' >"$t/want"
cmp "$t/out" "$t/want" || { echo "unexpected stdout:"; cat "$t/out"; exit 1; }
scripts/marker-check tests/markers/run.txt "$t/console"

"$BIN/nexus-sim" run demo.hello.nxb -- one "two words" >"$t/out"
printf 'Hello from demo.hello\none\ntwo words\n' >"$t/want"
cmp "$t/out" "$t/want" || { echo "arguments did not arrive:"; cat "$t/out"; exit 1; }

# A bare name only NEXUS_BUNDLE_PATH holds is found there (its second entry);
# a path works as is.
mkdir "$t/b"
cp -r "$BUILD/bundles/demo.hello.nxb" "$t/b/renamed.nxb"
NEXUS_BUNDLE_PATH="$t/none:$t/b" "$BIN/nexus-sim" run renamed.nxb >"$t/out"
grep -qx 'Hello from demo.hello' "$t/out"
"$BIN/nexus-sim" run "$t/b/renamed.nxb" | grep -qx 'Hello from demo.hello'
if "$BIN/nexus-sim" run renamed.nxb 2>"$t/err"; then
	echo "renamed.nxb found without NEXUS_BUNDLE_PATH"
	exit 1
fi
grep -q 'not found' "$t/err"
echo "run demo.hello ok"
