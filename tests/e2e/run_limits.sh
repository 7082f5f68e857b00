#!/bin/sh
# A run's guest resources are bounded and the run goes on at the bound:
# memory (every VMO of every task charged at creation; --mem-limit, default
# 1 GiB), console output (NX_CONSOLE_QUOTA, 16 MiB) and time (--timeout:
# a crash report with cause timeout, exit 124, nothing left running).
. tests/e2e/lib.sh
private_bin
sim=$work/bin/nexus-sim

# Memory: 64 MiB VMOs until -ENOMEM, then the payload goes on and says so.
"$sim" run test.memhog.nxb >"$work/out" 2>"$work/err" || fail "memhog at 1 GiB: $(cat "$work/err")"
grep -qx 'memhog: 15 VMOs of 65536 KiB, then error -12, still running' "$work/out" ||
	fail "memhog at the default 1 GiB: $(cat "$work/out")"
"$sim" run --mem-limit 200M test.memhog.nxb >"$work/out" 2>"$work/err" ||
	fail "memhog at 200M: $(cat "$work/err")"
grep -qx 'memhog: 3 VMOs of 65536 KiB, then error -12, still running' "$work/out" ||
	fail "memhog at 200M: $(cat "$work/out")"
# The limit is exact, in pages: one page more of limit is one more one-page VMO,
# one byte less than that page is not.
count() { "$sim" run --mem-limit "$1" test.memhog.nxb -- 4 | sed -n 's/^memhog: \([0-9]*\) VMOs.*/\1/p'; }
n=$(count $((1 << 20)))
[ -n "$n" ] && [ "$(count $(((1 << 20) + 4096)))" -eq $((n + 1)) ] &&
	[ "$(count $(((1 << 20) + 4095)))" -eq "$n" ] || fail "memory limit is not exact (n=$n)"
# Too small to hold the payload itself: said, exit 70.
"$sim" run --mem-limit 64K test.memhog.nxb >/dev/null 2>"$work/err"
[ $? -eq 70 ] && grep -q "the run's memory limit is reached" "$work/err" ||
	fail "memhog at 64K: $(cat "$work/err")"
expect 64 "--mem-limit '0': expected a size" -- "$sim" run --mem-limit 0 test.memhog.nxb
expect 64 "--mem-limit '2T': expected a size" -- "$sim" run --mem-limit 2T test.memhog.nxb

# Console: exactly the quota gets through, then -ENOSPC (the payload exits 28).
"$sim" run test.flood.nxb >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 28 ] || fail "flood: exit $rc, want 28 (ENOSPC at the quota)"
[ "$(wc -c <"$work/out")" -eq $((16 << 20)) ] || fail "flood: $(wc -c <"$work/out") bytes, want 16 MiB"
"$sim" run test.flood.nxb -- $((16 << 20)) >/dev/null || fail "flood of exactly the quota refused"

# Time: the payload is ended with cause timeout, the run exits 124. The
# budget covers the whole session: 5 s leaves the boot time to start the
# payload even in the sanitizer build on a loaded machine.
"$sim" run -v --timeout 5 test.waiter.nxb -- 100000 >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 124 ] || fail "timeout: exit $rc, want 124"
grep -Eq '^execd: error crash report .*cause=timeout .*name=test.waiter' "$work/err" ||
	fail "timeout: no crash record with cause timeout: $(grep execd "$work/err")"
grep -q '^nexus-sim: timed out after 5.000 s$' "$work/err" || fail "timeout: no message"
expect 64 "--timeout 'x': expected seconds" -- "$sim" run --timeout x test.waiter.nxb
left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"
finish "memory, console and time are bounded"
