#!/bin/sh
# nexus-sim run --with B.nxb: each B is installed through bundlemgrd before
# the run, so pkg:/ names (and registry programs) resolve to it; a B that
# does not install fails the run as a bad main bundle does (one line, the
# same exit code, nothing run); the bundles of one run are bounded by
# NX_RUN_BUNDLES_MAX (64, the run's own included), tested at 64 and 65.
. tests/e2e/lib.sh
need "$SIM" "$BUILD/bundles/demo.hello.nxb" "$BUILD/bundles/test.exit42.nxb"

# The main bundle names one installed by --with.
out=$("$SIM" run --with demo.hello.nxb pkg:/demo.hello 2>"$work/err")
rc=$?
[ "$rc" -eq 0 ] && [ "$out" = "Hello from demo.hello" ] || fail "--with then pkg:/: exit $rc: $out $(cat "$work/err")"
# Several, in order, beside a main bundle of their own.
out=$("$SIM" run -v --with demo.hello.nxb --with test.exit42.nxb test.echo.nxb 2>"$work/err")
[ $? -eq 0 ] || fail "two --with and a bundle: $(cat "$work/err")"
grep -q '^nexus-sim: --with demo.hello.nxb: installed demo.hello@1.0.0$' "$work/err" &&
	grep -q '^nexus-sim: --with test.exit42.nxb: installed test.exit42@1.0.0$' "$work/err" ||
	fail "-v does not say what --with installed: $(grep nexus-sim "$work/err")"
# Without it, nothing is installed for pkg:/ to find.
expect 65 '^nexus-sim: demo.hello: not installed$' -- "$SIM" run pkg:/demo.hello

# A --with bundle that does not install: the main bundle's refusal, nothing run.
cp -r "$BUILD/bundles/demo.hello.nxb" "$work/bad.nxb"
printf 'x' >>"$work/bad.nxb/payload.elf"
"$SIM" run "$work/bad.nxb" >"$work/main.out" 2>"$work/main.err"
main_rc=$?
"$SIM" run --with "$work/bad.nxb" test.exit42.nxb >"$work/with.out" 2>"$work/with.err"
with_rc=$?
[ "$main_rc" -eq 65 ] && [ "$with_rc" -eq 65 ] || fail "bad bundle: exit $main_rc as the run's, $with_rc as --with"
cmp -s "$work/main.err" "$work/with.err" ||
	fail "--with refusal differs from the run's: $(cat "$work/with.err") / $(cat "$work/main.err")"
[ "$(wc -l <"$work/with.err")" -eq 1 ] && grep -q '^nexus-sim: bad.nxb: payload.elf: ' "$work/with.err" ||
	fail "--with refusal is not one line naming it: $(cat "$work/with.err")"
[ ! -s "$work/with.out" ] || fail "the run ran after a --with refusal: $(cat "$work/with.out")"
# One that cannot be found: 66 before anything starts, as the run's own.
expect 66 '^nexus-sim: bundle nosuch.nxb not found' -- "$SIM" run --with nosuch.nxb demo.hello.nxb
expect 64 '--with needs a bundle' -- "$SIM" run --with '' demo.hello.nxb
expect 64 '--with is not an option of status' -- "$SIM" status --with demo.hello.nxb

# At the limit: the run's bundle and 63 --with, 64 bundles in one session.
with=""
for i in $(seq 63); do with="$with --with test.exit42.nxb"; done
# shellcheck disable=SC2086 # one word per option, on purpose
out=$("$SIM" run $with demo.hello.nxb 2>"$work/err")
[ $? -eq 0 ] && [ "$out" = "Hello from demo.hello" ] || fail "64 bundles: $out $(cat "$work/err")"
# shellcheck disable=SC2086
expect 64 'more than 63 --with bundles \(at most 64 bundles in one session' -- \
	"$SIM" run $with --with test.exit42.nxb demo.hello.nxb
finish "run --with installs before the run, refuses as the run does, at most 64 bundles"
