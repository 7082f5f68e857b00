#!/bin/sh
# Bad system sets through the real `nexus-sim update`, one named case per
# refusal: the five of the issue (unsigned, invalid signature, mismatched
# digest, oversized archive) and every refusal class of the .nxs reader
# (formats/nxs_read.h), plus updated's own (untrusted key, a trust
# directory without the key, downgrade, a payload the loader refuses) and
# nexus-sim's (SET not a regular file, SET missing).
#
# One state directory for all of them: sys-1.0.0 committed into slot b,
# then sys-2.0.0 into slot a, so that the floor is 2.0.0, a is active and
# the standby slot b holds a fallback set a stage would replace. Each bad
# set is made by nxsgen from sys-2.0.0 raised to version 3.0.0 (signed
# again with the dev key), so that only its fault can refuse it; a fault
# in a bundle is in the last one, after the first was staged.
#
# Every case: the exit code (65 refused, 66 for a missing SET), nothing on
# stdout, one line on stderr naming the set and saying why (the pattern is
# matched on what follows the set's name, never on the name), and the state
# untouched: `status --json` and bootctrl byte for byte, both slots and
# update/ (names, sizes, SHA-256), no update/new; demo.hello still runs.
. tests/e2e/lib.sh
GEN=$BUILD/tests/nxsgen/nxsgen
SYS=$BUILD/systems
KEY=fixtures/keys/dev.key
OTHER=fixtures/keys/untrusted
GOOD=$SYS/sys-2.0.0.nxs
need "$SIM" "$GEN" "$SYS/sys-1.0.0.nxs" "$GOOD" "$KEY" "$OTHER.key" "$OTHER.pub"

state=$work/state
sets=$work/sets
mkdir -p "$sets"

for s in sys-1.0.0 sys-2.0.0; do
	"$SIM" update --state "$state" "$SYS/$s.nxs" 2>"$work/setup.err" ||
		{ echo "FAIL setup: update $s: exit $?: $(cat "$work/setup.err")"; exit 1; }
done
"$SIM" status --state "$state" --json >"$work/setup.json" || { echo "FAIL setup: status"; exit 1; }
python3 - "$work/setup.json" <<'PY' || { echo "FAIL setup: $(cat "$work/setup.json")"; exit 1; }
import json, sys
s = json.load(open(sys.argv[1]))
assert s["active"] == "a" and s["pending"] is None and s["floor"] == "2.0.0", s
assert s["slots"]["a"]["version"] == "2.0.0" and s["slots"]["b"]["version"] == "1.0.0", s
PY

# snapshot DIR: what a refusal must leave as it was.
snapshot() {
	mkdir -p "$1"
	# The A/B state: without the launch counts, which the run after each case adds to.
	"$SIM" status --state "$state" --json 2>&1 | python3 -c \
		'import json, sys; s = json.load(sys.stdin); del s["launches"]; print(s)' \
		>"$1/status" 2>&1 || echo "status: exit $?" >>"$1/status"
	[ ! -e "$state/bootctrl" ] || cp "$state/bootctrl" "$1/bootctrl"
	(cd "$state" && find slot-a slot-b update -printf '%p %y %s\n' | LC_ALL=C sort &&
		find slot-a slot-b update -type f -exec sha256sum {} + | LC_ALL=C sort) >"$1/tree"
}
snapshot "$work/before"

bad() {
	fail "$name: $*"
	casefail=1
}

# refused NAME CODE SET PATTERN [OPTION...]: `nexus-sim update [OPTION...] SET`
# refuses SET as the header says; PATTERN (extended regex) matches the reason.
refused() {
	name=$1 code=$2 set=$3 pat=$4 casefail=0
	shift 4
	echo "case $name"
	"$SIM" update --state "$state" "$@" "$set" >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" -eq "$code" ] || bad "exit $rc, want $code"
	[ ! -s "$work/out" ] || bad "stdout: $(head -c 300 "$work/out")"
	[ "$(wc -l <"$work/err")" -eq 1 ] || bad "stderr is not one line: $(cat "$work/err")"
	line=$(head -n 1 "$work/err")
	if [ "$code" -eq 66 ]; then
		why=${line#"nexus-sim: update: cannot open $set: "}
	else
		why=${line#"nexus-sim: update: $set: refused: "}
	fi
	[ "$why" != "$line" ] || bad "stderr does not name the set as a refusal: $line"
	printf '%s\n' "$why" | grep -Eq -- "$pat" || bad "reason lacks /$pat/: $line"

	snapshot "$work/after"
	cmp -s "$work/before/status" "$work/after/status" ||
		bad "status changed: $(cat "$work/after/status")"
	if [ -e "$work/before/bootctrl" ]; then
		cmp -s "$work/before/bootctrl" "$work/after/bootctrl" || bad "bootctrl changed"
	fi
	diff "$work/before/tree" "$work/after/tree" >"$work/tree.diff" ||
		bad "slots or update/ changed: $(cat "$work/tree.diff")"
	[ ! -e "$state/update/new" ] || bad "update/new left: $(ls -A "$state/update/new")"
	! grep -q ' died' "$state/console.log" 2>/dev/null ||
		bad "a daemon died: $(grep ' died' "$state/console.log")"

	"$SIM" run --state "$state" pkg:/demo.hello >"$work/run.out" 2>"$work/run.err"
	rc=$?
	[ "$rc" -eq 0 ] || bad "run demo.hello after it: exit $rc: $(cat "$work/run.err")"
	grep -qx 'Hello from demo.hello' "$work/run.out" || bad "run demo.hello: $(cat "$work/run.out")"
	[ "$casefail" -eq 0 ] && echo "ok   $name: $why"
	return 0
}

# gen MUTATION [KEY]: a bad set from GOOD at 3.0.0, under a neutral name, into $set.
n=0
gen() {
	n=$((n + 1))
	set=$sets/s$n.nxs
	"$GEN" --version 3.0.0 "$1" "$GOOD" "${2:-$KEY}" "$set" 2>"$work/gen.err" ||
		{ echo "FAIL nxsgen $1: $(cat "$work/gen.err")"; exit 1; }
}

# nxsgen's premise: its unmutated copy is byte for byte nxs-pack's set.
echo "case nxsgen_copy_is_the_packed_set"
"$GEN" none "$GOOD" "$KEY" "$sets/copy.nxs" || fail "nxsgen none: exit $?"
cmp -s "$GOOD" "$sets/copy.nxs" && echo "ok   nxsgen_copy_is_the_packed_set" ||
	fail "nxsgen_copy_is_the_packed_set: nxsgen none differs from $GOOD"

# The issue's five.
gen unsigned
refused test_reject_unsigned_system_set 65 "$set" \
	'^system\.sig\.ed25519: missing \(the set is unsigned\)$'
gen bad-signature
refused test_reject_invalid_signature 65 "$set" '^system\.sig\.ed25519: signature does not verify'
gen payload-digest
refused test_reject_mismatched_digest 65 "$set" \
	"^test\.exit42\.nxb/payload\.elf: SHA-256 differs from the index's$"
gen oversize
refused test_reject_oversized_archive 65 "$set" '^system set: 104857601 bytes, at most 104857600$'

# The member sequence.
gen extra-member
refused test_reject_extra_member 65 "$set" '^junk: not a member of this set'
gen missing-member
refused test_reject_missing_member 65 "$set" '^test\.exit42\.nxb/payload\.elf: missing$'
gen duplicate-member
refused test_reject_duplicate_member 65 "$set" \
	'^test\.exit42\.nxb/manifest\.nxb: a second time, as member 7$'
gen reordered-members
refused test_reject_reordered_members 65 "$set" \
	'^test\.exit42\.nxb/manifest\.sig: member 6, before test\.exit42\.nxb/manifest\.nxb'

# Member types.
gen symlink
refused test_reject_symlink_member 65 "$set" '^test\.exit42\.nxb/payload\.elf: a symbolic link$'
gen hardlink
refused test_reject_hardlink_member 65 "$set" '^test\.exit42\.nxb/payload\.elf: a hard link$'
gen directory
refused test_reject_directory_entry 65 "$set" '^test\.exit42\.nxb/: a directory entry$'
gen fifo
refused test_reject_fifo_member 65 "$set" \
	"^test\.exit42\.nxb/payload\.elf: not a regular file \(typeflag '6'"
gen device
refused test_reject_device_member 65 "$set" \
	"^test\.exit42\.nxb/payload\.elf: not a regular file \(typeflag '3'"

# Member paths.
gen absolute
refused test_reject_absolute_path 65 "$set" '^/system\.nxsindex: an absolute path$'
gen dotdot
refused test_reject_dotdot_segment 65 "$set" \
	'^test\.exit42\.nxb/\.\./test\.exit42\.nxb/manifest\.nxb: a "\.\." segment$'
gen empty-segment
refused test_reject_empty_segment 65 "$set" '^"test\.exit42\.nxb//manifest\.nxb": an empty segment$'
gen nul-in-name
refused test_reject_nul_in_name 65 "$set" \
	'^member 1: "system\.nxsindex": bytes after a NUL in its name$'

# The tar itself.
gen pax
refused test_reject_pax_headers 65 "$set" '^member 1: a pax extended header$'
gen trailing-garbage
refused test_reject_bytes_after_the_end 65 "$set" \
	'^non-zero byte at offset [0-9]+, after the last member$'

# The index and its signature.
gen sig-size
refused test_reject_signature_member_size 65 "$set" '^system\.sig\.ed25519: 73 bytes, want 74$'
gen publisher
refused test_reject_signer_not_the_publisher 65 "$set" \
	"^system\.sig\.ed25519: signed by a key that is not the index's publisher$"
gen index-empty
refused test_reject_empty_index 65 "$set" '^system\.nxsindex: 0 bytes, want 1\.\.1048576$'
gen index-over-cap
refused test_reject_index_over_cap 65 "$set" '^system\.nxsindex: 1048577 bytes, want 1\.\.1048576$'
gen index-garbage
refused test_reject_index_not_capnp 65 "$set" '^system\.nxsindex: capability pointer'
gen resign "$OTHER.key"
refused test_reject_untrusted_key 65 "$set" \
	'^system\.sig\.ed25519: signed by untrusted key [0-9a-f]{16} '
mkdir -p "$work/trust"
cp "$OTHER.pub" "$work/trust/"
gen none
refused test_reject_trust_dir_lacking_the_key 65 "$set" \
	'^system\.sig\.ed25519: signed by untrusted key [0-9a-f]{16} ' --trust "$work/trust"

# The bundles.
gen manifest-digest
refused test_reject_manifest_digest_mismatch 65 "$set" \
	"^test\.exit42\.nxb/manifest\.nxb: SHA-256 differs from the index's$"
gen payload-size
refused test_reject_payload_size_mismatch 65 "$set" \
	'^test\.exit42\.nxb/payload\.elf: [0-9]+ bytes, the index says [0-9]+$'
gen member-over-cap
refused test_reject_member_over_cap 65 "$set" \
	'^test\.exit42\.nxb/manifest\.nxb: 262145 bytes, want 1\.\.262144$'
gen bundle-sig
refused test_reject_bad_bundle_signature 65 "$set" \
	'^test\.exit42\.nxb/manifest\.sig: signature does not verify'
gen bundle-version
refused test_reject_bundle_version_not_the_index 65 "$set" \
	'^test\.exit42\.nxb/manifest\.nxb: test\.exit42@9\.9\.9, the index says test\.exit42@1\.0\.0$'
gen bundle-name
refused test_reject_bundle_name_not_the_index 65 "$set" \
	'^test\.exit42\.nxb/manifest\.nxb: zest\.exit42@1\.0\.0, the index says test\.exit42@1\.0\.0$'
gen manifest-payload-digest
refused test_reject_payload_not_its_manifest 65 "$set" \
	"^test\.exit42\.nxb/payload\.elf: SHA-256 differs from the manifest's$"
gen payload-not-elf
refused test_reject_payload_the_loader_refuses 65 "$set" \
	'^test\.exit42\.nxb: test\.exit42: payload\.elf refused by the loader: NXL_E_MAGIC'

# The floor: below it, and equal to it.
refused test_reject_downgrade 65 "$SYS/sys-1.0.0.nxs" \
	'^downgrade refused: system version 1\.0\.0 is not above the floor 2\.0\.0$'
refused test_reject_same_version 65 "$GOOD" \
	'^downgrade refused: system version 2\.0\.0 is not above the floor 2\.0\.0$'

# SET itself.
refused test_reject_directory_as_set 65 "$sets" '^not a regular file$'
mkfifo "$work/fifo"
refused test_reject_fifo_as_set 65 "$work/fifo" '^not a regular file$'
refused test_reject_missing_set 66 "$sets/absent.nxs" '^No such file or directory$'

finish "update refusals ok: $n generated sets and 5 more, state untouched"
