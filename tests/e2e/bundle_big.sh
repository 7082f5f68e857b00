#!/bin/sh
# Payloads of realistic size through nxb-pack and the whole pipeline:
# 4 MiB, and one just under the payload cap (NX_PAYLOAD_MAX). The digest
# nxb-pack signed must be sha256sum's of the payload (a packer that hashed
# any 64 KiB chunk twice, or from the wrong offset, fails here), and each
# runs, printing its blob's word sum as Python computes it.
. tests/e2e/lib.sh

# The sum of the blob's 64-bit little-endian words, as the payload computes it.
wordsum() {
	python3 -c 'import array, sys
print(hex(sum(array.array("Q", open(sys.argv[1], "rb").read())) % 2**64))' "$1"
}

for name in big4m bignear; do
	b=$BUILD/bundles/test.$name.nxb
	blob=$BUILD/payloads/gen/$name.bin
	need "$b/payload.elf" "$blob"
	want=$(sha256sum "$b/payload.elf" | cut -d' ' -f1)
	"$SIM" inspect "$b" >"$work/inspect" 2>&1 || fail "$name: inspect refused it: $(cat "$work/inspect")"
	grep -q "^payload size=$(stat -c %s "$b/payload.elf") sha256=$want ok$" "$work/inspect" ||
		fail "$name: signed digest is not sha256sum's $want: $(grep payload "$work/inspect")"
	"$SIM" run "$b" >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$name: exit $rc: $(cat "$work/err")"
	line="big: $(stat -c %s "$blob") bytes sum=$(wordsum "$blob")"
	grep -qx "$line" "$work/out" || fail "$name: want '$line', got: $(cat "$work/out")"
done
finish "big payloads pack, verify and run"
