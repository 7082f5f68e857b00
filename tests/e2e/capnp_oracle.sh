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
ntext=0
for b in $(find "$build/bundles" -type d -name '*.nxb' | sort); do
	m=$b/manifest.nxb
	capnp convert flat:text "$schema" BundleManifest <"$m" >"$tmp/text" ||
		fail "$m: capnp cannot decode it"
	# Canonicalised from the binary, and (the route) from capnp's
	# own text. capnp 0.9.2's text parser rejects some text its printer
	# wrote (seen: a payloadDigest holding '`' and '<' together with a
	# resources list); that is capnp's bug, counted and shown, while the
	# binary route must always give our bytes.
	capnp convert flat:canonical "$schema" BundleManifest <"$m" >"$tmp/canonical"
	cmp -s "$tmp/canonical" "$m" || fail "$m: capnp's canonical encoding differs from ours"
	if capnp convert text:canonical "$schema" BundleManifest <"$tmp/text" >"$tmp/canonical2" 2>/dev/null; then
		cmp -s "$tmp/canonical2" "$m" || fail "$m: capnp's text:canonical differs from ours"
		ntext=$((ntext + 1))
	else
		echo "note: $m: capnp cannot re-read its own text (capnp 0.9.2 bug)"
	fi
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
echo "capnp oracle: $n manifests decode and re-encode to identical bytes ($ntext also through text)"
