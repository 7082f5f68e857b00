#!/bin/sh
# strace attached to a running execd (strace -f -p) sees its frames go by
# as sendmsg/recvmsg: the daemons are ordinary Linux processes talking
# over sockets. test.waiter keeps the payload running while we attach.
. tests/e2e/lib.sh
set -e
stop() {
	[ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
	[ -n "${tracer:-}" ] && kill "$tracer" 2>/dev/null || true
	rm -rf "$work"
}
trap stop EXIT
private_bin

"$work/bin/nexus-sim" run -v test.waiter.nxb -- 2000 >"$work/out" 2>"$work/console" &
sim=$!

# Find our execd once it has started the payload (a hang guard, not a timing check).
pid=""
n=0
while [ -z "$pid" ] && [ "$n" -lt 500 ]; do
	if grep -qx 'execd: elf load ok' "$work/console" 2>/dev/null; then
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/exe" 2>/dev/null)" = "$work/bin/daemons/execd" ] && pid=${p#/proc/}
		done
	fi
	n=$((n + 1))
	[ -n "$pid" ] || sleep 0.02
done
[ -n "$pid" ] || { echo "execd never started the payload"; cat "$work/console"; exit 1; }

strace -f -p "$pid" -e trace=sendmsg,recvmsg -o "$work/trace" &
tracer=$!
wait "$sim"
sim=""
wait "$tracer" || true
tracer=""
grep -q 'waiter: done' "$work/out"
grep -q 'recvmsg(' "$work/trace" || { echo "no recvmsg in the trace:"; cat "$work/trace"; exit 1; }
grep -q 'sendmsg(' "$work/trace" || { echo "no sendmsg in the trace:"; cat "$work/trace"; exit 1; }
echo "strace saw execd's sendmsg/recvmsg:"
grep -E 'sendmsg\(|recvmsg\(' "$work/trace" | head -5
