#!/bin/sh
# nexus-sim --trace: syscall and sched lines identical between two runs
# (a good payload and a crashing one), the lines docs/tools.md shows,
# strings cut at TRACE_STR_MAX (32) bytes and not before, errors by name,
# --trace-out or stderr, ipc lines for the frames of a run with both ends
# paired, and every bad --trace / --trace-out refused with exit 64 (73 for
# a file that cannot be created) before anything ran.
. tests/e2e/lib.sh
need "$SIM" "$BUILD/bundles/demo.hello.nxb" "$BUILD/bundles/test.fault_null_load.nxb"

# trace_twice NAME CODE: two runs of NAME traced to files, both exit CODE, same lines.
trace_twice() {
	for i in 1 2; do
		"$SIM" run --trace=syscalls,sched --trace-out "$work/$1.$i" "$1.nxb" \
			>"$work/$1.out.$i" 2>"$work/$1.err.$i"
		got=$?
		[ "$got" -eq "$2" ] || fail "$1 run $i: exit $got, want $2"
	done
	cmp -s "$work/$1.1" "$work/$1.2" || {
		fail "$1: two runs traced differently"
		diff "$work/$1.1" "$work/$1.2" | sed 's/^/     /'
	}
}

# has FILE LINE: FILE holds LINE exactly.
has() {
	grep -qxF -- "$2" "$1" || {
		fail "$1 lacks: $2"
		sed 's/^/     /' "$1"
	}
}

trace_twice demo.hello 0
has "$work/demo.hello.1" '[demo.hello:1] debug_write("Hello from demo.hello\n", 22) = 22'
has "$work/demo.hello.1" '[demo.hello:1] exit(0) = ?'
has "$work/demo.hello.1" '[demo.hello:1] sched: ran alone, stopped: exit 0'
# The payload's stdout is its own: no trace line there, nor on stderr with --trace-out.
printf 'Hello from demo.hello\n' | cmp -s - "$work/demo.hello.out.1" || fail "stdout changed"
[ -s "$work/demo.hello.err.1" ] && fail "stderr not empty with --trace-out"

trace_twice test.fault_null_load 139
has "$work/test.fault_null_load.1" \
	'[test.fault_null_load:1] sched: ran alone, stopped: crash read_unmapped'

# Default: stderr. An error by name.
"$SIM" run --trace=syscalls test.noconsole.nxb >/dev/null 2>"$work/nocon"
has "$work/nocon" '[test.noconsole:1] debug_write("console granted\n", 16) = -1 (EPERM)'

# A string of TRACE_STR_MAX bytes is shown whole, one more is cut.
a31=1234567890123456789012345678901
"$SIM" run --trace=syscalls test.echo.nxb -- "$a31" "${a31}2" >/dev/null 2>"$work/echo"
has "$work/echo" "[test.echo:1] debug_write(\"$a31\\n\", 32) = 32"
has "$work/echo" "[test.echo:1] debug_write(\"${a31}2\"..., 33) = 33"

# ipc: the frames of a run, both ends of each seen (no "?" end).
"$SIM" run --trace=ipc --trace-out "$work/ipc" demo.hello.nxb >/dev/null || fail "ipc run failed"
for pat in '^ipc: kernel -> init CTL_CONFIG len=0 id=kernel\.[0-9]+ fd=[0-9]+$' \
	'^ipc: init -> bundlemgrd BUNDLE_INSTALL len=[0-9]+ id=init\.[0-9]+ fd=[0-9]+$' \
	'^ipc: bundlemgrd -> keystored KEY_VERIFY ' \
	'^ipc: execd -> kernel KCALL\(spawn_attrs\) len=120 id=execd\.[0-9]+ fd=-$' \
	'^ipc: kernel -> execd REPLY\(1\) len=0 id=execd\.' \
	'^ipc: init -> kernel CTL_RESULT len=328 ' \
	'^ipc: init -> logd SVC_STOP '; do
	grep -Eq -- "$pat" "$work/ipc" || fail "no ipc line /$pat/"
done
grep -q '^\[' "$work/ipc" && fail "syscall lines without --trace=syscalls"
grep -Eq -- '-> \?|^ipc: \?' "$work/ipc" && fail "a frame with one end only:" &&
	grep -E -- '-> \?|^ipc: \?' "$work/ipc" | sed 's/^/     /'
# boot and update take it too.
"$SIM" boot --trace=ipc --trace-out "$work/boot" >/dev/null || fail "boot --trace failed"
grep -q '^ipc: execd -> init SVC_READY ' "$work/boot" || fail "boot: no READY from execd"

# Refusals: exit 64, the flag named, nothing created, nothing run.
for bad in --trace=bogus --trace=syscalls,,sched --trace= --trace=syscalls,bogus \
	"--trace-out=$work/x" "--trace=ipc --trace-out="; do
	# shellcheck disable=SC2086 # split on purpose: some cases are two options
	expect 64 'trace' -- "$SIM" run $bad demo.hello.nxb
done
[ -e "$work/x" ] && fail "--trace-out without --trace created its file"
expect 64 'not an option of status' -- "$SIM" status --trace=ipc --state "$work/st"
expect 64 'not an option of inspect|unknown option' -- "$SIM" inspect --trace=ipc demo.hello.nxb
expect 73 "--trace-out $work/no/such/dir: cannot create" -- \
	"$SIM" run --trace=syscalls --trace-out "$work/no/such/dir" demo.hello.nxb

finish "trace: syscall and sched lines stable, ipc frames paired, refusals exit 64"
