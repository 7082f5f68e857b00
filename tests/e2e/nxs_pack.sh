#!/bin/sh
# nxs-pack and the .nxs format, checked by tools we did not write:
#  - GNU tar and bsdtar list every fixture set identically (names, sizes,
#    order): regular files only, mode 0644, owner 0/0, mtime the index's
#    timestamp, the member order the format fixes;
#  - `capnp convert` decodes system.nxsindex with formats/system-set.capnp
#    and its canonical encoding is byte for byte ours; the digests and
#    sizes it reads match the members GNU tar extracts (sha256sum);
#  - OpenSSL verifies system.sig.ed25519 over the index with the dev key,
#    whose id (nxkey id) the signature file names;
# and nxs-pack as a user runs it: the same inputs give the same bytes;
# usage errors exit 64 naming what is missing, refusals 65 and unreadable
# inputs 66, each with one line naming the file, never leaving OUT or a
# temporary file behind.
set -u
bin=${NX_BIN:-bin}
build=${NX_BUILD:-build}
pack=$bin/nxs-pack
schema=formats/system-set.capnp
key=fixtures/keys/dev.key
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

[ -x "$pack" ] || { echo "FAIL: $pack missing (run make)"; exit 1; }
sets=$(find "$build/systems" -maxdepth 1 -name '*.nxs' | sort)
[ -n "$sets" ] || { echo "FAIL: no sets in $build/systems (run make)"; exit 1; }

# Hex digits to the bytes they spell.
unhex() {
	for b in $(echo "$1" | sed 's/../& /g'); do
		printf "\\$(printf %03o $((0x$b)))"
	done
}

# The publisher key as OpenSSL reads it: the DER prefix of an Ed25519 SubjectPublicKeyInfo.
unhex "302a300506032b6570032100$(sed -n 's/^key: //p' fixtures/keys/dev.pub)" >"$tmp/dev.der"
openssl pkey -pubin -inform DER -in "$tmp/dev.der" -out "$tmp/dev.pem" || fail "openssl cannot read the dev key"
dev_id=$("$bin/nxkey" id fixtures/keys/dev.pub)

# Four bytes, little-endian: the segment table a `binary` capnp message starts with.
le32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}

check_set() {
	s=$1
	name=$(basename "$s" .nxs)
	toml=fixtures/systems/$name.toml
	d=$tmp/$name
	mkdir -p "$d/x"
	# GNU tar and bsdtar: the same members, sizes and order.
	tar --numeric-owner -tvf "$s" | awk '{print $1, $2, $3, $6}' >"$d/gnu" || fail "$s: GNU tar cannot list it"
	bsdtar --numeric-owner -tvf "$s" | awk '{print $1, $3 "/" $4, $5, $9}' >"$d/bsd" ||
		fail "$s: bsdtar cannot list it"
	cmp -s "$d/gnu" "$d/bsd" || fail "$s: GNU tar and bsdtar list it differently"
	grep -qv '^-rw-r--r-- 0/0 ' "$d/gnu" && fail "$s: a member is not a regular 0644 file of 0/0"
	# The order the format fixes: index, signature, then each bundle's three members by name.
	bundles=$(awk '{print $4}' "$d/gnu" | sed -n 's|\.nxb/manifest\.nxb$||p')
	{
		echo system.nxsindex
		echo system.sig.ed25519
		for b in $(echo "$bundles" | LC_ALL=C sort); do
			printf '%s.nxb/manifest.nxb\n%s.nxb/manifest.sig\n%s.nxb/payload.elf\n' "$b" "$b" "$b"
		done
	} >"$d/want"
	awk '{print $4}' "$d/gnu" | cmp -s - "$d/want" || fail "$s: members not in the format's order"
	ts=$(sed -n 's/^timestamp_unix_ms = //p' "$toml")
	want_time=$(date -u -d "@$((ts / 1000))" '+%Y-%m-%d %H:%M:%S')
	TZ=UTC tar --full-time -tvf "$s" | grep -v -q " $want_time " &&
		fail "$s: a member's mtime is not $want_time"
	# capnp decodes the index; its canonical form is our bytes.
	tar -xf "$s" -C "$d/x" || fail "$s: GNU tar cannot extract it"
	ix=$d/x/system.nxsindex
	capnp convert flat:text "$schema" SystemSetIndex <"$ix" >"$d/text" || fail "$s: capnp cannot decode the index"
	capnp convert flat:canonical "$schema" SystemSetIndex <"$ix" | cmp -s - "$ix" ||
		fail "$s: capnp's canonical encoding differs from ours"
	if capnp convert text:canonical "$schema" SystemSetIndex <"$d/text" >"$d/canonical2" 2>/dev/null; then
		cmp -s "$d/canonical2" "$ix" || fail "$s: capnp's text:canonical differs from ours"
	else
		echo "note: $s: capnp cannot re-read its own text (capnp 0.9.2 bug, see capnp_oracle.sh)"
	fi
	{
		le32 0
		le32 $(($(stat -c %s "$ix") / 8))
		cat "$ix"
	} >"$d/binary"
	capnp convert binary:text "$schema" SystemSetIndex <"$d/binary" | cmp -s - "$d/text" ||
		fail "$s: binary and flat decodings differ"
	version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$toml")
	health=$(sed -n 's/^health_check = "\(.*\)"/\1/p' "$toml")
	grep -q "systemVersion = \"$version\"" "$d/text" || fail "$s: capnp does not read systemVersion $version"
	grep -q "healthCheck = \"$health\"" "$d/text" || fail "$s: capnp does not read healthCheck $health"
	grep -q "timestampUnixMs = $ts" "$d/text" || fail "$s: capnp does not read timestampUnixMs $ts"
	# OpenSSL verifies the detached signature; the file names the publisher's key id.
	sig=$d/x/system.sig.ed25519
	[ "$(head -c 2 "$sig")" = "Ed" ] || fail "$s: the signature file does not start with Ed"
	[ "$(od -An -tx1 -j2 -N8 "$sig" | tr -d ' \n')" = "$dev_id" ] ||
		fail "$s: the signature's key id is not the dev key's"
	tail -c 64 "$sig" >"$d/sig64"
	openssl pkeyutl -verify -pubin -inkey "$tmp/dev.pem" -rawin -in "$ix" -sigfile "$d/sig64" >/dev/null ||
		fail "$s: OpenSSL does not verify the index signature"
}

n=0
for s in $sets; do
	check_set "$s"
	n=$((n + 1))
done

# The digests and sizes capnp reads are those of the members tar extracted. capnp's text
# holds Data as C-escaped strings, which Python reads as bytes literals (one Python for all).
python3 - "$tmp" $sets <<'PY' >"$tmp/digests"
import ast, os, re, sys
entry = re.compile(r'name = "([^"]*)",\s*version = "[^"]*",\s*manifestSha256 = "((?:[^"\\]|\\.)*)",'
                   r'\s*payloadSha256 = "((?:[^"\\]|\\.)*)",\s*payloadSize = (\d+)')
lit = lambda s: ast.literal_eval('b"' + s + '"').hex()
for s in sys.argv[2:]:
    d = os.path.join(sys.argv[1], os.path.basename(s)[:-4])
    for m in entry.finditer(open(os.path.join(d, "text")).read()):
        print(d, m.group(1), lit(m.group(2)), lit(m.group(3)), m.group(4))
PY
[ "$(wc -l <"$tmp/digests")" -eq "$(cat "$tmp"/*/gnu | grep -c 'payload.elf$')" ] ||
	fail "the indexes and the archives list different bundles"
while read -r d b msha psha psize; do
	[ "$(sha256sum <"$d/x/$b.nxb/manifest.nxb" | cut -d' ' -f1)" = "$msha" ] ||
		fail "$d: $b manifestSha256 is not the manifest's SHA-256"
	[ "$(sha256sum <"$d/x/$b.nxb/payload.elf" | cut -d' ' -f1)" = "$psha" ] ||
		fail "$d: $b payloadSha256 is not the payload's SHA-256"
	[ "$(stat -c %s "$d/x/$b.nxb/payload.elf")" = "$psize" ] || fail "$d: $b payloadSize is not its size"
	cmp -s "$d/x/$b.nxb/manifest.sig" "$build/bundles/$b.nxb/manifest.sig" ||
		fail "$d: $b manifest.sig is not the bundle's"
done <"$tmp/digests"
[ "$(tar -tf "$build/systems/sys-bench10.nxs" | grep -c payload.elf)" -eq 10 ] || fail "sys-bench10 does not hold 10 bundles"

# nxs-pack as a user runs it.
in=$build/systems/sys-1.0.0.in
meta=fixtures/systems/sys-1.0.0.toml
mkdir "$tmp/out"
out=$tmp/out/set.nxs
"$pack" --help | grep -q 'usage: nxs-pack' || fail "--help"
"$pack" --input "$in" --meta "$meta" --key "$key" --output "$out" || fail "packing exited $?"
cmp -s "$out" "$build/systems/sys-1.0.0.nxs" || fail "packing again gives other bytes than make's"
"$pack" --output "$out" --trust fixtures/trust --key "$key" --meta "$meta" --input "$in" ||
	fail "packing with --trust exited $?"
cmp -s "$out" "$build/systems/sys-1.0.0.nxs" || fail "packing with --trust gives other bytes"
[ "$(ls -A "$tmp/out")" = "set.nxs" ] || fail "packing left $(ls -A "$tmp/out") behind"
cp "$out" "$tmp/before.nxs"

# expect CODE PATTERN ARGS...: exit CODE, stderr matching PATTERN, one line unless a usage
# error, OUT untouched (still the set packed above) and nothing else in its directory.
expect() {
	e_code=$1 e_pattern=$2
	shift 2
	"$pack" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	[ "$rc" -eq "$e_code" ] || fail "nxs-pack $*: exit $rc, want $e_code ($(head -n 1 "$tmp/stderr"))"
	grep -q -- "$e_pattern" "$tmp/stderr" ||
		fail "nxs-pack $*: stderr lacks '$e_pattern': $(head -n 1 "$tmp/stderr")"
	[ "$e_code" -eq 64 ] || [ "$(wc -l <"$tmp/stderr")" -eq 1 ] ||
		fail "nxs-pack $*: not exactly one line of error"
	cmp -s "$out" "$tmp/before.nxs" || fail "nxs-pack $*: $out changed"
	[ "$(ls -A "$tmp/out")" = "set.nxs" ] || fail "nxs-pack $*: left $(ls -A "$tmp/out") behind"
}
ok="--input $in --meta $meta --key $key --output $out"

# Usage: 64, naming what is missing or wrong.
expect 64 'missing --input' --meta "$meta" --key "$key" --output "$out"
expect 64 'missing --meta' --input "$in" --key "$key" --output "$out"
expect 64 'missing --key' --input "$in" --meta "$meta" --output "$out"
expect 64 'missing --output' --input "$in" --meta "$meta" --key "$key"
expect 64 'missing --input'
# shellcheck disable=SC2086
expect 64 "unknown argument '--colour'" $ok --colour red
# shellcheck disable=SC2086
expect 64 '--input given twice' $ok --input "$in"
expect 64 '--trust needs a value' --input "$in" --meta "$meta" --key "$key" --output "$out" --trust

# Refused input: 65, one line naming the file and the problem.
bad=$tmp/bad.toml
printf 'version = "2.0.0"\ncolour = "red"\n' >"$bad"
expect 65 "$bad: line 2: 'colour'" --input "$in" --meta "$bad" --key "$key" --output "$out"
printf 'version = "2.0"\n' >"$bad"
expect 65 "$bad: line 1: 'version' is not SemVer" --input "$in" --meta "$bad" --key "$key" --output "$out"
printf 'timestamp_unix_ms = 5\n' >"$bad"
expect 65 "'version' is required" --input "$in" --meta "$bad" --key "$key" --output "$out"
printf 'version = "2.0.0"\nhealth_check = "test.echo"\n' >"$bad"
expect 65 "$bad: health_check \"test.echo\" is not a bundle in $in" \
	--input "$in" --meta "$bad" --key "$key" --output "$out"
printf 'version = "2.0.0"\ntimestamp_unix_ms = -1\n' >"$bad"
expect 65 "$bad: line 2" --input "$in" --meta "$bad" --key "$key" --output "$out"

dir=$tmp/in
reset_dir() {
	rm -rf "$dir"
	mkdir "$dir"
	cp -R "$in"/* "$dir"/
}
reset_dir
echo hi >"$dir/README"
expect 65 "$dir/README: not a <name>.nxb bundle directory" --input "$dir" --meta "$meta" --key "$key" --output "$out"
reset_dir
mkdir "$dir/extra"
expect 65 "$dir/extra: not a <name>.nxb" --input "$dir" --meta "$meta" --key "$key" --output "$out"
reset_dir
ln -s "$PWD/$build/bundles/test.echo.nxb" "$dir/test.echo.nxb"
expect 65 "$dir/test.echo.nxb: not a <name>.nxb bundle directory" \
	--input "$dir" --meta "$meta" --key "$key" --output "$out"
reset_dir
cp -R "$dir/demo.hello.nxb" "$dir/copy.nxb"
expect 65 "$dir: copy.nxb and demo.hello.nxb both hold bundle demo.hello" \
	--input "$dir" --meta "$meta" --key "$key" --output "$out"
reset_dir
printf 'x' | dd of="$dir/test.exit42.nxb/payload.elf" bs=1 seek=100 conv=notrunc 2>/dev/null
expect 65 "$dir/test.exit42.nxb: payload.elf: SHA-256 differs" \
	--input "$dir" --meta "$meta" --key "$key" --output "$out"
reset_dir
rm "$dir/demo.hello.nxb/manifest.sig"
expect 65 "$dir/demo.hello.nxb: manifest.sig: missing" --input "$dir" --meta "$meta" --key "$key" --output "$out"
rm -rf "$dir"/*
expect 65 "$dir: holds no bundle" --input "$dir" --meta "$meta" --key "$key" --output "$out"
# NX_NXS_BUNDLES_MAX entries pass the count (the first, empty, is refused as a bundle); one more
# is refused before any bundle is read.
i=0
while [ $i -lt 256 ]; do
	mkdir "$dir/b$i.nxb"
	i=$((i + 1))
done
expect 65 "$dir/b0.nxb: manifest.sig: missing" --input "$dir" --meta "$meta" --key "$key" --output "$out"
mkdir "$dir/b256.nxb"
expect 65 "$dir: more than 256 entries" --input "$dir" --meta "$meta" --key "$key" --output "$out"
mkdir "$tmp/untrusted"
cp fixtures/keys/untrusted.pub "$tmp/untrusted/"
expect 65 "$in/demo.hello.nxb: signed by key .* which is not trusted" \
	--input "$in" --meta "$meta" --key "$key" --output "$out" --trust "$tmp/untrusted"
expect 65 "$in/demo.hello.nxb: signed by key" \
	--input "$in" --meta "$meta" --key fixtures/keys/untrusted.key --output "$out"
expect 65 "fixtures/keys/dev.pub" --input "$in" --meta "$meta" --key fixtures/keys/dev.pub --output "$out"

# Inputs that cannot be opened: 66.
expect 66 "$tmp/nope: No such file" --input "$tmp/nope" --meta "$meta" --key "$key" --output "$out"
expect 66 "$tmp/nope.toml: No such file" --input "$in" --meta "$tmp/nope.toml" --key "$key" --output "$out"
expect 66 "$tmp/nope.key" --input "$in" --meta "$meta" --key "$tmp/nope.key" --output "$out"
expect 66 "$tmp/nope: No such file" --input "$in" --meta "$meta" --key "$key" --output "$out" --trust "$tmp/nope"

# The output's directory is missing: 73, nothing written.
"$pack" --input "$in" --meta "$meta" --key "$key" --output "$tmp/nodir/set.nxs" 2>"$tmp/stderr"
[ $? -eq 73 ] && grep -q "$tmp/nodir" "$tmp/stderr" || fail "missing output directory: $(cat "$tmp/stderr")"
# OUT is a directory: the set is written, the rename fails (73), the temporary file is removed.
mkdir -p "$tmp/out2/set.nxs"
"$pack" --input "$in" --meta "$meta" --key "$key" --output "$tmp/out2/set.nxs" 2>"$tmp/stderr"
[ $? -eq 73 ] && grep -q "$tmp/out2/set.nxs: Is a directory" "$tmp/stderr" ||
	fail "output over a directory: $(cat "$tmp/stderr")"
[ "$(ls -A "$tmp/out2")" = "set.nxs" ] || fail "a failed rename left $(ls -A "$tmp/out2") behind"

# Only what reads or writes .nxs links libarchive.
ldd "$bin/nexus-sim" | grep -q libarchive && fail "nexus-sim links libarchive"
ldd "$pack" | grep -q libarchive || fail "nxs-pack does not link libarchive"

[ "$failures" -eq 0 ] || exit 1
echo "nxs-pack: $n sets agree with GNU tar, bsdtar, capnp and OpenSSL; packing reproducible; every refusal clean"
