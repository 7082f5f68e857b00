#!/bin/sh
# --json on inspect and status, parsed with Python's json: one object on
# stdout whatever happened (the exit code inside matches the process's),
# its values checked against what readelf and the text report say.
# (run --json and test --json: tests/e2e/cli_test.sh.)
. tests/e2e/lib.sh
b=$BUILD/bundles
elf=$BUILD/payloads/hello.elf
need "$SIM" "$b/demo.hello.nxb" "$elf"

# An ELF: entry and PT_LOADs as readelf sees them.
"$SIM" inspect --json "$elf" >"$work/json" 2>"$work/err" || fail "inspect --json elf: exit $?"
[ -s "$work/err" ] && fail "inspect --json elf wrote to stderr: $(cat "$work/err")"
entry=$(readelf -hW "$elf" | awk '/Entry point address/ { print $NF }')
loads=$(readelf -lW "$elf" | awk '$1 == "LOAD" { print $2, $3 }' | tr '\n' ' ')
python3 - "$work/json" "$entry" "$loads" "$(wc -c <"$elf")" <<'PY' || fail "inspect --json elf: $(cat "$work/json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "inspect" and d["kind"] == "elf" and d["ok"] and d["exit_code"] == 0
assert d["error"] is None and d["crash"] is None and d["markers"] == []
assert int(d["plan"]["entry"], 16) == int(sys.argv[2], 16)
got = [(int(l["offset"], 16), int(l["vaddr"], 16)) for l in d["plan"]["load"]]
want = sys.argv[3].split()
want = [(int(want[i], 16), int(want[i + 1], 16)) for i in range(0, len(want), 2)]
assert got == want, (got, want)
assert d["file_size"] == int(sys.argv[4])
assert d["plan"]["mapped_bytes"] == sum(m["len"] for m in d["plan"]["maps"])
assert all("w" not in m["prot"] or "x" not in m["prot"] for m in d["plan"]["maps"])
PY

# A bundle: the manifest and signature as the text report shows them.
"$SIM" inspect "$b/demo.hello.nxb" >"$work/text" || fail "inspect demo.hello: exit $?"
"$SIM" inspect --json "$b/demo.hello.nxb" >"$work/json" || fail "inspect --json demo.hello: exit $?"
python3 - "$work/json" "$work/text" <<'PY' || fail "inspect --json bundle: $(cat "$work/json")"
import json, sys
d = json.load(open(sys.argv[1]))
text = dict(l.split(" ", 1) for l in open(sys.argv[2]).read().splitlines() if " " in l)
assert d["kind"] == "bundle" and d["ok"] and d["signature"]["status"] == "ok"
assert text["signature"].startswith("key=%s ok" % d["signature"]["key"])
m = d["manifest"]
assert m["name"] == text["name"] == "demo.hello" and m["semver"] == text["semver"]
assert m["capabilities"] == text["capabilities"].split(", ")
assert text["payload"] == "size=%d sha256=%s ok" % (m["payload_size"], m["payload_sha256"])
assert d["payload_verified"] and text["entry"] == d["plan"]["entry"]
PY

# Refused and missing: the same one object, the exit code in it and out of it.
mkdir -p "$work/bad.nxb"
cp "$b/demo.hello.nxb/"* "$work/bad.nxb/"
printf 'X' | dd of="$work/bad.nxb/manifest.nxb" bs=1 seek=20 conv=notrunc 2>/dev/null
for case in "65 $work/bad.nxb" "66 $work/none.nxb" "65 $b/demo.hello.nxb/manifest.sig"; do
	want=${case%% *} f=${case#* }
	"$SIM" inspect --json "$f" >"$work/json" 2>"$work/err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "inspect --json $f: exit $rc, want $want"
	python3 - "$work/json" "$want" "$(cat "$work/err")" <<'PY' || fail "inspect --json $f: $(cat "$work/json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["ok"] and d["exit_code"] == int(sys.argv[2]) and d["plan"] is None
assert d["error"] and d["error"] in sys.argv[3], (d["error"], sys.argv[3])
PY
done
"$SIM" inspect --json "$work/bad.nxb" 2>/dev/null |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["signature"]["status"] == "bad" and "manifest" not in d' ||
	fail "inspect --json: a bad signature must show no manifest"

# status --json keeps the keys it had (docs/updates.md describes their values), and the
# launch counts (docs/tools.md; tests/e2e/launch_accounting.sh checks their values).
"$SIM" status --json --state "$work/st" >"$work/json" || fail "status --json: exit $?"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert set(d) == {"active", "pending", "tries_left", "floor", "slots", "launches"}, d' \
	"$work/json" || fail "status --json keys: $(cat "$work/json")"
finish "inspect and status --json parse and agree with the text reports"
