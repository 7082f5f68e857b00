#!/bin/sh
# 100 sessions in a row (50 boots, 50 runs, some of them failing on
# purpose) leave no process and no temporary directory behind. The
# binaries are copied to a private directory so that any process still
# running from there is ours, whatever else runs on the machine.
. tests/e2e/lib.sh
set -e
private_bin
mkdir "$work/tmp"

i=0
while [ "$i" -lt 50 ]; do
	TMPDIR="$work/tmp" "$work/bin/nexus-sim" boot
	TMPDIR="$work/tmp" "$work/bin/nexus-sim" run demo.hello.nxb >/dev/null
	i=$((i + 1))
done
# Failing sessions clean up too: a crash, a refusal and a boot failure.
TMPDIR="$work/tmp" "$work/bin/nexus-sim" run test.fault_null_load.nxb >/dev/null || true
TMPDIR="$work/tmp" "$work/bin/nexus-sim" run "$work/none.nxb" 2>/dev/null || true
TMPDIR="$work/tmp" NEXUS_FAULT=seccomp:nosuchd "$work/bin/nexus-sim" boot 2>/dev/null || true

left=$(ours)
[ -z "$left" ] || { echo "processes left behind:"; echo "$left"; exit 1; }
[ -z "$(ls -A "$work/tmp")" ] || { echo "temporary directories left behind:"; ls -la "$work/tmp"; exit 1; }
echo "103 sessions, nothing left behind"
