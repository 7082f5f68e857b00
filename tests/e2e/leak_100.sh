#!/bin/sh
# 100 sessions in a row (50 boots, 50 runs, some of them failing on
# purpose) leave no process and no temporary directory behind. The
# binaries are copied to a private directory so that any process still
# running from there is ours, whatever else runs on the machine.
set -eu
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir "$t/bin" "$t/tmp"
cp "$BIN/nexus-sim" "$t/bin/"
cp -r "$BIN/daemons" "$t/bin/"

ours() { # pids whose executable lives in our private copy
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in "$t/bin/"*) echo "${p#/proc/} $exe" ;; esac
	done
}

i=0
while [ "$i" -lt 50 ]; do
	TMPDIR="$t/tmp" "$t/bin/nexus-sim" boot
	TMPDIR="$t/tmp" "$t/bin/nexus-sim" run demo.hello.nxb >/dev/null
	i=$((i + 1))
done
# Failing sessions clean up too: a crash, a refusal and a boot failure.
TMPDIR="$t/tmp" "$t/bin/nexus-sim" run test.fault_null_load.nxb >/dev/null || true
TMPDIR="$t/tmp" "$t/bin/nexus-sim" run "$t/none.nxb" 2>/dev/null || true
TMPDIR="$t/tmp" NEXUS_FAULT=seccomp:nosuchd "$t/bin/nexus-sim" boot 2>/dev/null || true

left=$(ours)
[ -z "$left" ] || { echo "processes left behind:"; echo "$left"; exit 1; }
[ -z "$(ls -A "$t/tmp")" ] || { echo "temporary directories left behind:"; ls -la "$t/tmp"; exit 1; }
echo "103 sessions, nothing left behind"
