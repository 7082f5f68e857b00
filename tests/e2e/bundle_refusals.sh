#!/bin/sh
# Bad bundles through the real pipeline (`nexus-sim run`): each one gets a
# one-line message naming the problem, exit 65 (refused input), no payload
# output, and nothing installed in the state directory; no daemon dies.
. tests/e2e/lib.sh
PACK=$BIN/nxb-pack
ELFGEN=$BUILD/tests/elfgen
GOOD=$BUILD/bundles/test.exit42.nxb
ELF=$BUILD/payloads/exit42.elf
TOML=fixtures/manifests/test.exit42.toml

need "$SIM" "$PACK" "$ELFGEN" "$ELF" "$GOOD/manifest.nxb" "$TOML"

bad() {
	fail "$case: $*"
	casefail=1
}

# refused CASE BUNDLE PATTERN: run it in a fresh state dir and check the refusal.
refused() {
	case=$1 bundle=$2 pattern=$3 casefail=0
	state=$work/state-$case
	mkdir -p "$state"
	"$SIM" run --state "$state" "$bundle" >"$work/$case.out" 2>"$work/$case.err"
	rc=$?
	[ "$rc" -eq 65 ] || bad "exit $rc, want 65"
	[ -s "$work/$case.out" ] && bad "payload output: $(head -c 200 "$work/$case.out")"
	grep -Eiq "$pattern" "$work/$case.err" || bad "stderr lacks /$pattern/: $(cat "$work/$case.err")"
	if [ -d "$state/slot-a" ] && [ -n "$(ls -A "$state/slot-a")" ]; then
		bad "installed: $(ls -A "$state/slot-a")"
	fi
	if [ -d "$state/staging" ] && [ -n "$(ls -A "$state/staging")" ]; then
		bad "left in staging: $(ls -A "$state/staging")"
	fi
	if grep -q 'died' "$state/console.log" 2>/dev/null; then
		bad "a daemon died: $(grep died "$state/console.log")"
	fi
	[ "$casefail" -eq 0 ] && echo "ok   $case: $(head -n 1 "$work/$case.err")"
	return 0
}

# copy N: a fresh copy of the good bundle to mutate, under a neutral name
# (bN.nxb) so no pattern can match the bundle's own path.
copy() {
	cp -r "$GOOD" "$work/b$1.nxb"
	echo "$work/b$1.nxb"
}

# flip FILE OFFSET: invert one byte in place.
flip() {
	python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read())
b[off] ^= 0xff
open(p, 'wb').write(b)
PY
}

b=$(copy 1); rm "$b/manifest.sig"
refused unsigned "$b" 'manifest.sig: missing \(bundle is unsigned\)'

# pack N ELF KEY: a validly packed test.exit42 bundle under a neutral directory pN.
pack() {
	mkdir -p "$work/p$1"
	"$PACK" "$2" "$work/p$1/test.exit42.nxb" --toml "$TOML" --key "$3" >/dev/null \
		2>"$work/pack.err" || { echo "nxb-pack failed: $(cat "$work/pack.err")"; exit 1; }
	echo "$work/p$1/test.exit42.nxb"
}

b=$(pack 7 "$ELF" fixtures/keys/untrusted.key)
refused untrusted-key "$b" 'signed by untrusted key 8ea7ef8d8bcc2688 .*--trust DIR'

b=$(copy 2); flip "$b/manifest.nxb" 20
refused flip-manifest "$b" 'signature does not verify'

b=$(copy 3); flip "$b/manifest.sig" 40
refused flip-sig "$b" 'signature does not verify'

b=$(copy 4); flip "$b/payload.elf" 200
refused flip-payload "$b" 'payload.elf: SHA-256 differs from the manifest'

b=$(copy 5)
size=$(stat -c %s "$b/manifest.nxb")
truncate -s $((size - 8)) "$b/manifest.nxb"
refused truncated-manifest "$b" 'signature does not verify'

# One byte over NX_PAYLOAD_MAX (50 MiB); sparse, refused before it is read.
b=$(copy 6); truncate -s $((50 * 1024 * 1024 + 1)) "$b/payload.elf"
refused payload-over-cap "$b" 'payload.elf: 52428801 bytes, want 1\.\.52428800'

"$ELFGEN" machine "$ELF" "$work/machine.elf" >/dev/null || { echo "elfgen failed"; exit 1; }
b=$(pack 8 "$work/machine.elf" fixtures/keys/dev.key)
refused malformed-elf "$b" 'refused by the loader: NXL_E_MACHINE'

# A UNIX socket where payload.elf belongs: refused like any special file (65, not 70).
b=$(copy 20)
rm "$b/payload.elf"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$b/payload.elf"
refused socket-payload "$b" 'payload.elf: not a regular file'

# A valid bundle whose payload is not an ELF (payloadKind uiProgram): it installs, it cannot run.
"$SIM" run "$BUILD/bundles/test.ui.nxb" >"$work/ui.out" 2>"$work/ui.err"
rc=$?
[ "$rc" -eq 65 ] || fail "test.ui: exit $rc, want 65"
grep -q 'test.ui: its payload is not an ELF (payloadKind 1): it cannot run' "$work/ui.err" ||
	fail "test.ui: $(cat "$work/ui.err")"
finish "every bad bundle refused"
