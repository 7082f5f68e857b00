#!/bin/sh
# nexus-qemu run -v demo.hello.nxb: the greeting on stdout and only there,
# the QEMU target's marker ladder (tests/markers/qemu.txt) on stderr, and
# no console control byte leaking into either stream.
set -eu
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

"$BIN/nexus-qemu" run -v demo.hello.nxb >"$t/out" 2>"$t/console"
printf 'Hello from demo.hello\n' >"$t/want"
cmp "$t/out" "$t/want" || { echo "unexpected stdout:"; cat "$t/out"; exit 1; }
scripts/marker-check tests/markers/qemu.txt "$t/console"
if grep -q "$(printf '[\002\003\020]')" "$t/out" "$t/console"; then
	echo "a console control byte reached stdout or stderr"
	exit 1
fi
if grep -q 'Hello from demo.hello' "$t/console"; then
	echo "the payload's output reached the system console"
	exit 1
fi
echo "qemu ladder ok"
