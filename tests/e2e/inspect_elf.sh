#!/bin/sh
# `nexus-sim inspect FILE.elf` as a user runs it: a good ELF prints its
# plan and exits 0; every malformed one elfgen makes exits 65 with one
# stderr line naming the file, the guard and its message; a missing file
# exits 66.
set -u
bin=${NX_BIN:-bin}
build=${NX_BUILD:-build}
sim=$bin/nexus-sim
elfgen=$build/tests/elfgen
good=$build/tests/gen/lld-default.elf
for tool in "$sim" "$build/tests/elfgen"; do
	[ -x "$tool" ] || { echo "FAIL $tool is not built (run make)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() {
	echo "FAIL $*"
	fail=1
}

# A good ELF: exit 0, the plan on stdout, nothing on stderr.
"$sim" inspect "$good" >"$tmp/out" 2>"$tmp/err"
rc=$?
entry=$(readelf -hW "$good" | awk '/Entry point address/ { print $NF }')
[ "$rc" -eq 0 ] || bad "good ELF exited $rc"
[ -s "$tmp/err" ] && bad "good ELF wrote to stderr: $(cat "$tmp/err")"
grep -qx "entry $entry" "$tmp/out" || bad "no 'entry $entry' line"
[ "$(grep -c '^load ' "$tmp/out")" -eq 3 ] || bad "expected 3 load lines"
grep -q '^map va=0x[0-9a-f]* len=0x[0-9a-f]* prot=r-x$' "$tmp/out" || bad "no r-x map"
grep -q '^copy va=' "$tmp/out" || bad "no copy lines"
grep -q '^mapped [0-9]* bytes in [0-9]* maps$' "$tmp/out" || bad "no mapped line"
grep -q '^stack top=0x3fffff0000 size=0x40000 ' "$tmp/out" || bad "no default stack line"

# Every mutation: ok-* accepted, the rest refused with exit 65 and one line.
mutations=$("$elfgen" --list | awk '{ print $1 }')
[ -n "$mutations" ] || bad "elfgen --list printed nothing"
refusals=0
for m in $mutations; do
	f=$tmp/$m.elf
	if ! "$elfgen" "$m" "$good" "$f"; then
		bad "elfgen $m failed"
		continue
	fi
	"$sim" inspect "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	case $m in
	ok-*)
		[ "$rc" -eq 0 ] || bad "$m: exited $rc, want 0: $(cat "$tmp/err")"
		;;
	*)
		refusals=$((refusals + 1))
		[ "$rc" -eq 65 ] || bad "$m: exited $rc, want 65"
		[ -s "$tmp/out" ] && bad "$m: printed a plan for a refused file"
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || bad "$m: stderr is not one line"
		grep -Eqx "nexus-sim: $f: refused: NXL_E_[A-Z0-9_]+: .+" "$tmp/err" ||
			bad "$m: unexpected refusal line: $(cat "$tmp/err")"
		;;
	esac
	rm -f "$f"
done
[ "$refusals" -ge 30 ] || bad "only $refusals refusal mutations"

# A few refusals by name: the line names the guard that fired.
for pair in seg-wx:NXL_E_SEG_WX interp:NXL_E_INTERP machine:NXL_E_MACHINE \
	shared-wx:NXL_E_SHARED_WX file-over:NXL_E_FILE_SIZE; do
	m=${pair%%:*}
	want=${pair#*:}
	"$elfgen" "$m" "$good" "$tmp/x.elf" || bad "elfgen $m failed"
	"$sim" inspect "$tmp/x.elf" 2>"$tmp/err" >/dev/null
	grep -q ": refused: $want: " "$tmp/err" || bad "$m: want $want, got: $(cat "$tmp/err")"
done
grep -q 'static payloads only' "$tmp/err" && bad "file-over message mentions static payloads"
"$elfgen" interp "$good" "$tmp/x.elf"
"$sim" inspect "$tmp/x.elf" 2>"$tmp/err" >/dev/null
grep -q 'static payloads only' "$tmp/err" || bad "PT_INTERP refusal does not say 'static payloads only'"

# Missing file: 66 and the file named. A directory that is not a bundle: 65.
"$sim" inspect "$tmp/missing.elf" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 66 ] || bad "missing file exited $rc, want 66"
grep -q "^nexus-sim: $tmp/missing.elf: cannot open" "$tmp/err" || bad "missing file message"
"$sim" inspect "$tmp" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 65 ] || bad "directory exited $rc, want 65"
grep -q "^nexus-sim: $tmp: refused: .*a bundle holds only" "$tmp/err" || bad "directory message"

# A bundle: manifest, signature checked against the dev trust dir, plan.
"$sim" inspect "${NX_BUILD:-build}/bundles/demo.hello.nxb" >"$tmp/out" 2>&1 || bad "bundle inspect failed"
grep -q '^signature key=[0-9a-f]\{16\} ok' "$tmp/out" || bad "bundle signature not reported ok"
grep -q '^name demo.hello$' "$tmp/out" || bad "bundle name missing"
grep -q '^map va=0x' "$tmp/out" || bad "bundle plan missing"
"$sim" inspect --trust "$tmp" "${NX_BUILD:-build}/bundles/demo.hello.nxb" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 65 ] || bad "bundle with an empty trust dir exited $rc, want 65"

# Usage.
"$sim" inspect --help >"$tmp/out" 2>&1 || bad "inspect --help exited non-zero"
grep -q '^usage: nexus-sim inspect' "$tmp/out" || bad "inspect --help prints no usage"
"$sim" inspect >/dev/null 2>&1
rc=$?
[ "$rc" -eq 64 ] || bad "inspect without a file exited $rc, want 64"

[ "$fail" -eq 0 ] && echo "inspect_elf: ok ($refusals refusals checked)"
exit "$fail"
