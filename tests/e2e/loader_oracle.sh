#!/bin/sh
# Oracle: for every fixture ELF, the PT_LOADs `nexus-sim inspect` prints
# (offset, vaddr, filesz, memsz, flags, align) equal the LOAD lines of
# binutils `readelf -lW`. Also run on the loader's own lld-default fixture
# and on generator outputs at the limits (shared page, 16 PT_LOADs, user
# top). No fixture ELFs at all is a failure, not a pass.
set -u
bin=${NX_BIN:-bin}
build=${NX_BUILD:-build}
sim=$bin/nexus-sim
for tool in "$sim" "$build/tests/elfgen"; do
	[ -x "$tool" ] || { echo "FAIL $tool is not built (run make)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Hex numbers compared as text: no 0x, no leading zeros, lower case.
ours() {
	"$sim" inspect "$1" | awk '$1 == "load" {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			v[kv[1]] = kv[2]
		}
		f = v["flags"]; gsub(/-/, "", f)
		print hex(v["offset"]), hex(v["vaddr"]), hex(v["filesz"]), hex(v["memsz"]), f, hex(v["align"])
	}
	function hex(s) { s = tolower(s); sub(/^0x0*/, "", s); return s == "" ? "0" : s }'
}

theirs() {
	readelf -lW "$1" | awk '$1 == "LOAD" {
		f = ""
		for (i = 7; i < NF; i++) f = f $i
		print hex($2), hex($3), hex($5), hex($6), f, hex($NF)
	}
	function hex(s) { s = tolower(s); sub(/^0x0*/, "", s); return s == "" ? "0" : s }'
}

fail=0
count=0
check() {
	count=$((count + 1))
	if ! "$sim" inspect "$1" >/dev/null; then
		echo "FAIL $1: nexus-sim inspect refused it"
		fail=1
		return
	fi
	a=$(ours "$1")
	b=$(theirs "$1")
	if [ -z "$b" ]; then
		echo "FAIL $1: readelf shows no LOAD lines"
		fail=1
	elif [ "$a" != "$b" ]; then
		echo "FAIL $1: nexus-sim and readelf disagree"
		echo "  nexus-sim:"
		echo "$a" | sed 's/^/    /'
		echo "  readelf:"
		echo "$b" | sed 's/^/    /'
		fail=1
	else
		echo "ok   $1 ($(echo "$a" | wc -l) PT_LOADs)"
	fi
}

fixtures=0
for elf in "$build"/payloads/*.elf; do
	[ -f "$elf" ] || continue
	fixtures=$((fixtures + 1))
	check "$elf"
done
if [ "$fixtures" -eq 0 ]; then
	echo "FAIL no fixture ELFs in $build/payloads (build them with make)"
	exit 1
fi

own=$build/tests/gen/lld-default.elf
check "$own"
for m in ok-shared-page ok-load-max ok-user-top; do
	if ! "$build/tests/elfgen" "$m" "$own" "$tmp/$m.elf"; then
		echo "FAIL elfgen $m"
		fail=1
		continue
	fi
	check "$tmp/$m.elf"
done

echo "$count ELFs compared with readelf"
exit "$fail"
