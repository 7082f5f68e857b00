#!/bin/sh
# `nexus-sim inspect FILE.elf` as a user runs it: a good ELF prints its
# plan and exits 0; every malformed one elfgen makes exits 65 with one
# stderr line naming the file, the guard and its message; a missing file
# exits 66.
. tests/e2e/lib.sh
elfgen=$BUILD/tests/elfgen
good=$BUILD/tests/gen/lld-default.elf
need "$SIM" "$elfgen" "$good"

# A good ELF: exit 0, the plan on stdout, nothing on stderr.
"$SIM" inspect "$good" >"$work/out" 2>"$work/err"
rc=$?
entry=$(readelf -hW "$good" | awk '/Entry point address/ { print $NF }')
[ "$rc" -eq 0 ] || fail "good ELF exited $rc"
[ -s "$work/err" ] && fail "good ELF wrote to stderr: $(cat "$work/err")"
grep -qx "entry $entry" "$work/out" || fail "no 'entry $entry' line"
[ "$(grep -c '^load ' "$work/out")" -eq 3 ] || fail "expected 3 load lines"
grep -q '^map va=0x[0-9a-f]* len=0x[0-9a-f]* prot=r-x$' "$work/out" || fail "no r-x map"
grep -q '^copy va=' "$work/out" || fail "no copy lines"
grep -q '^mapped [0-9]* bytes in [0-9]* maps$' "$work/out" || fail "no mapped line"
grep -q '^stack top=0x3fffff0000 size=0x40000 ' "$work/out" || fail "no default stack line"

# Every mutation: ok-* accepted, the rest refused with exit 65 and one line.
mutations=$("$elfgen" --list | awk '{ print $1 }')
[ -n "$mutations" ] || fail "elfgen --list printed nothing"
refusals=0
for m in $mutations; do
	f=$work/$m.elf
	if ! "$elfgen" "$m" "$good" "$f"; then
		fail "elfgen $m failed"
		continue
	fi
	"$SIM" inspect "$f" >"$work/out" 2>"$work/err"
	rc=$?
	case $m in
	ok-*)
		[ "$rc" -eq 0 ] || fail "$m: exited $rc, want 0: $(cat "$work/err")"
		;;
	*)
		refusals=$((refusals + 1))
		[ "$rc" -eq 65 ] || fail "$m: exited $rc, want 65"
		[ -s "$work/out" ] && fail "$m: printed a plan for a refused file"
		[ "$(wc -l <"$work/err")" -eq 1 ] || fail "$m: stderr is not one line"
		grep -Eqx "nexus-sim: $f: refused: NXL_E_[A-Z0-9_]+: .+" "$work/err" ||
			fail "$m: unexpected refusal line: $(cat "$work/err")"
		;;
	esac
	rm -f "$f"
done
[ "$refusals" -ge 30 ] || fail "only $refusals refusal mutations"

# A few refusals by name: the line names the guard that fired.
for pair in seg-wx:NXL_E_SEG_WX interp:NXL_E_INTERP machine:NXL_E_MACHINE \
	shared-wx:NXL_E_SHARED_WX file-over:NXL_E_FILE_SIZE; do
	m=${pair%%:*}
	want=${pair#*:}
	"$elfgen" "$m" "$good" "$work/x.elf" || fail "elfgen $m failed"
	"$SIM" inspect "$work/x.elf" 2>"$work/err" >/dev/null
	grep -q ": refused: $want: " "$work/err" || fail "$m: want $want, got: $(cat "$work/err")"
done
grep -q 'static payloads only' "$work/err" && fail "file-over message mentions static payloads"
"$elfgen" interp "$good" "$work/x.elf"
"$SIM" inspect "$work/x.elf" 2>"$work/err" >/dev/null
grep -q 'static payloads only' "$work/err" || fail "PT_INTERP refusal does not say 'static payloads only'"

# Missing file: 66 and the file named. A directory that is not a bundle: 65.
"$SIM" inspect "$work/missing.elf" >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 66 ] || fail "missing file exited $rc, want 66"
grep -q "^nexus-sim: $work/missing.elf: cannot open" "$work/err" || fail "missing file message"
"$SIM" inspect "$work" >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 65 ] || fail "directory exited $rc, want 65"
grep -q "^nexus-sim: $work: refused: .*a bundle holds only" "$work/err" || fail "directory message"

# A bundle: manifest, signature checked against the dev trust dir, plan.
"$SIM" inspect "$BUILD/bundles/demo.hello.nxb" >"$work/out" 2>&1 || fail "bundle inspect failed"
grep -q '^signature key=[0-9a-f]\{16\} ok' "$work/out" || fail "bundle signature not reported ok"
grep -q '^name demo.hello$' "$work/out" || fail "bundle name missing"
grep -q '^map va=0x' "$work/out" || fail "bundle plan missing"
"$SIM" inspect --trust "$work" "$BUILD/bundles/demo.hello.nxb" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 65 ] || fail "bundle with an empty trust dir exited $rc, want 65"

# Usage.
"$SIM" inspect --help >"$work/out" 2>&1 || fail "inspect --help exited non-zero"
grep -q '^usage: nexus-sim inspect' "$work/out" || fail "inspect --help prints no usage"
"$SIM" inspect >/dev/null 2>&1
rc=$?
[ "$rc" -eq 64 ] || fail "inspect without a file exited $rc, want 64"

# A FIFO named as the ELF is refused at once, not waited on (the script's own
# time guard would catch a hang).
mkfifo "$work/fifo.elf"
timeout 10 "$SIM" inspect "$work/fifo.elf" >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 65 ] || fail "inspect of a FIFO exited $rc, want 65"
grep -q 'not a regular file' "$work/err" || fail "FIFO message: $(cat "$work/err")"

finish "inspect_elf: ok ($refusals refusals checked)"
