#!/bin/sh
# The fixture payloads through the loader plan and the kernel calls
# ($NX_BUILD/harness/nxrun-elf): output, exit codes, crash reports checked
# against the symbols llvm-nm reads from each ELF, the host process going
# on after a fault, several tasks at once, and byte-identical reruns.
. tests/e2e/lib.sh
RUN=$BUILD/harness/nxrun-elf
P=$BUILD/payloads
need "$RUN"

# expect_run NAME WANT_RC CMD...: run, keep stdout/stderr in $work/NAME.{out,err}
expect_run() {
	name=$1 want=$2
	shift 2
	"$@" >"$work/$name.out" 2>"$work/$name.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$name: exit $rc, want $want ($(head -c 300 "$work/$name.err"))"
}

# sym FILE NAME: the symbol's address, as a decimal number
sym() {
	v=$(llvm-nm "$1" | awk -v n="$2" '$3 == n { print $1 }')
	[ -n "$v" ] || { echo "no symbol $2 in $1" >&2; echo 0; return; }
	printf '%d\n' "0x$v"
}

# symsize FILE NAME: the symbol's size
symsize() {
	v=$(llvm-nm -S "$1" | awk -v n="$2" '$4 == n { print $2 }')
	printf '%d\n' "0x${v:-0}"
}

# field NAME KEY: a key=value field of the crash line in $work/NAME.err, in decimal
field() {
	v=$(sed -n 's/^crash: .*[ ]'"$2"'=\([^ ]*\).*/\1/p' "$work/$1.err")
	case $v in 0x*) printf '%d\n' "$v" ;; *) echo "$v" ;; esac
}

for v in "" -default; do
	expect_run hello$v 0 "$RUN" "$P/hello$v.elf" one "two words"
	printf 'Hello from demo.hello\none\ntwo words\n' | cmp -s - "$work/hello$v.out" ||
		fail "hello$v: output $(cat "$work/hello$v.out")"
	expect_run exit42$v 42 "$RUN" "$P/exit42$v.elf"
	expect_run fp$v 0 "$RUN" "$P/fp$v.elf"
	grep -qx 'fp: sqrt2\*1e9=1414213562 dot=120 ok' "$work/fp$v.out" || fail "fp$v: $(cat "$work/fp$v.out")"
done

expect_run echo 0 "$RUN" -e A=1 -e "B=x y" "$P/echo.elf" p "q r"
printf 'argc=3\nargv[0]=echo\nargv[1]=p\nargv[2]=q r\nenvp[0]=A=1\nenvp[1]=B=x y\n' |
	cmp -s - "$work/echo.out" || fail "echo: $(cat "$work/echo.out")"

# check_fault PAYLOAD RC CAUSE ACCESS PC_FUNC ADDR_EXPR
# PC_FUNC: the pc lies in this function (or equals this label when its size is 0).
check_fault() {
	f=$P/$1.elf
	expect_run "$1" "$2" "$RUN" "$f"
	[ "$(field "$1" cause)" = "$3" ] || fail "$1: cause $(field "$1" cause), want $3"
	[ "$(field "$1" access)" = "$4" ] || fail "$1: access $(field "$1" access), want $4"
	[ "$(field "$1" name)" = "$1" ] || fail "$1: name $(field "$1" name)"
	pc=$(field "$1" pc)
	lo=$(sym "$f" "$5")
	size=$(symsize "$f" "$5")
	if [ "$size" -eq 0 ]; then
		[ "$pc" -eq "$lo" ] || fail "$1: pc $pc, want $5 = $lo"
	else
		[ "$pc" -ge "$lo" ] && [ "$pc" -lt $((lo + size)) ] || fail "$1: pc $pc not in $5"
	fi
	addr=$(field "$1" addr)
	[ "$addr" -eq "$6" ] || fail "$1: addr $addr, want $6"
	grep -q 'survived' "$work/$1.out" && fail "$1: survived its fault"
}

check_fault fault_null_load 139 read_unmapped read main 0
check_fault fault_rodata_store 139 write_prot write main \
	"$(sym "$P/fault_rodata_store.elf" nx_fault_rodata_target)"
wx=$(sym "$P/fault_wx_jump.elf" nx_fault_wx_code)
check_fault fault_wx_jump 139 fetch_prot exec nx_fault_wx_code "$wx"
check_fault fault_illegal 132 illegal_insn exec nx_fault_illegal_pc 0
check_fault fault_ebreak 133 breakpoint exec nx_fault_ebreak_pc 0
# fault_unmapped_jump's target has no symbol: check the fields directly.
expect_run fault_unmapped_jump 139 "$RUN" "$P/fault_unmapped_jump.elf"
[ "$(field fault_unmapped_jump pc)" -eq $((0x20000000)) ] || fail "fault_unmapped_jump: pc"
[ "$(field fault_unmapped_jump cause)" = fetch_unmapped ] || fail "fault_unmapped_jump: cause"
# The stack guard: the address lies in the guard page below the default stack.
expect_run fault_stack_guard 139 "$RUN" "$P/fault_stack_guard.elf"
a=$(field fault_stack_guard addr)
[ "$a" -ge $((0x3ffffaf000)) ] && [ "$a" -lt $((0x3ffffb0000)) ] || fail "stack guard: addr $a"
[ "$(field fault_stack_guard cause)" = write_unmapped ] || fail "stack guard: cause"
pc=$(field fault_stack_guard pc)
lo=$(sym "$P/fault_stack_guard.elf" descend)
[ "$pc" -ge "$lo" ] && [ "$pc" -lt $((lo + $(symsize "$P/fault_stack_guard.elf" descend))) ] ||
	fail "stack guard: pc $pc not in descend"

# The host process goes on: a task faults, the others run to their end.
expect_run after_fault 139 "$RUN" "$P/fault_null_load.elf" --also "$P/hello.elf" x \
	--also "$P/fault_wx_jump.elf" --also "$P/exit42.elf"
grep -qx 'Hello from demo.hello' "$work/after_fault.out" || fail "after_fault: hello did not run"
[ "$(grep -c '^crash:' "$work/after_fault.err")" -eq 2 ] || fail "after_fault: want 2 crash reports"

# busy and hello together both finish; the same run twice is byte-identical,
# interleaving included.
for i in 1 2; do
	expect_run together$i 0 "$RUN" "$P/busy.elf" --also "$P/hello.elf" a --also "$P/busy.elf" 3000000
done
grep -q 'busy: checksum=0x6edb73579479618b' "$work/together1.out" || fail "busy: checksum"
grep -qx 'Hello from demo.hello' "$work/together1.out" || fail "together: hello"
[ "$(grep -c 'busy: 4/4' "$work/together1.out")" -eq 2 ] || fail "together: both busy tasks end"
cmp -s "$work/together1.out" "$work/together2.out" || fail "two runs differ"
# Preempted: the second busy task starts before the first one ends.
second_start=$(grep -n 'busy: 1/4' "$work/together1.out" | sed -n '2s/:.*//p')
first_end=$(grep -n 'busy: checksum' "$work/together1.out" | sed -n '1s/:.*//p')
[ -n "$second_start" ] && [ -n "$first_end" ] && [ "$second_start" -lt "$first_end" ] ||
	fail "together: no interleaving"

# Refusals: a file that is not an ELF (65), a missing file (66), no file (64).
printf 'not an elf' >"$work/bad.elf"
expect_run bad 65 "$RUN" "$work/bad.elf"
grep -q "bad.elf: NXL_E_" "$work/bad.err" || fail "bad: $(cat "$work/bad.err")"
expect_run missing 66 "$RUN" "$work/missing.elf"
expect_run usage 64 "$RUN"

finish "kernel_harness: all passed"
