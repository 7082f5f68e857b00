#!/bin/sh
# bin/nexus-cc as a payload author runs it: a C payload in a scratch
# directory (two sources, a header found by -I, a -D macro, an object made
# with -c, an assembly file), compiled and linked there, packed and signed
# with the dev key, run by nexus-sim: its output and exit code. make's
# fixtures are what nexus-cc gives for the same flags; the SDK is found
# beside the script through a symlink and not without it; each refusal is
# one line and a non-zero exit; clang's and lld's errors come through.
. tests/e2e/lib.sh
need "$BIN/nexus-cc" "$BIN/nxb-pack" "$SIM" "$BUILD/payloads/hello.elf"
root=$(pwd)
case $BIN in
/*) cc=$BIN/nexus-cc ;;
*) cc=$root/$BIN/nexus-cc ;;
esac

# refuse CODE PATTERN -- COMMAND...: expect's check, and nexus-cc's own
# refusal is exactly one line.
refuse() {
	expect "$@"
	[ "$(wc -l <"$work/expect.out")" -eq 1 ] || fail "$* -> not one line: $(cat "$work/expect.out")"
}

mkdir -p "$work/src/inc" "$work/out"
cat >"$work/src/inc/app.h" <<'EOF'
#include <stdint.h>
#define APP_EXIT 7
uint64_t app_sum_squares(uint64_t n);
long app_magic(void);
EOF
cat >"$work/src/app.c" <<'EOF'
#include "app.h"
#include "nx_syscall.h"
#include "nxrt.h"

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	nx_print_line(GREETING);
	for (int i = 1; i < argc; i++) {
		nx_print_str("arg: ");
		nx_print_line(argv[i]);
	}
	nx_print_str("sum of squares 1..10: ");
	nx_print_u64(app_sum_squares(10));
	nx_print_str("\nmagic: ");
	nx_print_hex((uint64_t)app_magic());
	nx_print_str("\nyield: ");
	nx_print_i64(nx_yield());
	nx_print_char('\n');
	return APP_EXIT;
}
EOF
cat >"$work/src/sum.c" <<'EOF'
#include "app.h"

uint64_t app_sum_squares(uint64_t n)
{
	uint64_t s = 0;

	for (uint64_t i = 1; i <= n; i++)
		s += i * i;
	return s;
}
EOF
cat >"$work/src/magic.S" <<'EOF'
	.text
	.globl app_magic
app_magic:
	li a0, 42
	ret
EOF
cat >"$work/src/app.toml" <<'EOF'
name = "sdk.app"
semver = "1.0.0"
min_sdk = "0.1.0"
bundle_type = "app"
abilities = ["sdk.app.MainAbility"]
capabilities = ["ohos.permission.CONSOLE"]
EOF

# Build as a user would, from the payload's own directory.
cd "$work/src" || exit 1
"$cc" --help | grep -q '^usage: nexus-cc' || fail "--help prints no usage"
"$cc" -O2 -Wall -Wextra -Werror -Iinc -c sum.c || fail "nexus-cc -c sum.c exited $?"
[ -f sum.o ] || fail "-c without -o made no sum.o"
"$cc" -O2 -g -Wall -Werror -I inc -D 'GREETING="hello from an SDK payload"' -o app.elf \
	app.c sum.o magic.S || fail "nexus-cc -o app.elf exited $?"
"$cc" -O2 -g -Wall -Werror -I inc -D 'GREETING="hello from an SDK payload"' -o again.elf \
	app.c sum.o magic.S || fail "second build exited $?"
cmp -s app.elf again.elf || fail "the same sources gave different bytes"
llvm-readelf -lW app.elf >segments.txt || fail "llvm-readelf app.elf"
grep -Eq 'LOAD +0x[0-9a-f]+ 0x0+10000 .* R E ' segments.txt ||
	fail "text is not R+X at 0x10000 (link.ld): $(cat segments.txt)"
! grep -Eq 'LOAD .* RWE ' segments.txt || fail "a segment is W and X: $(cat segments.txt)"
cd "$root" || exit 1

"$BIN/nxb-pack" "$work/src/app.elf" "$work/out/sdk.app.nxb" --toml "$work/src/app.toml" \
	--key fixtures/keys/dev.key || fail "nxb-pack exited $?"
"$SIM" run "$work/out/sdk.app.nxb" -- one "two words" >"$work/stdout" 2>"$work/stderr"
rc=$?
[ "$rc" -eq 7 ] || fail "payload exit $rc, want 7: $(cat "$work/stderr")"
printf '%s\n' "hello from an SDK payload" "arg: one" "arg: two words" \
	"sum of squares 1..10: 385" "magic: 0x2a" "yield: 0" >"$work/want"
cmp -s "$work/stdout" "$work/want" || fail "payload output: $(cat "$work/stdout")"

# make's fixture payloads are nexus-cc's output for the flags fixtures/build.mk gives.
"$BIN/nexus-cc" -std=c11 -Wall -Wextra -Werror -O2 -g -ffile-prefix-map="$root"=. \
	-fdebug-compilation-dir=. -Ifixtures/payloads -o "$work/hello.elf" fixtures/payloads/hello.c ||
	fail "nexus-cc fixtures/payloads/hello.c exited $?"
cmp -s "$work/hello.elf" "$BUILD/payloads/hello.elf" ||
	fail "$BUILD/payloads/hello.elf is not what nexus-cc makes of hello.c"

# The SDK is found beside the real script, through a symlink from elsewhere.
mkdir -p "$work/moved" "$work/links"
cp "$cc" "$work/moved/nexus-cc"
cp -R "$(dirname "$cc")/sdk" "$work/moved/sdk"
ln -s "$work/moved/nexus-cc" "$work/links/cc"
"$work/links/cc" -D 'GREETING="moved"' -I "$work/src/inc" -o "$work/moved.elf" \
	"$work/src/app.c" "$work/src/sum.c" "$work/src/magic.S" ||
	fail "nexus-cc through a symlink exited $?"
[ -f "$work/moved.elf" ] || fail "nexus-cc through a symlink made no ELF"
# Without its SDK: one line naming the missing file, exit 66.
mkdir "$work/lonely"
cp "$cc" "$work/lonely/nexus-cc"
refuse 66 "^nexus-cc: runtime file $work/lonely/sdk/include/nxrt.h missing" -- \
	"$work/lonely/nexus-cc" -c -o "$work/lonely/sum.o" "$work/src/sum.c"
mkdir -p "$work/lonely/sdk"
cp -R "$work/moved/sdk/include" "$work/lonely/sdk/include"
"$work/lonely/nexus-cc" -I "$work/src/inc" -c -o "$work/lonely/sum.o" "$work/src/sum.c" ||
	fail "-c with headers but no lib/ exited $?"
refuse 66 "^nexus-cc: runtime file $work/lonely/sdk/lib/crt0.o missing" -- \
	"$work/lonely/nexus-cc" -o "$work/lonely/a.elf" "$work/lonely/sum.o"
[ ! -e "$work/lonely/a.elf" ] || fail "a link without the runtime left an ELF"
# Without clang on PATH (the shell tools it uses still there): one line, exit 69.
mkdir "$work/path"
for t in dirname readlink; do ln -s "$(command -v $t)" "$work/path/$t"; done
refuse 69 '^nexus-cc: clang not found on PATH' -- \
	env PATH="$work/path" "$cc" -c -o "$work/noclang.o" "$work/src/sum.c"
[ ! -e "$work/noclang.o" ] || fail "a run without clang wrote its output"

# nexus-cc's own refusals.
src=$work/src
refuse 64 '^nexus-cc: no input files' -- "$cc" -O2 -o "$work/none.elf"
refuse 64 "^nexus-cc: unsupported option '-fpic'" -- "$cc" -fpic -c -o "$work/x.o" "$src/sum.c"
refuse 64 "^nexus-cc: unsupported option '-Wl,-Ttext=0'" -- "$cc" -Wl,-Ttext=0 "$src/sum.c"
refuse 64 "^nexus-cc: unsupported option '-lc'" -- "$cc" "$src/sum.c" -lc
refuse 64 '^nexus-cc: -o needs an argument' -- "$cc" "$src/sum.c" -o
refuse 64 "^nexus-cc: $src/app.toml: unknown input type" -- "$cc" "$src/app.toml"
[ ! -e "$work/none.elf" ] && [ ! -e "$work/x.o" ] || fail "a refusal wrote its output"

# clang's and lld's errors come through with a non-zero exit and no output.
printf 'int main(void)\n{\n\treturn undeclared_name;\n}\n' >"$src/bad.c"
expect 1 'bad.c:3:[0-9]+: error: use of undeclared identifier' -- "$cc" -o "$work/bad.elf" "$src/bad.c"
printf '#include <stdio.h>\nint main(void)\n{\n\treturn 0;\n}\n' >"$src/libc.c"
expect 1 "libc.c:1:10: fatal error: 'stdio.h' file not found" -- "$cc" -c -o "$work/libc.o" "$src/libc.c"
printf 'int printf(const char *, ...);\nint main(void)\n{\n\treturn printf("x");\n}\n' >"$src/undef.c"
expect 1 'undefined symbol: printf' -- "$cc" -o "$work/undef.elf" "$src/undef.c"
[ ! -e "$work/bad.elf" ] && [ ! -e "$work/libc.o" ] && [ ! -e "$work/undef.elf" ] ||
	fail "a failed build left its output"

finish "nexus-cc ok"
