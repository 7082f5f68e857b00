#!/bin/sh
# Oracle: the official Cap'n Proto tool reads every built bundle's
# manifest.nxb with our schema, and its canonical encoding of what it read
# is byte for byte our file. Both the flat form (what manifest.nxb is) and
# the stream form with a segment table (`binary`) are decoded.
set -eu
build=${NX_BUILD:-build}
schema=formats/manifest.capnp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

n=0
for b in $(find "$build/bundles" -type d -name '*.nxb' | sort); do
	m=$b/manifest.nxb
	capnp convert flat:text "$schema" BundleManifest <"$m" >"$tmp/text" ||
		fail "$m: capnp cannot decode it"
	# Canonicalised straight from the binary: capnp 0.9.2's text parser
	# cannot read back some Data literals its own printer writes (a digest
	# whose escapes it chokes on), so the round trip does not go through text.
	capnp convert flat:canonical "$schema" BundleManifest <"$m" >"$tmp/canonical"
	cmp -s "$tmp/canonical" "$m" || fail "$m: capnp's canonical encoding differs from ours"
	# The same bytes behind a one-segment table: segment count - 1, then its words.
	python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(struct.pack("<II",0,len(d)//8)+d)' \
		"$m" >"$tmp/binary"
	capnp convert binary:text "$schema" BundleManifest <"$tmp/binary" >"$tmp/text2"
	cmp -s "$tmp/text" "$tmp/text2" || fail "$m: binary and flat decodings differ"
	name=$(basename "$b" .nxb)
	grep -q "name = \"$name\"" "$tmp/text" || fail "$m: capnp does not read the name $name"
	grep -q 'schemaVersion = 1' "$tmp/text" || fail "$m: capnp does not read schemaVersion 1"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no bundles under $build/bundles (run make first)"
echo "capnp oracle: $n manifests decode and re-encode to identical bytes"
