#!/bin/sh
# nexus-sim run exits with the payload's own code (exit42 -> 42), with
# 128+N for a crashed payload (N: 11 memory fault, 4 illegal instruction,
# 5 breakpoint), execd's crash report on the console, and nothing of
# the crash on stdout.
set -u
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0

check() { # check BUNDLE CODE
	"$BIN/nexus-sim" run -v "$1" >"$t/out" 2>"$t/console"
	got=$?
	if [ "$got" -ne "$2" ]; then
		echo "FAIL: $1 exited $got, want $2"
		cat "$t/console"
		fail=1
		return
	fi
	if [ "$2" -ge 128 ] && ! grep -q "^execd: crash report pid=[0-9]* code=$2 name=" "$t/console"; then
		echo "FAIL: $1: no crash report with code=$2 on the console"
		cat "$t/console"
		fail=1
	fi
}

check test.exit42.nxb 42
check test.fault_null_load.nxb 139
check test.fault_rodata_store.nxb 139
check test.fault_wx_jump.nxb 139
check test.fault_stack_guard.nxb 139
check test.fault_unmapped_jump.nxb 139
check test.fault_illegal.nxb 132
check test.fault_ebreak.nxb 133
[ "$fail" -eq 0 ] && echo "run exit codes ok"
exit "$fail"
