#!/bin/sh
# The manifest's capabilities are enforced by the kernel. The console
# probe (one debug_write, its result as the exit code) runs twice: with
# ohos.permission.CONSOLE it prints and exits 0; with only a capability
# the ABI does not know, the kernel refuses the write with -EPERM, the
# payload sees it (exit 1) and nothing reaches stdout.
. tests/e2e/lib.sh

"$SIM" run test.console.nxb >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] || fail "test.console: exit $rc, want 0: $(cat "$work/err")"
grep -qx 'console granted' "$work/out" || fail "test.console: no output: $(cat "$work/out")"

"$SIM" run test.noconsole.nxb >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] || fail "test.noconsole: exit $rc, want 1 (the write refused with -EPERM)"
[ -s "$work/out" ] && fail "test.noconsole printed without the capability: $(cat "$work/out")"
finish "capabilities enforced both ways"
