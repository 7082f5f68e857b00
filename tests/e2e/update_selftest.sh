#!/bin/sh
# nexus-sim boot --selftest: the OTA ladder (tests/markers/ota.txt) on a
# fresh state: sys-1.0.0 staged into slot b, switched to, committed by
# its health check after a soft reboot; sys-3.0.0-badhealth staged into
# slot a, failing its health check on every try, rolled back to b. Exit 0,
# the ladder on stdout; with --state the state after it is b at 1.0.0.
. tests/e2e/lib.sh
need "$BUILD/systems/sys-1.0.0.nxs" "$BUILD/systems/sys-3.0.0-badhealth.nxs"

"$SIM" boot --selftest >"$work/out" 2>"$work/err" || fail "selftest exit $?: $(tail -3 "$work/err")"
scripts/marker-check tests/markers/ota.txt "$work/out" || fail "the OTA ladder"
[ "$(grep -c '^SELFTEST: ' "$work/out")" -eq 4 ] || fail "SELFTEST markers: $(grep '^SELFTEST' "$work/out")"
[ ! -s "$work/err" ] || fail "the selftest wrote on stderr: $(cat "$work/err")"

# On a --state directory the selftest leaves what it did behind.
"$SIM" boot --selftest --state "$work/st" >"$work/out2" 2>&1 || fail "selftest on --state: exit $?"
grep -qx 'updated: ready (statefs)' "$work/out2" || fail "no statefs marker"
"$SIM" status --state "$work/st" --json >"$work/status" || fail "status after the selftest"
python3 - "$work/status" <<'PY' || fail "status after the selftest: $(cat "$work/status")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["active"] == "b" and s["pending"] is None and s["floor"] == "1.0.0", s
assert s["slots"]["b"]["version"] == "1.0.0" and s["slots"]["a"] is None, s
PY

finish "OTA selftest ladder ok"
