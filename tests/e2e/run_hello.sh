#!/bin/sh
# nexus-sim run demo.hello.nxb: the payload's output on stdout and only
# there, exit 0, the console ladder of tests/markers/run.txt; arguments
# after -- reach the payload; a bare NAME.nxb is found on the bundle
# search path ($NEXUS_BUNDLE_PATH, then the build's bundles); --env K=V
# reaches the payload's environment.
. tests/e2e/lib.sh
set -e

"$SIM" run -v demo.hello.nxb >"$work/out" 2>"$work/console"
printf 'Hello from demo.hello\n' >"$work/want"
cmp "$work/out" "$work/want" || { echo "unexpected stdout:"; cat "$work/out"; exit 1; }
scripts/marker-check tests/markers/run.txt "$work/console"

"$SIM" run demo.hello.nxb -- one "two words" >"$work/out"
printf 'Hello from demo.hello\none\ntwo words\n' >"$work/want"
cmp "$work/out" "$work/want" || { echo "arguments did not arrive:"; cat "$work/out"; exit 1; }

# A bare name only NEXUS_BUNDLE_PATH holds is found there (its second entry);
# a path works as is.
mkdir "$work/b"
cp -r "$BUILD/bundles/demo.hello.nxb" "$work/b/renamed.nxb"
NEXUS_BUNDLE_PATH="$work/none:$work/b" "$SIM" run renamed.nxb >"$work/out"
grep -qx 'Hello from demo.hello' "$work/out"
"$SIM" run "$work/b/renamed.nxb" | grep -qx 'Hello from demo.hello'
if "$SIM" run renamed.nxb 2>"$work/err"; then
	echo "renamed.nxb found without NEXUS_BUNDLE_PATH"
	exit 1
fi
grep -q 'not found' "$work/err"
# --env reaches the payload's envp, in order, beside its arguments.
"$SIM" run --env A=1 --env "B=two words" test.echo.nxb -- x >"$work/out"
printf 'argc=2\nargv[0]=test.echo\nargv[1]=x\nenvp[0]=A=1\nenvp[1]=B=two words\n' >"$work/want"
cmp "$work/out" "$work/want" || { echo "environment did not arrive:"; cat "$work/out"; exit 1; }
# With -v, a run trusting the dev key says the key is for tests only; with --trust it does not.
"$SIM" run -v demo.hello.nxb 2>"$work/console" >/dev/null
grep -q "^nexus-sim: trusting the dev key of .*: TEST ONLY" "$work/console" ||
	{ echo "no dev key notice with -v"; exit 1; }
"$SIM" run -v --trust fixtures/trust demo.hello.nxb 2>"$work/console" >/dev/null
grep -q "TEST ONLY" "$work/console" && { echo "dev key notice with --trust"; exit 1; }
echo "run demo.hello ok"
