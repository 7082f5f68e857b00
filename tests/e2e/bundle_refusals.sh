#!/bin/sh
# Bad bundles through the real pipeline (`nexus-sim run`): each one gets a
# one-line message naming the problem, exit 65 (refused input), no payload
# output, and nothing installed in the state directory; no daemon dies.
set -u
BIN=${NX_BIN:-bin}
BUILD=${NX_BUILD:-build}
SIM=$BIN/nexus-sim
PACK=$BIN/nxb-pack
ELFGEN=$BUILD/tests/elfgen
GOOD=$BUILD/bundles/test.exit42.nxb
ELF=$BUILD/payloads/exit42.elf
TOML=fixtures/manifests/test.exit42.toml
work=$(mktemp -d /tmp/bundle_refusals.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
failed=0

for f in "$SIM" "$PACK" "$ELFGEN" "$ELF" "$GOOD/manifest.nxb" "$TOML"; do
	[ -e "$f" ] || { echo "missing: $f"; exit 1; }
done

bad() {
	echo "FAIL $case: $*"
	casefail=1
	failed=1
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

# copy NAME: a fresh copy of the good bundle to mutate.
copy() {
	rm -rf "$work/$1.nxb"
	cp -r "$GOOD" "$work/$1.nxb"
	echo "$work/$1.nxb"
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

b=$(copy unsigned); rm "$b/manifest.sig"
refused unsigned "$b" 'unsigned|manifest.sig'

# pack CASE ELF KEY: a validly packed test.exit42 bundle (nxb-pack names it after the manifest).
pack() {
	mkdir -p "$work/$1"
	"$PACK" "$2" "$work/$1/test.exit42.nxb" --toml "$TOML" --key "$3" >/dev/null \
		2>"$work/pack.err" || { echo "nxb-pack failed: $(cat "$work/pack.err")"; exit 1; }
	echo "$work/$1/test.exit42.nxb"
}

b=$(pack untrusted "$ELF" fixtures/keys/untrusted.key)
refused untrusted-key "$b" 'untrusted key'

b=$(copy flip-manifest); flip "$b/manifest.nxb" 20
refused flip-manifest "$b" 'signature does not verify'

b=$(copy flip-sig); flip "$b/manifest.sig" 40
refused flip-sig "$b" 'signature does not verify'

b=$(copy flip-payload); flip "$b/payload.elf" 200
refused flip-payload "$b" 'SHA-256|digest'

b=$(copy truncated-manifest)
size=$(stat -c %s "$b/manifest.nxb")
truncate -s $((size - 8)) "$b/manifest.nxb"
refused truncated-manifest "$b" 'signature does not verify'

# One byte over NX_PAYLOAD_MAX (50 MiB); sparse, refused before it is read.
b=$(copy payload-over-cap); truncate -s $((50 * 1024 * 1024 + 1)) "$b/payload.elf"
refused payload-over-cap "$b" 'payload'

"$ELFGEN" machine "$ELF" "$work/machine.elf" >/dev/null || { echo "elfgen failed"; exit 1; }
b=$(pack malformed "$work/machine.elf" fixtures/keys/dev.key)
refused malformed-elf "$b" 'NXL_E_MACHINE'

exit "$failed"
