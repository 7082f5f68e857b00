#!/bin/sh
# nx_spawn_path end to end, through test.spawn (fixtures/payloads/
# spawn_probe.c) and the real daemons: every limit at N and N+1 and every
# bad pointer; a child's crash reported (console and logd) while its
# parent goes on; bundles that are in the store but must not run (a bad
# ELF: ENOEXEC; tampered, unsigned or untrusted: EACCES, each with execd's
# refusal on the console); --timeout ending a parent and its children,
# leaving no task; the request visible to strace on execd's seed
# connection.
. tests/e2e/lib.sh
B=$BUILD/bundles
need "$B/test.spawn.nxb" "$B/test.echo.nxb" "$B/demo.hello.nxb" "$B/test.fp.nxb" \
	"$BUILD/tests/elfgen"

# Limits and errors the payload checks itself.
"$SIM" run test.spawn.nxb -- limits >"$work/limits" 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] || fail "limits: exit $rc: $(grep FAILED "$work/limits") $(cat "$work/err")"
grep -qx 'spawn: all checks passed' "$work/limits" || fail "limits: not every check ran"
[ "$(grep -c ' ok$' "$work/limits")" -ge 28 ] || fail "limits: fewer checks than expected"

# A crashing child: reported as a top-level crash is, while the parent goes on.
st=$work/crash
"$SIM" run --state "$st" test.spawn.nxb -- crash >"$work/crash.out" 2>&1 ||
	fail "crash: exit $?: $(cat "$work/crash.out")"
grep -qx 'spawn: the parent goes on: another child runs ok' "$work/crash.out" ||
	fail "crash: the parent did not go on"
grep -qx 'execd: crash report pid=2 code=139 name=test.spawn' "$st/console.log" ||
	fail "crash: no crash report for the child on the console"
grep -q 'event=crash.v1 name=test.spawn pc=0x[0-9a-f]* pid=2$' "$st/journal" ||
	fail "crash: no crash.v1 record for the child in logd's journal"

# Bundles placed in the store that must not run (as a compromised disk could hold them).
st=$work/store
mkdir -p "$st/slot-a" "$work/pack"
"$BUILD/tests/elfgen" machine "$BUILD/payloads/exit42.elf" "$work/machine.elf" >/dev/null &&
	"$BIN/nxb-pack" "$work/machine.elf" "$work/pack/test.exit42.nxb" \
		--toml fixtures/manifests/test.exit42.toml --key fixtures/keys/dev.key >/dev/null ||
	fail "could not build the bad-ELF bundle"
cp -r "$work/pack/test.exit42.nxb" "$st/slot-a/test.exit42@1.0.0"
cp -r "$B/test.echo.nxb" "$st/slot-a/test.echo@1.0.0"
printf 'X' | dd of="$st/slot-a/test.echo@1.0.0/payload.elf" bs=1 seek=200 conv=notrunc 2>/dev/null
cp -r "$B/demo.hello.nxb" "$st/slot-a/demo.hello@1.0.0"
: >"$st/slot-a/demo.hello@1.0.0/manifest.sig" # unsigned: an empty signature
"$BIN/nxb-pack" "$BUILD/payloads/fp.elf" "$work/pack/test.fp.nxb" \
	--toml fixtures/manifests/test.fp.toml --key fixtures/keys/untrusted.key >/dev/null ||
	fail "could not build the untrusted bundle"
cp -r "$work/pack/test.fp.nxb" "$st/slot-a/test.fp@1.0.0"
"$SIM" run --state "$st" test.spawn.nxb -- expect pkg:/test.exit42=8 pkg:/test.echo=13 \
	pkg:/demo.hello=13 pkg:/test.fp=13 >"$work/refuse.out" 2>&1 ||
	fail "refusals: exit $?: $(cat "$work/refuse.out")"
for b in test.exit42 test.echo demo.hello test.fp; do
	grep -q "^execd: spawn for pid 1 refused: .*$b" "$st/console.log" ||
		fail "refusals: execd did not say why it refused $b"
done
grep -q 'test.exit42.*NXL_E_MACHINE' "$st/console.log" || fail "refusals: no loader message"

# --timeout ends the parent and its children: nothing is left.
private_bin
# (4 s: room for the boot and five spawns on a loaded machine or under ASan.)
"$work/bin/nexus-sim" run --json --timeout 4 test.spawn.nxb -- hang 5 >"$work/hang.json" \
	2>"$work/hang.err"
rc=$?
[ "$rc" -eq 124 ] || fail "timeout: exit $rc, want 124: $(cat "$work/hang.err")"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(d["tasks_left"] != 0 or "spawn: children running" not in d["console"])' \
	"$work/hang.json" || fail "timeout: children not running, or tasks left: $(cat "$work/hang.json")"
[ -z "$(ours)" ] || fail "timeout: processes left: $(ours)"

# strace on execd sees the request arrive on its seed connection (kind 0x0a03).
if command -v strace >/dev/null; then
	"$SIM" run --wrap execd="strace -f -xx -s 64 -e trace=recvmsg -o $work/execd.trace" \
		demo.spawner.nxb >/dev/null 2>&1 || fail "strace: demo.spawner failed under strace"
	n=$(grep -c '\\x03\\x0a\\x00\\x00' "$work/execd.trace")
	[ "$n" -ge 8 ] || fail "strace: $n spawn requests seen by execd, want 8"
fi
finish "ok: nx_spawn_path limits, errors, crash reports, refusals, timeout, strace"
