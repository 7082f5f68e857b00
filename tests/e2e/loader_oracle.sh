#!/bin/sh
# Oracle: for every fixture ELF, the PT_LOADs `nexus-sim inspect` prints
# (offset, vaddr, filesz, memsz, flags, align) equal the LOAD lines of
# binutils `readelf -lW`. Also run on the loader's own lld-default fixture
# and on generator outputs at the limits (shared page, 16 PT_LOADs, user
# top). No fixture ELFs at all is a failure, not a pass.
. tests/e2e/lib.sh
need "$SIM" "$BUILD/tests/elfgen"

# Hex numbers compared as text: no 0x, no leading zeros, lower case.
ours() {
	"$SIM" inspect "$1" | awk '$1 == "load" {
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

count=0
check() {
	count=$((count + 1))
	if ! "$SIM" inspect "$1" >/dev/null; then
		fail "$1: nexus-sim inspect refused it"
		return
	fi
	a=$(ours "$1")
	b=$(theirs "$1")
	if [ -z "$b" ]; then
		fail "$1: readelf shows no LOAD lines"
	elif [ "$a" != "$b" ]; then
		fail "$1: nexus-sim and readelf disagree"
		echo "  nexus-sim:"
		echo "$a" | sed 's/^/    /'
		echo "  readelf:"
		echo "$b" | sed 's/^/    /'
	else
		echo "ok   $1 ($(echo "$a" | wc -l) PT_LOADs)"
	fi
}

fixtures=0
for elf in "$BUILD"/payloads/*.elf; do
	[ -f "$elf" ] || continue
	fixtures=$((fixtures + 1))
	check "$elf"
done
if [ "$fixtures" -eq 0 ]; then
	echo "FAIL no fixture ELFs in $BUILD/payloads (build them with make)"
	exit 1
fi

own=$BUILD/tests/gen/lld-default.elf
check "$own"
for m in ok-shared-page ok-load-max ok-user-top; do
	if ! "$BUILD/tests/elfgen" "$m" "$own" "$work/$m.elf"; then
		fail "elfgen $m"
		continue
	fi
	check "$work/$m.elf"
done

finish "$count ELFs compared with readelf"
