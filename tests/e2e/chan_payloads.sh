#!/bin/sh
# Channels through real payloads (fixtures/payloads/chan.c, pingpong.c):
# test.chan's checks each hold under nexus-sim and the harness, and
# demo.pingpong's 10,000 round trips between two tasks sharing a VMO
# print the same summary on every run.
. tests/e2e/lib.sh
need "$SIM" "$BUILD/bundles/test.chan.nxb" "$BUILD/bundles/demo.pingpong.nxb" \
	"$BUILD/harness/nxrun-elf"

checks="create order nonblock-empty queue-full-at-max bytes-at-max bytes-past-max
too-long-refused truncate deadline epipe-send epipe-recv handles-past-max handles-at-max
cap-move rights-shrink rights-grow-refused spawn-peer wake-by-send shared-vmo wake-by-close
cap-transfer-not-child"

# chan_out FILE: every check printed ok, none FAIL, the closing line.
chan_out() {
	for c in $checks; do
		grep -qx "chan: ok $c" "$1" || fail "$1: no 'chan: ok $c'"
	done
	if grep -q FAIL "$1"; then
		fail "$1: a check failed:"
		grep FAIL "$1"
	fi
	grep -qx 'chan: all checks held' "$1" || fail "$1: no closing line"
}

"$SIM" run test.chan.nxb >"$work/chan.out" 2>&1 || fail "nexus-sim run test.chan.nxb: exit $?"
chan_out "$work/chan.out"
"$BUILD/harness/nxrun-elf" "$BUILD/payloads/chan.elf" >"$work/chan2.out" 2>&1 ||
	fail "nxrun-elf chan.elf: exit $?"
chan_out "$work/chan2.out"

cat >"$work/want" <<'OUT'
pingpong: 10000 round trips over a channel, every reply in order
pingpong: shared page: pong counted 10000 pings, sum 49995000
pingpong: pong exited 0
OUT
for i in 1 2 3; do
	"$SIM" run demo.pingpong.nxb >"$work/pp$i" 2>&1 || fail "demo.pingpong run $i: exit $?"
	cmp -s "$work/pp$i" "$work/want" || {
		fail "demo.pingpong run $i printed:"
		cat "$work/pp$i"
	}
done
"$BUILD/harness/nxrun-elf" "$BUILD/payloads/pingpong.elf" 3 >"$work/pp3" 2>&1 ||
	fail "nxrun-elf pingpong.elf 3: exit $?"
grep -qx 'pingpong: shared page: pong counted 3 pings, sum 3' "$work/pp3" ||
	fail "pingpong 3: $(cat "$work/pp3")"
expect 64 'must be a number of round trips' -- "$SIM" run demo.pingpong.nxb -- 0
expect 64 'must be a number of round trips' -- "$SIM" run demo.pingpong.nxb -- x

finish "chan_payloads: test.chan and demo.pingpong ok"
