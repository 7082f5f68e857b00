#!/bin/sh
# Every signal that ends a run ends it cleanly: exit 128+N (SIGINT 130,
# SIGTERM 143, SIGUSR1 138), the temporary state directory removed and
# nothing left running; a reader that goes away (| head -c1) only loses
# output; a console nobody reads never keeps nexus-sim from a signal.
. tests/e2e/lib.sh
private_bin
sim=$work/bin/nexus-sim
mkdir "$work/tmp"

# signal SIG WANT: a run of test.waiter ended by SIG once the payload runs.
signal() {
	TMPDIR=$work/tmp "$sim" run -v test.waiter.nxb -- 100000 >/dev/null 2>"$work/err" &
	pid=$!
	n=0
	while ! grep -q 'execd: elf load ok' "$work/err" 2>/dev/null && [ "$n" -lt 500 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	kill -"$1" "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" -eq "$2" ] || fail "SIG$1: exit $rc, want $2"
}
signal INT 130
signal TERM 143
signal USR1 138
signal HUP 129

# The reader goes away after one byte: the run finishes, exit 0, nothing said.
(TMPDIR=$work/tmp "$sim" run test.flood.nxb -- 1000000 2>"$work/err"; echo "$?" >"$work/rc") |
	head -c1 >/dev/null
[ "$(cat "$work/rc")" = 0 ] || fail "| head -c1: exit $(cat "$work/rc"), want 0"
[ -s "$work/err" ] && fail "| head -c1: $(cat "$work/err")"

# A stalled console (a reader that never reads): SIGTERM still ends the run.
mkfifo "$work/fifo"
sleep 30 <"$work/fifo" &
holder=$!
TMPDIR=$work/tmp "$sim" run test.flood.nxb -- 10000000 >"$work/fifo" 2>/dev/null &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
kill "$holder" 2>/dev/null
[ "$rc" -eq 143 ] || fail "stalled console + SIGTERM: exit $rc, want 143"

[ -z "$(ls -A "$work/tmp")" ] || fail "temporary state left behind: $(ls "$work/tmp")"
left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"
finish "signals end runs cleanly"
