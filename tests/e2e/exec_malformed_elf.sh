#!/bin/sh
# execd refuses a malformed ELF on its own, whatever was checked before:
# a validly signed test.exit42 whose payload has e_machine = x86-64 is put
# straight into the state directory's slot (as an older bundlemgrd without
# the install-time loader check could have left it), then run. bundlemgrd
# hands the verified payload out, execd's loader refuses it: exit 65, the
# loader's message, no payload output, no daemon died, clean shutdown.
. tests/e2e/lib.sh

mkdir -p "$work/pack" "$work/state/slot-a"
"$BUILD/tests/elfgen" machine "$BUILD/payloads/exit42.elf" "$work/machine.elf" >/dev/null ||
	{ echo "elfgen failed"; exit 1; }
"$BIN/nxb-pack" "$work/machine.elf" "$work/pack/test.exit42.nxb" \
	--toml fixtures/manifests/test.exit42.toml --key fixtures/keys/dev.key >/dev/null ||
	{ echo "nxb-pack failed"; exit 1; }
cp -r "$work/pack/test.exit42.nxb" "$work/state/slot-a/test.exit42@1.0.0"

"$SIM" run --state "$work/state" "$work/pack/test.exit42.nxb" >"$work/out" 2>"$work/err"
rc=$?
log=$work/state/console.log
broken() {
	echo "FAIL: $*"
	echo "--- stderr"; cat "$work/err"
	echo "--- console"; cat "$log"
	exit 1
}
[ "$rc" -eq 65 ] || broken "exit $rc, want 65"
[ -s "$work/out" ] && broken "payload output"
grep -q 'NXL_E_MACHINE' "$work/err" || broken "no loader message on stderr"
grep -qx 'execd: elf load ok' "$log" && broken "execd claims the load succeeded"
grep -q 'died' "$log" && broken "a daemon died"
grep -qx 'init: ready' "$log" || broken "the system never came up"
echo "ok: $(head -n 1 "$work/err")"
