#!/bin/sh
# strace attached to a running execd (strace -f -p) sees its frames go by
# as sendmsg/recvmsg: the daemons are ordinary Linux processes talking
# over sockets. test.waiter keeps the payload running while we attach.
set -eu
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
cleanup() {
	[ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
	[ -n "${tracer:-}" ] && kill "$tracer" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT
mkdir "$t/bin"
cp "$BIN/nexus-sim" "$t/bin/"
cp -r "$BIN/daemons" "$t/bin/"

"$t/bin/nexus-sim" run -v test.waiter.nxb -- 400 >"$t/out" 2>"$t/console" &
sim=$!

# Find our execd once it has started the payload (a hang guard, not a timing check).
pid=""
n=0
while [ -z "$pid" ] && [ "$n" -lt 500 ]; do
	if grep -qx 'execd: elf load ok' "$t/console" 2>/dev/null; then
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/exe" 2>/dev/null)" = "$t/bin/daemons/execd" ] && pid=${p#/proc/}
		done
	fi
	n=$((n + 1))
	[ -n "$pid" ] || sleep 0.02
done
[ -n "$pid" ] || { echo "execd never started the payload"; cat "$t/console"; exit 1; }

strace -f -p "$pid" -e trace=sendmsg,recvmsg -o "$t/trace" &
tracer=$!
wait "$sim"
sim=""
wait "$tracer" || true
tracer=""
grep -q 'waiter: done' "$t/out"
grep -q 'recvmsg(' "$t/trace" || { echo "no recvmsg in the trace:"; cat "$t/trace"; exit 1; }
grep -q 'sendmsg(' "$t/trace" || { echo "no sendmsg in the trace:"; cat "$t/trace"; exit 1; }
echo "strace saw execd's sendmsg/recvmsg:"
grep -E 'sendmsg\(|recvmsg\(' "$t/trace" | head -5
