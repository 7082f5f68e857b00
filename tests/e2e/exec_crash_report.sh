#!/bin/sh
# execd's reports through the real pipeline: a faulting payload and a
# non-zero exit each give `execd: crash report pid=<p> code=<c> name=<n>`
# and a logd record with sorted fields (addr cause code event=crash.v1
# name pc pid) on the console, after `execd: elf load ok`; a clean exit
# gives neither. Every fault payload is run; no daemon may die with it.
. tests/e2e/lib.sh

# check CASE BUNDLE WANT_RC CAUSE: run, then match the console lines exactly.
check() {
	case=$1 bundle=$BUILD/bundles/$2.nxb want=$3 cause=$4
	state=$work/$case
	mkdir -p "$state"
	"$SIM" run --state "$state" "$bundle" >"$state/out" 2>"$state/err"
	rc=$?
	log=$state/console.log
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $case: exit $rc, want $want: $(cat "$state/err")"
		failed=1
		return
	fi
	grep -qx 'execd: elf load ok' "$log" || { echo "FAIL $case: no elf load ok"; failed=1; }
	# The payload's fault ends only the payload: no daemon dies with it.
	if grep -q 'died' "$log"; then
		echo "FAIL $case: a daemon died: $(grep died "$log")"
		failed=1
	fi
	if [ "$cause" = none ]; then
		if grep -q 'crash' "$log"; then
			echo "FAIL $case: reported: $(grep crash "$log")"
			failed=1
		fi
		return
	fi
	grep -Eqx "execd: crash report pid=[0-9]+ code=$want name=$2" "$log" || {
		echo "FAIL $case: no crash report marker in: $(grep execd "$log")"
		failed=1
	}
	rec="execd: error crash report addr=0x[0-9a-f]+ cause=$cause code=$want event=crash.v1"
	rec="$rec name=$2 pc=0x[0-9a-f]+ pid=[0-9]+"
	grep -Eqx "$rec" "$log" || {
		echo "FAIL $case: no logd record /$rec/ in: $(grep execd "$log")"
		failed=1
	}
	[ "$failed" -eq 0 ] && echo "ok   $case: $(grep 'execd: crash report' "$log")"
}

check null-load test.fault_null_load 139 read_unmapped
check rodata-store test.fault_rodata_store 139 write_prot
check illegal test.fault_illegal 132 illegal_insn
check ebreak test.fault_ebreak 133 breakpoint
check wx-jump test.fault_wx_jump 139 fetch_prot
check stack-guard test.fault_stack_guard 139 write_unmapped
check unmapped-jump test.fault_unmapped_jump 139 fetch_unmapped
check misaligned-amo test.fault_misaligned_amo 135 misaligned
check exit42 test.exit42 42 exit
check hello demo.hello 0 none
# The misaligned atomic's record names its address: &words[1] + 1 (the ELF's symbol table
# is the oracle), and the faulting pc is the amoadd.w itself.
elf=$BUILD/payloads/fault_misaligned_amo.elf
words=$(llvm-nm "$elf" | awk '$3 == "words" { print $1 }')
amo=$(llvm-objdump -d "$elf" | awk '/amoadd.w/ { sub(":", "", $1); print $1 }')
want_addr=$(printf '0x%x' $((0x$words + 5)))
"$SIM" run test.fault_misaligned_amo.nxb >/dev/null 2>"$work/amo.err"
grep -q "misaligned pc=0x$amo addr=$want_addr\$" "$work/amo.err" ||
	fail "misaligned amo: want pc=0x$amo addr=$want_addr: $(cat "$work/amo.err")"
finish "every crash reported"
