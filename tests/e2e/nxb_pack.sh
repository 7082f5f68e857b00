#!/bin/sh
# nxb-pack as a user runs it: the happy path gives a bundle byte-identical
# to the one make built (the format is deterministic: canonical manifest,
# deterministic Ed25519), and each refusal exits with its documented code,
# names the file, and writes nothing.
set -u
bin=${NX_BIN:-bin}
build=${NX_BUILD:-build}
pack=$bin/nxb-pack
elf=$build/payloads/hello.elf
toml=fixtures/manifests/demo.hello.toml
key=fixtures/keys/dev.key
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect CODE PATTERN OUT ARGS...: exit CODE, stderr matching PATTERN, OUT not created.
expect() {
	e_code=$1 e_pattern=$2 e_out=$3
	shift 3
	"$pack" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	[ "$rc" -eq "$e_code" ] || fail "nxb-pack $*: exit $rc, want $e_code ($(cat "$tmp/stderr"))"
	grep -q -- "$e_pattern" "$tmp/stderr" ||
		fail "nxb-pack $*: stderr lacks '$e_pattern': $(cat "$tmp/stderr")"
	# A refusal is one line; only a usage error prints the usage text.
	[ "$e_code" -eq 64 ] || [ "$(wc -l <"$tmp/stderr")" -eq 1 ] ||
		fail "nxb-pack $*: not exactly one line of error"
	[ ! -e "$e_out" ] || fail "nxb-pack $*: $e_out exists after a refusal"
	[ -z "$(ls -A "$tmp/out")" ] || fail "nxb-pack $*: left $(ls -A "$tmp/out") behind"
}

[ -f "$elf" ] || { echo "FAIL: $elf missing (run make)"; exit 1; }
mkdir "$tmp/out"

"$pack" --help | grep -q 'usage: nxb-pack' || fail "--help"

# Happy path: the same inputs give the same bytes as make's bundle.
out=$tmp/out/demo.hello.nxb
"$pack" "$elf" "$out" --toml "$toml" --key "$key" || fail "happy path exited $?"
for f in manifest.nxb manifest.sig payload.elf; do
	cmp -s "$out/$f" "$build/bundles/demo.hello.nxb/$f" || fail "$f differs from make's bundle"
done
[ "$(ls -A "$out" | wc -l)" -eq 3 ] || fail "bundle holds other than three members"
"$pack" "$elf" "$out" --toml "$toml" --key "$key" 2>"$tmp/stderr"
[ $? -eq 73 ] && grep -q 'already exists' "$tmp/stderr" || fail "packing over a bundle: $(cat "$tmp/stderr")"
cmp -s "$out/manifest.nxb" "$build/bundles/demo.hello.nxb/manifest.nxb" || fail "existing bundle changed"
rm -rf "$out"

printf 'name = "demo.hello"\nsemver = "1.0.0"\nbad = = 1\n' >"$tmp/bad.toml"
expect 65 "$tmp/bad.toml: line 3:" "$out" "$elf" "$out" --toml "$tmp/bad.toml" --key "$key"
printf 'name = "demo.hello"\nsemver = "1.0.0"\ncolour = "red"\n' >"$tmp/unknown.toml"
expect 65 "unknown key 'colour'" "$out" "$elf" "$out" --toml "$tmp/unknown.toml" --key "$key"
printf 'name = "demo.hello"\nsemver = "1.0"\n' >"$tmp/semver.toml"
expect 65 'semver' "$out" "$elf" "$out" --toml "$tmp/semver.toml" --key "$key"
expect 66 "$tmp/missing.elf" "$out" "$tmp/missing.elf" "$out" --toml "$toml" --key "$key"
expect 66 "$tmp/missing.toml" "$out" "$elf" "$out" --toml "$tmp/missing.toml" --key "$key"
expect 66 "$tmp/missing.key" "$out" "$elf" "$out" --toml "$toml" --key "$tmp/missing.key"
expect 65 'fixtures/keys/dev.pub' "$out" "$elf" "$out" --toml "$toml" --key fixtures/keys/dev.pub
head -c 100 /dev/zero >"$tmp/zero.key"
expect 65 "$tmp/zero.key" "$out" "$elf" "$out" --toml "$toml" --key "$tmp/zero.key"
: >"$tmp/empty.elf"
expect 65 "$tmp/empty.elf" "$out" "$tmp/empty.elf" "$out" --toml "$toml" --key "$key"
expect 64 'must be named demo.hello.nxb' "$tmp/out/other.nxb" "$elf" "$tmp/out/other.nxb" \
	--toml "$toml" --key "$key"
expect 64 'usage' "$out" "$elf" "$out" --toml "$toml"

[ "$failures" -eq 0 ] || exit 1
echo "nxb-pack: happy path reproducible, every refusal clean"
