#!/bin/sh
# nexus-sim test, the CI smoke mode, read by real parsers: perl's
# TAP::Parser (perl core) for the TAP stream and its YAML blocks, Python's
# xml.etree for the JUnit XML, Python's json for --json. One session runs
# a pass, a non-zero exit, a crash, a refused bundle, a hang (--timeout,
# per bundle) and a pass again; each failure fails alone. Then the exit
# codes (all pass, usage, a missing bundle, an unwritable --junit, a
# state in use), the per-bundle limits (console quota, memory, the number
# of bundles at NX_RUN_BUNDLES_MAX and one past it) and run --json.
. tests/e2e/lib.sh
private_bin
sim=$work/bin/nexus-sim
b=$BUILD/bundles
need "$b/demo.hello.nxb" "$b/test.exit42.nxb" "$b/test.fault_null_load.nxb" "$b/test.hang.nxb" \
	"$b/test.flood.nxb" "$b/test.memhog.nxb" "$b/test.echo.nxb"

# A refused bundle: demo.hello with one payload byte changed (the digest no longer matches).
mkdir -p "$work/in"
cp -r "$b/demo.hello.nxb" "$work/in/tampered.nxb"
printf 'X' | dd of="$work/in/tampered.nxb/payload.elf" bs=1 seek=200 conv=notrunc 2>/dev/null
# A name TAP, XML and JSON must escape.
odd="$work/in/odd#1 <&\"'>.nxb"
cp -r "$b/demo.hello.nxb" "$odd"

"$sim" test --timeout 1 --junit "$work/j.xml" "$b/demo.hello.nxb" "$b/test.exit42.nxb" \
	"$b/test.fault_null_load.nxb" "$work/in/tampered.nxb" "$b/test.hang.nxb" "$odd" \
	>"$work/tap" 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] || fail "mixed session: exit $rc, want 1: $(cat "$work/err")"

# TAP: parsed strictly (version 13, plan, no parse error), each result and YAML block checked.
perl -MTAP::Parser -e '
	open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!";
	my $p = TAP::Parser->new({ tap => do { local $/; <$f> } }) or die "no parser";
	my (@ok, @yaml, @desc);
	while (my $r = $p->next) {
		push @ok, $r->is_ok ? 1 : 0 if $r->is_test;
		push @desc, $r->description if $r->is_test;
		push @yaml, $r->data if $r->is_yaml;
	}
	die "parse errors: @{[$p->parse_errors]}" if $p->parse_errors;
	die "version " . $p->version if $p->version != 13;
	die "plan " . $p->plan if $p->plan ne "1..6";
	die "results @ok" if "@ok" ne "1 0 0 0 0 1";
	die "desc $desc[5]" if $desc[5] !~ /odd\\#1 <&"\x27>\.nxb$/;
	die "yaml blocks " . scalar(@yaml) if @yaml != 4;
	my @codes = map { $_->{exit_code} } @yaml;
	die "codes @codes" if "@codes" ne "42 139 65 124";
	die "exit42 crash" if defined $yaml[0]{crash};
	die "crash cause" if $yaml[1]{crash}{cause} ne "read_unmapped" || $yaml[1]{crash}{pc} !~ /^0x/;
	die "crash console" if $yaml[1]{console}[-1] ne "fault_null_load: load from 0x0";
	die "refusal" if $yaml[2]{outcome} ne "refused" || $yaml[2]{message} !~ /tampered\.nxb/;
	die "timeout" if $yaml[3]{crash}{cause} ne "timeout" || $yaml[3]{console}[0] ne "hang: start";
' "$work/tap" 2>"$work/perl" || fail "TAP: $(cat "$work/perl")
$(cat "$work/tap")"
grep -q 'not ok 2 - .*test.exit42.nxb # exit 42$' "$work/tap" || fail "TAP: no '# exit 42' on the exit42 line"

# JUnit: what CI reads.
python3 - "$work/j.xml" "$odd" <<'PY' || fail "JUnit: $(cat "$work/j.xml")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1 and suites[0].get("tests") == "6" and suites[0].get("failures") == "4"
cases = suites[0].findall("testcase")
assert [c.get("name").rsplit("/", 1)[-1] for c in cases][:2] == ["demo.hello.nxb", "test.exit42.nxb"]
assert cases[5].get("name") == sys.argv[2], cases[5].get("name")
failed = [c.find("failure") is not None for c in cases]
assert failed == [False, True, True, True, True, False], failed
assert cases[1].find("failure").get("message") == "exit 42"
assert "cause=read_unmapped" in cases[2].find("failure").text
assert cases[3].find("failure").get("type") == "refused"
assert cases[4].find("failure").get("type") == "timeout"
assert cases[0].find("system-out").text == "Hello from demo.hello\n"
for c in cases:
    float(c.get("time"))
PY

# The same session as one JSON object; the payloads' output never reaches stdout.
"$sim" test --json --timeout 1 "$b/demo.hello.nxb" "$b/test.fault_null_load.nxb" "$b/test.hang.nxb" \
	"$b/demo.hello.nxb" >"$work/json" 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] || fail "test --json: exit $rc, want 1"
python3 - "$work/json" <<'PY' || fail "test --json: $(cat "$work/json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "test" and d["exit_code"] == 1 and d["tests"] == 4
assert d["passed"] == 2 and d["failed"] == 2
assert "init: ready" in d["session_markers"]
assert d["timings_ms"]["boot"] > 0 and d["timings_ms"]["total"] >= d["timings_ms"]["boot"]
r = d["results"]
assert [x["exit_code"] for x in r] == [0, 139, 124, 0], [x["exit_code"] for x in r]
assert [x["outcome"] for x in r] == ["exited", "crashed", "timeout", "exited"]
assert r[0]["crash"] is None and r[0]["console"] == "Hello from demo.hello\n"
assert r[1]["crash"]["cause"] == "read_unmapped" and r[1]["crash"]["addr"] == "0x0"
assert r[1]["crash"]["task"] == "test.fault_null_load"
assert "execd: elf load ok" in r[0]["markers"] and "bundle: install ok demo.hello@1.0.0" in r[0]["markers"]
assert any(m.startswith("execd: crash report ") for m in r[1]["markers"])
assert r[3]["ok"] and r[3]["console"] == "Hello from demo.hello\n"
PY

# Exit codes: all pass 0, usage 64, a missing bundle 66 (nothing runs), --junit unwritable 73.
"$sim" test "$b/demo.hello.nxb" "$b/test.echo.nxb" >"$work/tap" 2>"$work/err" ||
	fail "all pass: exit $?: $(cat "$work/err")"
[ "$(grep -c '^ok ' "$work/tap")" -eq 2 ] || fail "all pass: $(cat "$work/tap")"
expect 64 "no bundle named" -- "$sim" test
expect 64 "takes no payload arguments" -- "$sim" test "$b/demo.hello.nxb" -- x
expect 64 "--env is not an option of test" -- "$sim" test --env A=B "$b/demo.hello.nxb"
expect 66 "no-such.nxb" -- "$sim" test "$b/demo.hello.nxb" "$work/no-such.nxb"
"$sim" test "$b/demo.hello.nxb" "$work/no-such.nxb" >"$work/out" 2>/dev/null
[ ! -s "$work/out" ] || fail "a missing bundle still printed: $(cat "$work/out")"
expect 73 "cannot create --junit $work/no/dir/j.xml" -- \
	"$sim" test --junit "$work/no/dir/j.xml" "$b/demo.hello.nxb"

# A state directory in use: another test session holds it, paused between its two bundles.
mkfifo "$work/go"
NEXUS_FAULT=pause:test "$sim" test --state "$work/st" "$b/demo.hello.nxb" "$b/demo.hello.nxb" \
	<"$work/go" >"$work/held" 2>"$work/held.err" &
holder=$!
exec 3>"$work/go"
while ! grep -q 'paused before bundle 2' "$work/held.err"; do
	kill -0 "$holder" 2>/dev/null || break
	sleep 0.01
done
expect 75 "is in use by pid $holder" -- "$sim" test --state "$work/st" "$b/demo.hello.nxb"
printf x >&3
exec 3>&-
wait "$holder" || fail "the paused session: exit $?: $(cat "$work/held.err")"
[ "$(grep -c '^ok ' "$work/held")" -eq 2 ] || fail "the paused session: $(cat "$work/held")"

# The session failing (samgrd, never restarted, breaks its filter at boot): 70, and the
# report still lists every bundle, as not run.
NEXUS_FAULT=seccomp:samgrd "$sim" test "$b/demo.hello.nxb" "$b/test.echo.nxb" >"$work/tap" 2>"$work/err"
rc=$?
[ "$rc" -eq 70 ] || fail "boot failure: exit $rc, want 70"
perl -MTAP::Parser -e '
	open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!";
	my $p = TAP::Parser->new({ tap => do { local $/; <$f> } });
	my @y;
	while (my $r = $p->next) { push @y, $r->data if $r->is_yaml }
	die "parse errors" if $p->parse_errors;
	die "passed " . scalar($p->passed) if $p->passed || $p->tests_run != 2;
	die "yaml" if @y != 2 || grep { defined $_->{exit_code} || $_->{outcome} ne "not run" } @y;
' "$work/tap" 2>"$work/perl" || fail "boot failure TAP: $(cat "$work/perl") $(cat "$work/tap")"

# A signal ends the session (here SIGTERM, pending while it is paused between two bundles):
# 143, and the report says what ran.
NEXUS_FAULT=pause:test "$sim" test "$b/demo.hello.nxb" "$b/demo.hello.nxb" <"$work/go" \
	>"$work/tap" 2>"$work/err" &
pid=$!
exec 3>"$work/go"
while ! grep -q 'paused before bundle 2' "$work/err"; do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.01
done
kill -TERM "$pid"
printf x >&3
exec 3>&-
wait "$pid"
rc=$?
[ "$rc" -eq 143 ] || fail "SIGTERM: exit $rc, want 143"
grep -q '^ok 1 - ' "$work/tap" && grep -q '^not ok 2 - ' "$work/tap" && grep -qx '1..2' "$work/tap" ||
	fail "SIGTERM: $(cat "$work/tap")"

# Limits are per bundle: each flood gets the whole console quota (16 MiB, then ENOSPC:
# exit 28), each memhog the whole --mem-limit.
"$sim" test --json "$b/test.flood.nxb" "$b/test.flood.nxb" >"$work/json" 2>"$work/err"
python3 - "$work/json" <<'PY' || fail "console quota per bundle: $(head -c 600 "$work/json")"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert [x["exit_code"] for x in r] == [28, 28], [x["exit_code"] for x in r]
assert [x["console_bytes"] for x in r] == [16 << 20, 16 << 20], [x["console_bytes"] for x in r]
PY
"$sim" test --json --mem-limit 200M "$b/test.memhog.nxb" "$b/test.memhog.nxb" >"$work/json" 2>"$work/err"
python3 - "$work/json" <<'PY' || fail "memory limit per bundle: $(cat "$work/json")"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
want = "memhog: 3 VMOs of 65536 KiB, then error -12, still running\n"
assert [x["console"] for x in r] == [want, want], [x["console"] for x in r]
PY

# NX_RUN_BUNDLES_MAX (64) bundles in one session; 65 is a usage error.
set --
i=0
while [ $i -lt 64 ]; do set -- "$@" "$b/demo.hello.nxb"; i=$((i + 1)); done
"$sim" test "$@" >"$work/tap" 2>"$work/err" || fail "64 bundles: exit $?: $(tail -5 "$work/err")"
[ "$(grep -c '^ok ' "$work/tap")" -eq 64 ] && grep -qx '1..64' "$work/tap" ||
	fail "64 bundles: $(grep -v '^ok ' "$work/tap" | head)"
expect 64 "65 bundles, at most 64" -- "$sim" test "$@" "$b/demo.hello.nxb"

# run --json: one object; the payload's output (any bytes) is its "console", not stdout.
"$sim" run --json "$b/test.echo.nxb" -- '"q" \ {x}' "$(printf 'tab\there\001')" 'ünï' \
	>"$work/json" 2>"$work/err" || fail "run --json echo: exit $?: $(cat "$work/err")"
python3 - "$work/json" <<'PY' || fail "run --json echo: $(cat "$work/json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "run" and d["exit_code"] == 0 and d["ok"] and d["crash"] is None
c = d["console"].splitlines()
assert c[0] == "argc=4" and c[2] == 'argv[1]="q" \\ {x}', c
assert c[3] == "argv[2]=tab\there\x01" and c[4] == "argv[3]=ünï", c
assert d["console_bytes"] == len(d["console"].encode())
assert set(d["timings_ms"]) == {"boot", "run", "total"}
assert "execd: elf load ok" in d["markers"] and "init: ready" in d["session_markers"]
PY
"$sim" run --json "$b/test.fault_null_load.nxb" >"$work/json" 2>"$work/err"
rc=$?
[ "$rc" -eq 139 ] || fail "run --json crash: exit $rc, want 139"
python3 - "$work/json" <<'PY' || fail "run --json crash: $(cat "$work/json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit_code"] == 139 and d["outcome"] == "crashed" and not d["ok"]
assert d["crash"]["cause"] == "read_unmapped" and d["crash"]["pc"].startswith("0x")
PY
"$sim" run --json "$work/in/tampered.nxb" >"$work/json" 2>/dev/null
rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exit_code"] == 65 and d["outcome"] == "refused" and d["message"]' \
	"$work/json" && [ "$rc" -eq 65 ] || fail "run --json refused: exit $rc: $(cat "$work/json")"

left=$(ours)
[ -z "$left" ] || fail "processes left behind: $left"
finish "nexus-sim test: TAP, JUnit and --json read by their parsers; exit codes and per-bundle limits"
