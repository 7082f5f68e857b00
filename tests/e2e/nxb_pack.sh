#!/bin/sh
# nxb-pack as a user runs it: the happy path gives a bundle byte-identical
# to the one make built (the format is deterministic: canonical manifest,
# deterministic Ed25519), and each refusal exits with its documented code,
# names the file, and writes nothing.
. tests/e2e/lib.sh
pack=$BIN/nxb-pack
elf=$BUILD/payloads/hello.elf
toml=fixtures/manifests/demo.hello.toml
key=fixtures/keys/dev.key
need "$pack" "$elf"

# expect CODE PATTERN OUT ARGS...: exit CODE, stderr matching PATTERN, OUT not created.
pack_expect() {
	e_code=$1 e_pattern=$2 e_out=$3
	shift 3
	"$pack" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
	[ "$rc" -eq "$e_code" ] || fail "nxb-pack $*: exit $rc, want $e_code ($(cat "$work/stderr"))"
	grep -q -- "$e_pattern" "$work/stderr" ||
		fail "nxb-pack $*: stderr lacks '$e_pattern': $(cat "$work/stderr")"
	# A refusal is one line; only a usage error prints the usage text.
	[ "$e_code" -eq 64 ] || [ "$(wc -l <"$work/stderr")" -eq 1 ] ||
		fail "nxb-pack $*: not exactly one line of error"
	[ ! -e "$e_out" ] || fail "nxb-pack $*: $e_out exists after a refusal"
	[ -z "$(ls -A "$work/out")" ] || fail "nxb-pack $*: left $(ls -A "$work/out") behind"
}

[ -f "$elf" ] || { echo "FAIL: $elf missing (run make)"; exit 1; }
mkdir "$work/out"

"$pack" --help | grep -q 'usage: nxb-pack' || fail "--help"

# Happy path: the same inputs give the same bytes as make's bundle.
out=$work/out/demo.hello.nxb
"$pack" "$elf" "$out" --toml "$toml" --key "$key" || fail "happy path exited $?"
for f in manifest.nxb manifest.sig payload.elf; do
	cmp -s "$out/$f" "$BUILD/bundles/demo.hello.nxb/$f" || fail "$f differs from make's bundle"
done
[ "$(ls -A "$out" | wc -l)" -eq 3 ] || fail "bundle holds other than three members"
"$pack" "$elf" "$out" --toml "$toml" --key "$key" 2>"$work/stderr"
[ $? -eq 73 ] && grep -q 'already exists' "$work/stderr" || fail "packing over a bundle: $(cat "$work/stderr")"
cmp -s "$out/manifest.nxb" "$BUILD/bundles/demo.hello.nxb/manifest.nxb" || fail "existing bundle changed"
rm -rf "$out"

printf 'name = "demo.hello"\nsemver = "1.0.0"\nbad = = 1\n' >"$work/bad.toml"
pack_expect 65 "$work/bad.toml: line 3:" "$out" "$elf" "$out" --toml "$work/bad.toml" --key "$key"
printf 'name = "demo.hello"\nsemver = "1.0.0"\ncolour = "red"\n' >"$work/unknown.toml"
pack_expect 65 "unknown key 'colour'" "$out" "$elf" "$out" --toml "$work/unknown.toml" --key "$key"
printf 'name = "demo.hello"\nsemver = "1.0"\n' >"$work/semver.toml"
pack_expect 65 'semver' "$out" "$elf" "$out" --toml "$work/semver.toml" --key "$key"
pack_expect 66 "$work/missing.elf" "$out" "$work/missing.elf" "$out" --toml "$toml" --key "$key"
pack_expect 66 "$work/missing.toml" "$out" "$elf" "$out" --toml "$work/missing.toml" --key "$key"
pack_expect 66 "$work/missing.key" "$out" "$elf" "$out" --toml "$toml" --key "$work/missing.key"
pack_expect 65 'fixtures/keys/dev.pub' "$out" "$elf" "$out" --toml "$toml" --key fixtures/keys/dev.pub
head -c 100 /dev/zero >"$work/zero.key"
pack_expect 65 "$work/zero.key" "$out" "$elf" "$out" --toml "$toml" --key "$work/zero.key"
: >"$work/empty.elf"
pack_expect 65 "$work/empty.elf" "$out" "$work/empty.elf" "$out" --toml "$toml" --key "$key"
pack_expect 64 'must be named demo.hello.nxb' "$work/out/other.nxb" "$elf" "$work/out/other.nxb" \
	--toml "$toml" --key "$key"
# A usage error says what is missing, then shows the usage.
pack_expect 64 'missing --key KEY' "$out" "$elf" "$out" --toml "$toml"
pack_expect 64 'missing --toml MANIFEST.toml' "$out" "$elf" "$out" --key "$key"
pack_expect 64 'missing the output bundle directory' "$out" "$elf"
pack_expect 64 '--key needs a file' "$out" "$elf" "$out" --toml "$toml" --key

finish "nxb-pack: happy path reproducible, every refusal clean"
