#!/bin/sh
# init's program registry: `nexus-sim run NAME` resolves NAME through the
# registry init reads (the build's fixtures/programs.toml by default,
# --registry FILE) to a path and args, the user's arguments after them; an
# unknown NAME exits 66, a program whose bundle is not installed says how
# to install it, a bad registry exits 65 naming the file and the line with
# nothing run; the registry limits at N and N+1; the fixture registry
# reads the same in Python's tomllib (the manifest oracle's check).
. tests/e2e/lib.sh
reg=$BUILD/bundles/programs.toml
need "$SIM" "$reg" "$BUILD/tests/toml-dump"

# Programs of the build's registry.
out=$("$SIM" run --with demo.hello.nxb hello 2>"$work/err")
[ $? -eq 0 ] && [ "$out" = "Hello from demo.hello" ] || fail "hello: $out $(cat "$work/err")"
"$SIM" run --with test.echo.nxb echo -- x 'y z' >"$work/out" 2>"$work/err" || fail "echo: $(cat "$work/err")"
printf '%s\n' argc=5 argv[0]=test.echo argv[1]=from 'argv[2]=the registry' argv[3]=x 'argv[4]=y z' |
	cmp -s - "$work/out" || fail "echo: the registry's args, then the user's: $(cat "$work/out")"
"$SIM" run --with test.exit42.nxb exit42 >/dev/null 2>&1
rc=$?
[ "$rc" -eq 42 ] || fail "exit42: exit $rc, want 42"
# A name with no such program: one line naming the registry, 66.
"$SIM" run --with demo.hello.nxb nosuch >"$work/out" 2>"$work/err"
[ $? -eq 66 ] || fail "nosuch: exit $?, want 66"
[ "$(cat "$work/err")" = "nexus-sim: nosuch: no such program in $(cd "$(dirname "$reg")" && pwd)/programs.toml" ] ||
	fail "nosuch: $(cat "$work/err")"
# Its bundle not installed: execd's answer, and how to install it.
expect 65 '^nexus-sim: hello: demo.hello: not installed \(program hello needs it: install it with --with demo.hello.nxb, or use a --state directory that has it\)$' \
	-- "$SIM" run hello
# ... or installed in the state directory by an earlier run.
"$SIM" run --state "$work/st" demo.hello.nxb >/dev/null || fail "install into --state"
out=$("$SIM" run --state "$work/st" hello 2>&1)
[ "$out" = "Hello from demo.hello" ] || fail "hello from a --state that has it: $out"
# nexus-sim test takes programs too: demo.hello is installed by the first bundle.
"$SIM" test demo.hello.nxb hello >"$work/tap" 2>&1 && grep -q '^ok 2 - hello' "$work/tap" ||
	fail "test BUNDLE PROGRAM: $(cat "$work/tap")"

# A program named by a /packages/ path runs that version.
printf '[[program]]\nname = "hello1"\npath = "/packages/demo.hello@1.0.0/payload.elf"\ndescription = "hello 1.0.0"\n' \
	>"$work/pkgs.toml"
out=$("$SIM" run --registry "$work/pkgs.toml" --with demo.hello.nxb hello1 2>&1)
[ "$out" = "Hello from demo.hello" ] || fail "a /packages/ registry path: $out"
printf '[[program]]\nname = "hello9"\npath = "/packages/demo.hello@9.0.0/payload.elf"\ndescription = "hello 9"\n' \
	>"$work/pkgs9.toml"
expect 65 'demo.hello@9.0.0' -- "$SIM" run --registry "$work/pkgs9.toml" --with demo.hello.nxb hello9

# A registry of one's own, and its refusals: exit 65, one line, nothing run.
cat >"$work/r.toml" <<'T'
[[program]]
name = "greet"
path = "pkg:/demo.hello"
description = "the greeting under another name"
T
out=$("$SIM" run --registry "$work/r.toml" --with demo.hello.nxb greet 2>&1)
[ "$out" = "Hello from demo.hello" ] || fail "--registry: $out"
expect 66 "^nexus-sim: hello: no such program in $work/r.toml\$" -- \
	"$SIM" run --registry "$work/r.toml" --with demo.hello.nxb hello
bad() { # bad WHAT SOURCE PATTERN: a registry that is refused, with PATTERN after its path
	printf '%b' "$2" >"$work/bad.toml"
	"$SIM" run --registry "$work/bad.toml" demo.hello.nxb >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" -eq 65 ] || fail "$1: exit $rc, want 65"
	[ ! -s "$work/out" ] || fail "$1: something ran: $(cat "$work/out")"
	[ "$(wc -l <"$work/err")" -eq 1 ] && grep -Eq "^nexus-sim: $work/bad.toml: $3" "$work/err" ||
		fail "$1: $(cat "$work/err")"
}
bad "no description" '[[program]]\nname = "a"\npath = "pkg:/demo.hello"\n' "line 1: \\[\\[program\\]\\] without 'description'"
bad "unknown key" '[[program]]\nname = "a"\npath = "pkg:/x"\ndescription = "d"\nargv = []\n' "line 5: unknown key 'argv'"
bad "bad path" '[[program]]\nname = "a"\npath = "demo.hello"\ndescription = "d"\n' "line 1: path is neither"
bad "not TOML" '[[program]\n' "line 1: "
bad "a bundle's name" '[[program]]\nname = "a.nxb"\npath = "pkg:/x"\ndescription = "d"\n' "line 1: name 'a.nxb'"
expect 66 "cannot open registry $work/none.toml: No such file" -- \
	"$SIM" run --registry "$work/none.toml" demo.hello.nxb
expect 66 "registry $work: not a regular file" -- "$SIM" run --registry "$work" demo.hello.nxb
expect 64 'registry needs a file' -- "$SIM" run --registry '' demo.hello.nxb

# Limits at N and N+1 through the CLI (each one is in tests/unit/test_programs.c too).
# prog NAME NARGS: a program running test.echo with NARGS args.
prog() {
	printf '[[program]]\nname = "%s"\npath = "pkg:/test.echo"\ndescription = "d"\nargs = [' "$1"
	i=0
	while [ "$i" -lt "$2" ]; do printf '"a%d", ' "$i"; i=$((i + 1)); done
	printf ']\n'
}
: >"$work/max.toml"
for i in $(seq 32); do prog "p$i" 0 >>"$work/max.toml"; done
"$SIM" run --registry "$work/max.toml" --with test.echo.nxb p32 >"$work/out" 2>"$work/err" ||
	fail "32 programs: $(cat "$work/err")"
prog p33 0 >>"$work/max.toml"
expect 65 "max.toml: line 161: more than 32 programs" -- \
	"$SIM" run --registry "$work/max.toml" --with test.echo.nxb p1
prog args 16 >"$work/args.toml"
"$SIM" run --registry "$work/args.toml" --with test.echo.nxb args >"$work/out" 2>"$work/err" &&
	grep -qx 'argc=17' "$work/out" && grep -qx 'argv\[16\]=a15' "$work/out" ||
	fail "16 args: $(cat "$work/out" "$work/err")"
prog args 17 >"$work/args.toml"
expect 65 "args.toml: line 5: 'args' has more than 16 entries" -- \
	"$SIM" run --registry "$work/args.toml" --with test.echo.nxb args

# The fixture registry reads the same in tomllib as in our TOML reader.
python3 tests/e2e/toml_oracle.py "$BUILD/tests/toml-dump" fixtures/programs.toml >"$work/oracle" 2>&1 ||
	fail "toml oracle: $(cat "$work/oracle")"
finish "run NAME resolves through init's registry; bad registries, names and limits refused"
