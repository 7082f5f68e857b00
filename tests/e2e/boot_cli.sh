#!/bin/sh
# nexus-sim boot/run command lines: --help, usage errors (64), what
# cannot be opened (66), and --selftest refused while no selftest exists.
set -u
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0

expect() { # expect CODE PATTERN -- command...
	code=$1 pat=$2
	shift 3
	"$@" >"$t/out" 2>&1
	got=$?
	if [ "$got" -ne "$code" ] || ! grep -q -- "$pat" "$t/out"; then
		echo "FAIL: $* -> exit $got (want $code), output:"
		cat "$t/out"
		fail=1
	fi
}

expect 0 "usage: nexus-sim boot" -- "$BIN/nexus-sim" boot --help
expect 0 "usage: nexus-sim run" -- "$BIN/nexus-sim" run --help
expect 64 "not available yet" -- "$BIN/nexus-sim" boot --selftest
expect 64 "unknown option '--bogus'" -- "$BIN/nexus-sim" boot --bogus
expect 64 "needs a directory" -- "$BIN/nexus-sim" boot --state
expect 64 "no bundle named" -- "$BIN/nexus-sim" run
expect 64 "unexpected argument" -- "$BIN/nexus-sim" run a.nxb b.nxb
expect 66 "cannot open trust directory" -- "$BIN/nexus-sim" boot --trust "$t/none"
expect 66 "bundle nosuch.nxb not found" -- "$BIN/nexus-sim" run nosuch.nxb
expect 66 "cannot open bundle" -- "$BIN/nexus-sim" run "$t/none.nxb"
expect 64 "expected seccomp:<daemon> or hang:<daemon>" -- env NEXUS_FAULT=bogus "$BIN/nexus-sim" boot
expect 70 "names no known fault" -- env NEXUS_FAULT=seccomp:nosuchd "$BIN/nexus-sim" boot
[ "$fail" -eq 0 ] && echo "boot/run command lines ok"
exit "$fail"
