#!/bin/sh
# nexus-sim run --gdb: Debian's gdb-multiarch against the stub. A
# breakpoint on a function, its argument, finish and the value returned,
# stepi, x/4i, memory and f registers, the architecture from the stub's
# target description, continue to a normal exit (the run exits 0 and prints what
# the payload prints); a faulting payload stops with SIGSEGV at the
# instruction nexus-sim's crash report names without gdb; a protocol
# client interrupts a running task (SIGINT stop) and kills it; a boot that
# runs a health check first still gives gdb the payload; bad --gdb
# addresses are usage errors; a run waiting for gdb still ends by its
# --timeout or a signal.
. tests/e2e/lib.sh
private_bin
sim=$work/bin/nexus-sim
P=$BUILD/payloads
GDB=gdb-multiarch
need "$P/gdbprobe.elf" "$P/fault_null_load.elf"
command -v "$GDB" >/dev/null || { echo "missing: $GDB (scripts/install-deps)"; exit 1; }

# start RUN-ARGS...: nexus-sim run --gdb on a free port with RUN-ARGS, in
# the background (pid), once its task waits for gdb (port).
start() {
	# Not the last run's lines: the background shell truncates it only later.
	rm -f "$work/run.err"
	"$sim" run --gdb 127.0.0.1:0 "$@" >"$work/run.out" 2>"$work/run.err" &
	pid=$!
	n=0
	while ! grep -q 'waiting for gdb' "$work/run.err" 2>/dev/null && [ "$n" -lt 1500 ]; do
		sleep 0.02
		n=$((n + 1))
	done
	port=$(sed -n 's/^nexus-sim: gdb: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/run.err")
	[ -n "$port" ] || {
		fail "$*: no port said: $(cat "$work/run.err")"
		kill "$pid"
	}
}

# debug ELF GDB-ARGS...: gdb in batch mode against the run; its output in $work/gdb.out.
debug() {
	elf=$1
	shift
	# No `set architecture`: the stub's target description says riscv:rv64.
	timeout -s KILL 120 "$GDB" -batch -nx -ex 'set remotetimeout 30' \
		-ex "target remote 127.0.0.1:$port" "$@" "$elf" >"$work/gdb.out" 2>&1
}

# ended WANT: the run exited WANT.
ended() {
	wait "$pid"
	rc=$?
	[ "$rc" -eq "$1" ] || fail "run exit $rc, want $1: $(cat "$work/run.err")"
}

# has PATTERN: gdb said a line matching the extended regex.
has() {
	grep -Eq -- "$1" "$work/gdb.out" || {
		fail "gdb did not say /$1/:"
		sed 's/^/     /' "$work/gdb.out"
	}
}

start test.gdb.nxb
debug "$P/gdbprobe.elf" -ex 'break square' -ex continue -ex 'p $a0' -ex finish \
	-ex 'p $a0' -ex 'p/x $pc' -ex stepi -ex 'p/x $pc' -ex 'x/4i $pc' -ex 'show architecture' \
	-ex 'x/x 0' -ex 'set var *(int *)$pc = 0' -ex 'set var *(long *)($sp - 64) = 0x1234abcd' \
	-ex 'x/gx $sp - 64' -ex 'set var $ft0 = 2.5' -ex 'p $ft0' -ex 'set var $frm = 2' \
	-ex 'p/x $fcsr' -ex continue
ended 0
has '^Breakpoint 1, square \(n=7\)'
has '^\$1 = 7$'
has '^Value returned is \$2 = 49$'
has '^\$3 = 49$'
before=$(sed -n 's/^\$4 = \(0x[0-9a-f]*\)$/\1/p' "$work/gdb.out")
after=$(sed -n 's/^\$5 = \(0x[0-9a-f]*\)$/\1/p' "$work/gdb.out")
# One instruction: 2 bytes (compressed) or 4 on.
[ -n "$before" ] && [ -n "$after" ] && { [ $((after - before)) -eq 2 ] || [ $((after - before)) -eq 4 ]; } ||
	fail "stepi: pc $before -> $after"
[ "$(grep -Ec '^(=>|  ) 0x[0-9a-f]+ <main\+[0-9]+>:' "$work/gdb.out")" -eq 4 ] ||
	fail "x/4i: $(cat "$work/gdb.out")"
has 'currently "riscv:rv64"'
# Memory with the task's rights: nothing at 0, code not writable, the stack is.
has '^0x0:[[:space:]]+Cannot access memory at address 0x0$'
has "^Cannot access memory at address $after\$"
has ':[[:space:]]+0x000000001234abcd$'
# f registers and fcsr (frm is its bits 5-7).
has '^\$6 = \{float = .*, double = 2.5\}$'
has '^\$7 = 0x40$'
has 'exited normally'
grep -qx 'gdbprobe: square = 49' "$work/run.out" || fail "payload output: $(cat "$work/run.out")"

# The crash pc without gdb, then gdb's stop there.
"$sim" run test.fault_null_load.nxb >/dev/null 2>"$work/plain.err"
want=$(sed -n 's/.* crashed: read_unmapped pc=\(0x[0-9a-f]*\) .*/\1/p' "$work/plain.err")
[ -n "$want" ] || fail "no crash pc without gdb: $(cat "$work/plain.err")"
start test.fault_null_load.nxb
debug "$P/fault_null_load.elf" -ex continue -ex 'p/x $pc'
ended 139
has 'Program received signal SIGSEGV'
has "^\\\$1 = $want\$"
grep -q "crashed: read_unmapped pc=$want " "$work/run.err" || fail "crash after detach: $(cat "$work/run.err")"

# A client of the protocol itself: ^C (0x03) stops a task that runs on, k kills it.
start test.busy.nxb -- 1000000000000
timeout -s KILL 120 python3 - "$port" >"$work/rsp.out" 2>&1 <<'EOF' || fail "rsp: $(cat "$work/rsp.out")"
import socket, sys, time

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))


def send(p):
    s.sendall(b"$%s#%02x" % (p, sum(p) & 0xFF))


def reply():
    while s.recv(1) != b"$":
        pass
    data = b""
    while (c := s.recv(1)) != b"#":
        data += c
    s.recv(2)
    s.sendall(b"+")
    return data


send(b"?")
assert reply() == b"T05thread:1;"
send(b"c")
time.sleep(0.2)  # lets it run: the stop must come whenever the 0x03 arrives
s.sendall(b"\x03")
r = reply()
assert r == b"T02thread:1;", r
send(b"k")
EOF
ended 137

# A boot that runs a health check first (a slot on trial: 2.0.0 after a
# damaged BootCtrl): gdb gets the run's payload, not the health check.
st=$work/trial
for v in 1.0.0 2.0.0; do
	"$sim" update --state "$st" "$BUILD/systems/sys-$v.nxs" >/dev/null 2>&1 || fail "update to $v: exit $?"
done
truncate -s 83 "$st/bootctrl"
start -v --state "$st" test.gdb.nxb
debug "$P/gdbprobe.elf" -ex 'break square' -ex continue -ex finish -ex continue
ended 0
grep -q 'init: health ok' "$work/run.err" || fail "no health check ran: $(cat "$work/run.err")"
has '^Value returned is \$1 = 49$'
has 'exited normally'

# Waiting for gdb, the run still ends: its --timeout, a signal.
"$sim" run --gdb 127.0.0.1:0 --timeout 5 test.gdb.nxb >"$work/run.out" 2>"$work/run.err"
rc=$?
[ "$rc" -eq 124 ] || fail "--timeout while waiting for gdb: exit $rc: $(cat "$work/run.err")"
grep -q 'waiting for gdb' "$work/run.err" && grep -q 'crashed: timeout pc=' "$work/run.err" ||
	fail "--timeout while waiting for gdb: $(cat "$work/run.err")"
start test.gdb.nxb
kill -TERM "$pid"
ended 143

expect 64 "--gdb 'nonsense': expected HOST:PORT" -- "$sim" run --gdb nonsense test.gdb.nxb
expect 64 "--gdb ':65536': expected HOST:PORT" -- "$sim" run --gdb :65536 test.gdb.nxb
expect 64 "--gdb 'no.such.host.invalid:0': " -- "$sim" run --gdb no.such.host.invalid:0 test.gdb.nxb
# SIM_PORT_MAX itself is a port: listened on, or in use by someone else.
"$sim" run --gdb 127.0.0.1:65535 --timeout 0.3 test.gdb.nxb >/dev/null 2>"$work/run.err"
rc=$?
if [ "$rc" -eq 124 ]; then
	grep -q 'listening on 127.0.0.1:65535$' "$work/run.err" || fail "port 65535: $(cat "$work/run.err")"
else
	[ "$rc" -eq 64 ] && grep -q "cannot listen there" "$work/run.err" ||
		fail "port 65535: exit $rc: $(cat "$work/run.err")"
fi
# A port in use: said, exit 64.
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(1); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$work/busy.port" &
holder=$!
n=0
while [ ! -s "$work/busy.port" ] && [ "$n" -lt 500 ]; do
	sleep 0.02
	n=$((n + 1))
done
busy=$(cat "$work/busy.port")
expect 64 "--gdb '127.0.0.1:$busy': cannot listen there: Address already in use" -- \
	"$sim" run --gdb "127.0.0.1:$busy" test.gdb.nxb
kill "$holder"
wait "$holder" 2>/dev/null
expect 64 "--gdb is not an option of boot" -- "$sim" boot --gdb :0

left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"
finish "gdb stub: break, finish, stepi, x/i, exit; SIGSEGV at the crash pc; ^C, kill; timeout, signal; bad addresses"
