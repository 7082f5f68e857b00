#!/bin/sh
# Oracle: the official Cap'n Proto tool reads every built bundle's
# manifest.nxb with our schema, and its canonical encoding of what it read
# is byte for byte our file. Both the flat form (what manifest.nxb is) and
# the stream form with a segment table (`binary`) are decoded.
. tests/e2e/lib.sh
set -e
schema=formats/manifest.capnp

# Any disagreement with the oracle ends the script at once.
die() {
	fail "$@"
	exit 1
}

n=0
ntext=0
for b in $(find "$BUILD/bundles" -type d -name '*.nxb' | sort); do
	m=$b/manifest.nxb
	capnp convert flat:text "$schema" BundleManifest <"$m" >"$work/text" ||
		fail "$m: capnp cannot decode it"
	# Canonicalised from the binary, and (the route) from capnp's
	# own text. capnp 0.9.2's text parser rejects some text its printer
	# wrote (seen: a payloadDigest holding '`' and '<' together with a
	# resources list); that is capnp's bug, counted and shown, while the
	# binary route must always give our bytes.
	capnp convert flat:canonical "$schema" BundleManifest <"$m" >"$work/canonical"
	cmp -s "$work/canonical" "$m" || die "$m: capnp's canonical encoding differs from ours"
	if capnp convert text:canonical "$schema" BundleManifest <"$work/text" >"$work/canonical2" 2>/dev/null; then
		cmp -s "$work/canonical2" "$m" || die "$m: capnp's text:canonical differs from ours"
		ntext=$((ntext + 1))
	else
		echo "note: $m: capnp cannot re-read its own text (capnp 0.9.2 bug)"
	fi
	# The same bytes behind a one-segment table: segment count - 1, then its words.
	python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(struct.pack("<II",0,len(d)//8)+d)' \
		"$m" >"$work/binary"
	capnp convert binary:text "$schema" BundleManifest <"$work/binary" >"$work/text2"
	cmp -s "$work/text" "$work/text2" || die "$m: binary and flat decodings differ"
	name=$(basename "$b" .nxb)
	grep -q "name = \"$name\"" "$work/text" || die "$m: capnp does not read the name $name"
	grep -q 'schemaVersion = 1' "$work/text" || die "$m: capnp does not read schemaVersion 1"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no bundles under $BUILD/bundles (run make first)"
echo "capnp oracle: $n manifests decode and re-encode to identical bytes ($ntext also through text)"
