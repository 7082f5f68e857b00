#!/bin/sh
# nexus-qemu's command line as a user meets it: arguments reach the
# payload, exit codes as nexus-sim's (the payload's own, 128+N and the
# crashed line, 64 usage, 65 refused, 66 missing, 70 internal) plus 124
# for --timeout, and `image` writes an image the printed command boots.
set -u
BIN=${NX_BIN:-bin}
BUILD=${NX_BUILD:-build}
Q="$BIN/nexus-qemu"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect WANT_RC CMD...: run with stdout/stderr in $t/out, $t/err
expect() {
	want=$1
	shift
	"$@" >"$t/out" 2>"$t/err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want: $(head -c 300 "$t/err")"
}

expect 0 "$Q" run demo.hello.nxb -- one "two words"
printf 'Hello from demo.hello\none\ntwo words\n' | cmp -s - "$t/out" || fail "arguments: $(cat "$t/out")"

expect 42 "$Q" run test.exit42.nxb
expect 139 "$Q" run test.fault_null_load.nxb
grep -qx 'nexus-qemu: test.fault_null_load crashed: read_unmapped pc=0x[0-9a-f]* addr=0x0' "$t/err" ||
	fail "no crashed line: $(cat "$t/err")"
grep -q 'crashed' "$t/out" && fail "the crash reached stdout"

expect 0 "$Q" run --env A=1 "$BUILD/payloads/echo.elf" -- x
printf 'argc=2\nargv[0]=echo\nargv[1]=x\nenvp[0]=A=1\n' | cmp -s - "$t/out" || fail "echo.elf: $(cat "$t/out")"
expect 0 "$Q" run -v "$BUILD/payloads/hello.elf"
grep -q 'unsigned ELF' "$t/err" || fail "-v does not say an ELF runs unsigned"

# Usage, missing, refused.
expect 64 "$Q" run
expect 64 "$Q" run --bogus demo.hello.nxb
expect 64 "$Q" run --timeout 0 demo.hello.nxb
expect 64 "$Q" run demo.hello.nxb extra
expect 66 "$Q" run nosuch.nxb
grep -q 'not found' "$t/err" || fail "missing bundle: $(cat "$t/err")"
expect 66 "$Q" run --trust "$t/nodir" demo.hello.nxb
mkdir "$t/untrusted"
cp fixtures/keys/untrusted.pub "$t/untrusted/"
expect 65 "$Q" run --trust "$t/untrusted" demo.hello.nxb
grep -q 'not trusted' "$t/err" || fail "untrusted key: $(cat "$t/err")"
printf 'not an ELF\n' >"$t/bad.elf"
expect 65 "$Q" run "$t/bad.elf"
grep -q 'NXL_E_' "$t/err" || fail "a bad ELF is refused without the loader's reason: $(cat "$t/err")"

# QEMU dies under a run before the target powers off: an internal error,
# not the payload's code.
"$Q" run --timeout 30 "$BUILD/payloads/waiter.elf" -- 1000000 >"$t/out" 2>"$t/err" &
runner=$!
qemu=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.5
	qemu=$(pgrep -P "$runner" || true)
	[ -n "$qemu" ] && grep -q 'waiter: start' "$t/out" && break
done
[ -n "$qemu" ] && kill -KILL "$qemu"
wait "$runner"
rc=$?
[ "$rc" -eq 70 ] || fail "QEMU killed under a run: exit $rc, want 70: $(cat "$t/err")"
grep -q 'before the target powered off' "$t/err" || fail "dead QEMU: $(cat "$t/err")"

# nexus-qemu killed outright: its machine goes with it.
"$Q" run "$BUILD/payloads/waiter.elf" -- 1000000 >"$t/out" 2>"$t/err" &
runner=$!
qemu=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.5
	qemu=$(pgrep -P "$runner" || true)
	[ -n "$qemu" ] && grep -q 'waiter: start' "$t/out" && break
done
kill -KILL "$runner"
wait "$runner" 2>/dev/null
sleep 1
# Dead is gone or a zombie (an init that does not reap leaves those).
state=$( [ -n "$qemu" ] && ps -o stat= -p "$qemu" || true)
case $state in "" | Z*) ;; *) fail "QEMU outlived nexus-qemu ($state)"; kill -KILL "$qemu" ;; esac

# --timeout: killed and 124, well before the payload could finish.
start=$(date +%s)
expect 124 "$Q" run --timeout 1 "$BUILD/payloads/waiter.elf" -- 1000000
[ $(($(date +%s) - start)) -le 10 ] || fail "--timeout 1 took $(($(date +%s) - start)) s"
grep -q 'timed out after 1 s' "$t/err" || fail "timeout message: $(cat "$t/err")"

# image: the file and the command that boots it by hand.
expect 0 "$Q" image -o "$t/hello.img" demo.hello.nxb -- by-hand
[ -s "$t/hello.img" ] || fail "image: no file"
cmd=$(cat "$t/out")
case $cmd in qemu-system-riscv64\ *) ;; *) fail "image: printed '$cmd'" ;; esac
# shellcheck disable=SC2086
timeout 30 $cmd </dev/null >"$t/console" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "the printed command exited $rc"
grep -q 'by-hand' "$t/console" || fail "the printed command did not run the payload"
expect 64 "$Q" image demo.hello.nxb

[ "$fails" -eq 0 ] && echo "qemu cli ok"
exit "$fails"
