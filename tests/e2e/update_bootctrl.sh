#!/bin/sh
# A damaged BootCtrl through the CLI, on a state with 1.0.0 then 2.0.0
# committed (slot a 2.0.0 active, slot b 1.0.0 its fallback). A record
# that is bad, truncated, empty or gone: status exits 0, warns naming the
# problem and shows the fallback (2.0.0 on trial, 1.0.0 committed); a run
# boots it, the trial passes and 2.0.0 is committed again; the bad file is
# in quarantine/ and the journal has updated's audit record op=bootctrl.
# A record that is a directory, a link or has another hard link: a boot
# refuses the state (73) and changes nothing; status says so. A BootCtrl
# write that fails (NEXUS_FAULT=ioerr:bootctrl): the update exits 73 and
# the state is as it was; a try that cannot be spent is not taken.
. tests/e2e/lib.sh
sys=$BUILD/systems
need "$sys/sys-1.0.0.nxs" "$sys/sys-2.0.0.nxs" "$sys/sys-3.0.0-badhealth.nxs"

# status_is DIR WHAT PYTHON-EXPR: `status --json` of DIR exits 0 with s satisfying the expression.
status_is() {
	"$SIM" status --state "$1" --json >"$work/status.json" 2>"$work/status.err" ||
		{ fail "$2: status exit $?: $(cat "$work/status.err")"; return; }
	python3 - "$work/status.json" "$3" <<'PY' || fail "$2: status is $(cat "$work/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

both='s["slots"]["a"]["version"] == "2.0.0" and s["slots"]["b"]["version"] == "1.0.0"'
committed="s['active'] == 'a' and s['pending'] is None and s['floor'] == '2.0.0' and $both"
fallback="s['active'] == 'b' and s['pending'] == 'a' and s['tries_left'] == 2 and s['floor'] == '1.0.0' and $both"

base=$work/base
for v in 1.0.0 2.0.0; do
	"$SIM" update --state "$base" "$sys/sys-$v.nxs" >/dev/null 2>&1 || fail "base: update to $v: exit $?"
done
status_is "$base" base "$committed"

# put_record DIR PRIO_A TRIES_A OK_A PRIO_B TRIES_B OK_B FLOOR: a record with a correct CRC.
put_record() {
	python3 - "$@" <<'PY'
import sys, zlib
d, *f, floor = sys.argv[1:]
f = [int(x) for x in f]
rec = b"NXBC" + bytes([1, 0, 0, 0]) + bytes(f[0:3] + [0] + f[3:6] + [0]) + floor.encode().ljust(64, b"\0")
open(d + "/bootctrl", "wb").write(rec + zlib.crc32(rec).to_bytes(4, "big"))
PY
}

# corrupt CASE: damage the record of $st the CASE way.
corrupt() {
	case $1 in
	magic) printf 'NXBD' | dd of="$st/bootctrl" conv=notrunc status=none ;;
	crc) printf '\377' | dd of="$st/bootctrl" bs=1 seek=83 conv=notrunc status=none ;;
	version) python3 -c 'import sys, zlib
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[4] = 2
b[80:84] = zlib.crc32(bytes(b[:80])).to_bytes(4, "big"); open(p, "wb").write(b)' "$st/bootctrl" ;;
	tries) put_record "$st" 2 0 1 1 8 0 2.0.0 ;; # slot b pending with 8 tries
	truncated) truncate -s 83 "$st/bootctrl" ;;
	empty) : >"$st/bootctrl" ;;
	deleted) rm "$st/bootctrl" ;;
	directory) rm "$st/bootctrl" && mkdir "$st/bootctrl" ;;
	symlink) mv "$st/bootctrl" "$work/$1.real" && ln -s "$work/$1.real" "$st/bootctrl" ;;
	hardlink) ln "$st/bootctrl" "$work/$1.link" ;;
	esac
}

# recovers CASE PROBLEM: status (PROBLEM an extended regex naming it, as the audit does) shows the fallback, a boot commits 2.0.0 again.
recovers() {
	st=$work/$1
	cp -a "$base" "$st"
	corrupt "$1"
	[ -e "$st/bootctrl" ] && cp "$st/bootctrl" "$work/$1.bad"
	"$SIM" status --state "$st" >"$work/$1.out" 2>"$work/$1.err" || fail "$1: status exit $?"
	grep -Eq "bootctrl: $2; the next boot rebuilds it from the slots" "$work/$1.err" ||
		fail "$1: status warning: $(cat "$work/$1.err")"
	grep -qx 'pending:    a (2 tries left)' "$work/$1.out" || fail "$1: status: $(cat "$work/$1.out")"
	status_is "$st" "$1: fallback" "$fallback"
	"$SIM" run --state "$st" pkg:/demo.hello >"$work/$1.run" 2>&1 ||
		fail "$1: run exit $?: $(tail -3 "$work/$1.run")"
	grep -qx 'Hello from demo.hello' "$work/$1.run" || fail "$1: run: $(cat "$work/$1.run")"
	if [ -e "$work/$1.bad" ]; then
		[ "$(ls "$st/quarantine" 2>/dev/null | wc -l)" -eq 1 ] &&
			cmp -s "$work/$1.bad" "$st/quarantine/$(ls "$st/quarantine")" ||
			fail "$1: the bad record is not in quarantine/: $(ls -A "$st/quarantine" 2>&1)"
	fi
	grep "op=bootctrl" "$st/journal" | grep -q "result=failed" ||
		fail "$1: no audit record op=bootctrl: $(grep audit "$st/journal")"
	grep "op=bootctrl" "$st/journal" | grep -Eq "$2" || fail "$1: the audit record does not name /$2/"
	"$SIM" status --state "$st" --json >/dev/null 2>"$work/$1.err2"
	[ -s "$work/$1.err2" ] && fail "$1: status still warns: $(cat "$work/$1.err2")"
	status_is "$st" "$1: after the boot" "$committed"
}

recovers magic "bad magic"
recovers crc "CRC-32 0x[0-9a-f]* does not match"
recovers version "record version 2, not 1"
recovers tries "slot b: tries 8 is over 7"
recovers truncated "83 bytes, not 84"
recovers empty "0 bytes, not 84"
recovers deleted "missing while a slot holds a (system )?set"

# snapshot DIR: every entry's type, size, target and content, but the lock (the pid of the last session).
snapshot() {
	(cd "$1" && find . ! -name lock -printf '%p %y %s %l\n' | sort &&
		find . -type f ! -name lock -exec md5sum {} + | sort)
}

# refused CASE PROBLEM: a boot refuses the state (73) and changes nothing; status says so.
refused() {
	st=$work/$1
	cp -a "$base" "$st"
	corrupt "$1"
	"$SIM" status --state "$st" >"$work/$1.out" 2>"$work/$1.err" || fail "$1: status exit $?"
	grep -q "$2" "$work/$1.err" && grep -q "a boot refuses it (exit 73)" "$work/$1.err" ||
		fail "$1: status warning: $(cat "$work/$1.err")"
	snapshot "$st" >"$work/$1.before"
	"$SIM" run --state "$st" pkg:/demo.hello >"$work/$1.run" 2>&1
	rc=$?
	[ "$rc" -eq 73 ] || fail "$1: run exit $rc, want 73: $(cat "$work/$1.run")"
	grep -q "bootctrl" "$work/$1.run" || fail "$1: the refusal does not name bootctrl: $(cat "$work/$1.run")"
	snapshot "$st" | cmp -s - "$work/$1.before" || fail "$1: the refused run changed the state"
}

refused directory "not a regular file"
refused symlink "a symbolic link"
refused hardlink "other hard links"
[ -f "$work/symlink.real" ] && [ ! -d "$work/symlink/quarantine" ] || fail "symlink: its target moved"

# ab_status DIR: the A/B state, status --json without its launch counts (every run adds to them).
ab_status() {
	"$SIM" status --state "$1" --json 2>&1 |
		python3 -c 'import json, sys; s = json.load(sys.stdin); del s["launches"]; print(s)'
}

# ioerr_update CASE BASE SET: the update fails 73 at its first record write; nothing changes.
ioerr_update() {
	st=$work/$1
	cp -a "$2" "$st"
	ab_status "$st" >"$work/$1.before"
	NEXUS_FAULT=ioerr:bootctrl "$SIM" update --state "$st" "$3" >/dev/null 2>"$work/$1.err"
	rc=$?
	[ "$rc" -eq 73 ] || fail "$1: update exit $rc, want 73: $(cat "$work/$1.err")"
	grep -q "bootctrl: write: Input/output error" "$work/$1.err" || fail "$1: $(cat "$work/$1.err")"
	ab_status "$st" | cmp -s - "$work/$1.before" ||
		fail "$1: status changed: $(cat "$work/$1.before") -> $(ab_status "$st")"
	[ -e "$st/bootctrl.tmp" ] && fail "$1: bootctrl.tmp left"
	"$SIM" run --state "$st" pkg:/demo.hello >"$work/$1.run" 2>&1 || fail "$1: run after: exit $?"
	ab_status "$st" | cmp -s - "$work/$1.before" || fail "$1: the run changed status"
}

# Staging into slot b first makes the fallback 1.0.0 unbootable: that write fails.
ioerr_update ioerr-stage "$base" "$sys/sys-3.0.0-badhealth.nxs"
grep "op=stage" "$work/ioerr-stage/journal" | grep -q "result=failed" || fail "ioerr-stage: no audit"
# After a rollback slot b cannot boot: the stage writes no record, the switch's write fails.
cp -a "$base" "$work/rolled"
"$SIM" update --state "$work/rolled" "$sys/sys-3.0.0-badhealth.nxs" >/dev/null 2>&1
[ $? -eq 1 ] || fail "rolled: the update of a failing health check did not exit 1"
ioerr_update ioerr-switch "$work/rolled" "$sys/sys-3.0.0-badhealth.nxs"
grep "op=switch" "$work/ioerr-switch/journal" | grep -q "result=failed" || fail "ioerr-switch: no audit"
[ -e "$work/ioerr-switch/slot-b" ] && fail "ioerr-switch: the set never switched to is still in slot b"

# A try that cannot be spent is not taken: the committed slot boots, the trial waits.
st=$work/ioerr-boot
cp -a "$base" "$st"
put_record "$st" 2 2 0 1 0 1 1.0.0
NEXUS_FAULT=ioerr:bootctrl "$SIM" run --state "$st" pkg:/demo.hello >"$work/ioerr-boot.run" 2>&1 ||
	fail "ioerr-boot: run exit $?: $(cat "$work/ioerr-boot.run")"
status_is "$st" "ioerr-boot: the trial waits" "$fallback"
grep "op=boot " "$st/journal" | grep -q "result=failed" || fail "ioerr-boot: no audit op=boot"
"$SIM" run --state "$st" pkg:/demo.hello >/dev/null 2>&1 || fail "ioerr-boot: the next run: exit $?"
status_is "$st" "ioerr-boot: the next boot commits" "$committed"

finish "BootCtrl corruption and write errors are recovered or refused"
