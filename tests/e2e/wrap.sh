#!/bin/sh
# nexus-sim --wrap DAEMON=CMD with the real tools (docs/tools.md): strace
# on execd writes a trace of its frames, valgrind runs keystored (and
# says it found no error), perf records bundlemgrd; each run prints what
# an unwrapped one prints. A soft reboot (update) starts the wrapped
# daemon under its tool again. Bad --wrap values are usage errors (64),
# the word and byte limits are tested at the limit and one past it.
. tests/e2e/lib.sh
need "$SIM" "$BUILD/bundles/demo.hello.nxb" "$BUILD/systems/sys-1.0.0.nxs"
SIM=$(cd "$(dirname "$SIM")" && pwd)/nexus-sim
SET=$(pwd)/$BUILD/systems/sys-1.0.0.nxs
for t in strace valgrind perf env; do
	command -v $t >/dev/null || { echo "missing: $t (scripts/install-deps installs it)"; exit 1; }
done

"$SIM" run demo.hello.nxb >"$work/plain.out" 2>&1 || fail "unwrapped run: exit $?"

# wrapped DIR CODE ARGS...: run nexus-sim in $work/DIR (a wrapper writes there); want exit CODE.
wrapped() {
	dir=$work/$1 code=$2
	shift 2
	mkdir -p "$dir"
	(cd "$dir" && "$SIM" "$@" >"$dir/out" 2>"$dir/err")
	got=$?
	[ "$got" -eq "$code" ] || { fail "$* -> exit $got (want $code):"; sed 's/^/     /' "$dir/err"; }
}

# strace: execd's own calls, its frames included, and the same output.
wrapped st 0 run --wrap execd='strace -f -o execd.trace' demo.hello.nxb
cmp -s "$work/st/out" "$work/plain.out" || fail "strace: output differs from an unwrapped run"
grep -q 'execve(".*/daemons/execd"' "$work/st/execd.trace" 2>/dev/null ||
	fail "strace: execd.trace does not show execd's exec"
grep -q 'recvmsg(' "$work/st/execd.trace" 2>/dev/null || fail "strace: no recvmsg in execd.trace"
grep -q 'sendmsg(' "$work/st/execd.trace" 2>/dev/null || fail "strace: no sendmsg in execd.trace"

# valgrind: keystored verifies the bundle's signature under memcheck. An ASan build
# (make asan) cannot run under valgrind at all: that case says so instead.
if grep -q __asan_init "$BIN/daemons/keystored"; then
	echo "NOTE an ASan build: valgrind cannot run its daemons, so --wrap with valgrind is NOT tested"
else
	wrapped vg 0 run -v --wrap keystored='valgrind --error-exitcode=99' demo.hello.nxb
	grep -q 'Hello from demo.hello' "$work/vg/out" || fail "valgrind: no payload output"
	grep -Eq '^==[0-9]+== Command: .*/daemons/keystored$' "$work/vg/err" ||
		fail "valgrind: memcheck did not run keystored"
	grep -Eq '^==[0-9]+== ERROR SUMMARY: 0 errors' "$work/vg/err" ||
		fail "valgrind: no clean ERROR SUMMARY for keystored"
	grep -q '^init: up keystored' "$work/vg/err" || fail "valgrind: keystored never came up"
	grep -q 'keystored exited code=99' "$work/vg/err" && fail "valgrind: memcheck found errors"
fi

# perf: a profile of bundlemgrd, if this machine lets an unprivileged process use perf at all.
# As the user types it: perf picks its default event (cpu-clock where there is no PMU).
if setpriv --inh-caps=-all --bounding-set=-all perf record -o "$work/probe.data" true \
	>"$work/probe.err" 2>&1; then
	wrapped pf 0 run --wrap bundlemgrd='perf record -o bm.data' demo.hello.nxb
	cmp -s "$work/pf/out" "$work/plain.out" || fail "perf: output differs from an unwrapped run"
	perf report -i "$work/pf/bm.data" --stdio --sort comm >"$work/pf/report" 2>&1 ||
		fail "perf: perf report cannot read bm.data"
	grep -q 'bundlemgrd' "$work/pf/report" || {
		fail "perf: bm.data has no sample of bundlemgrd:"
		sed 's/^/     /' "$work/pf/report"
	}
else
	echo "NOTE perf cannot record here even outside nexus-sim, so --wrap with perf is NOT tested:"
	sed 's/^/     /' "$work/probe.err"
fi

# A wrapper's own exit status at shutdown is reported (valgrind --error-exitcode's way).
wrapped sh7 0 run -v --wrap vfsd="sh -c '\"\$@\"; exit 7' sh" demo.hello.nxb
grep -q '^init: vfsd exited code=7$' "$work/sh7/err" || fail "a wrapper's exit 7 at shutdown is not reported"
cmp -s "$work/sh7/out" "$work/plain.out" || fail "sh -c wrapper: output differs"

# --wrap does not allow namespaces: unshare(CLONE_NEWNET) kills the tool, init says so.
wrapped ns 70 run -v --wrap vfsd='unshare -n' demo.hello.nxb
grep -q '^init: vfsd died signal=SIGSYS$' "$work/ns/err" || fail "unshare -n as a wrapper was not killed"

# boot: samgrd under strace, the ladder as without.
wrapped bt 0 boot --wrap samgrd='strace -o samgrd.trace'
grep -q 'init: ready' "$work/bt/out" || fail "boot --wrap: no ready marker"
grep -q 'recvmsg(' "$work/bt/samgrd.trace" 2>/dev/null || fail "boot --wrap: no samgrd trace"

# A soft reboot keeps the wrapper: execd starts under strace in both boots of an update.
wrapped up 0 update --state "$work/up/state" --wrap execd='strace -A -o execd.trace' "$SET"
n=$(grep -c 'execve(".*/daemons/execd"' "$work/up/execd.trace" 2>/dev/null)
[ "${n:-0}" -ge 2 ] || fail "update --wrap: execd traced in ${n:-0} boot(s), want 2"

# SIM_WRAP_MAX: every daemon init starts, each under env(1); a ninth --wrap names one twice.
all=""
for d in logd samgrd keystored updated bundlemgrd packagefsd vfsd execd; do
	all="$all --wrap $d=env"
done
# shellcheck disable=SC2086
wrapped all8 0 run -v $all demo.hello.nxb
cmp -s "$work/all8/out" "$work/plain.out" || fail "8 wrapped daemons: output differs"
# shellcheck disable=SC2086
expect 64 "--wrap 'execd=env': this daemon is already wrapped" -- "$SIM" run $all --wrap execd=env \
	demo.hello.nxb

# NX_WRAP_PATH_MAX: a program found in $PATH at a path of 4095 bytes runs; at 4096 it is skipped.
long=$work/p
while [ ${#long} -lt 3800 ]; do long="$long/$(printf '%0200d' 0)"; done
long="$long/$(printf "%0$((4095 - ${#long} - 5))d" 0)"
# (the 4096-byte path is too long to name whole: it is made from inside its directory)
mkdir -p "$long" "${long}x" && cp "$(command -v env)" "$long/env" &&
	(cd "${long}x" && cp "$(command -v env)" env && [ -x env ]) || fail "cannot make the long paths"
[ ${#long} -eq 4091 ] || fail "the test's long directory is ${#long} bytes, not 4091"
(cd "$work" && PATH="$long" "$SIM" run --wrap vfsd=env demo.hello.nxb >"$work/p4095.out" 2>&1) ||
	fail "a wrapper at a path of 4095 bytes: exit $?: $(cat "$work/p4095.out")"
expect 66 'env: not found in \$PATH' -- env PATH="${long}x" "$SIM" run --wrap vfsd=env demo.hello.nxb

# The limits: NX_WRAP_WORDS_MAX (32) words and NX_WRAP_CMD_MAX (1024) bytes, and one past.
words="env" i=1
while [ $i -lt 32 ]; do
	words="$words W$i=1"
	i=$((i + 1))
done
wrapped w32 0 run --wrap vfsd="$words" demo.hello.nxb
expect 64 'CMD has more than 32 words' -- "$SIM" run --wrap vfsd="$words X=1" demo.hello.nxb
bytes="env X="
while [ ${#bytes} -lt 1024 ]; do bytes="${bytes}a"; done
wrapped b1024 0 run --wrap vfsd="$bytes" demo.hello.nxb
expect 64 'CMD is 1025 bytes, at most 1024' -- "$SIM" run --wrap vfsd="${bytes}a" demo.hello.nxb

# Bad values: one line naming --wrap, exit 64 (66: the program is not there), nothing run.
expect 64 "--wrap 'nosuchd=strace': no such daemon" -- "$SIM" run --wrap nosuchd=strace demo.hello.nxb
expect 64 "--wrap 'init=strace': no such daemon" -- "$SIM" boot --wrap init=strace
expect 64 "--wrap 'execd': expected DAEMON=CMD" -- "$SIM" run --wrap execd demo.hello.nxb
expect 64 "--wrap '=strace': expected DAEMON=CMD" -- "$SIM" run --wrap =strace demo.hello.nxb
expect 64 "--wrap 'execd=': CMD is empty" -- "$SIM" run --wrap execd= demo.hello.nxb
expect 64 "--wrap 'execd=  ': CMD is empty" -- "$SIM" run --wrap 'execd=  ' demo.hello.nxb
expect 64 "already wrapped" -- "$SIM" run --wrap execd=strace --wrap execd=env demo.hello.nxb
expect 64 "unterminated '" -- "$SIM" run --wrap "execd=strace -o 'x" demo.hello.nxb
expect 64 'unterminated "' -- "$SIM" run --wrap 'execd=strace -o "x' demo.hello.nxb
expect 64 'a backslash at the end' -- "$SIM" update --wrap 'execd=strace \' "$SET"
expect 64 '--wrap is not an option of status' -- "$SIM" status --wrap execd=strace
expect 64 '--wrap needs a value' -- "$SIM" run demo.hello.nxb --wrap
expect 66 'nx-no-such-tool: not found in \$PATH' -- "$SIM" run --wrap execd=nx-no-such-tool demo.hello.nxb
expect 66 '/nonexistent/tool: not an executable file' -- "$SIM" run --wrap execd=/nonexistent/tool demo.hello.nxb

finish "--wrap: strace$([ -e "$work/vg/err" ] && echo ', valgrind')$([ -e "$work/pf/bm.data" ] && echo ', perf'), soft reboot, limits and refusals ok"
