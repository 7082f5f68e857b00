#!/bin/sh
# The short fuzz run of `make test`: every libFuzzer target over its
# generated seeds plus a fixed number of new inputs (-runs, not a time
# limit) from a fixed seed, so two runs try the same inputs. Fails if a
# target reports a crash, a sanitizer error, a leak or a broken oracle
# (abort), or does not finish its runs. A failing input is kept in
# $NX_BUILD/fuzz/artifacts/ and the line to replay it is printed.
# Long runs: docs/fuzzing.md.
set -u
build=${NX_BUILD:-build}
fuzz=$build/fuzz
art=$fuzz/artifacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$art"

# target, new inputs, largest input: together well under a minute on 2 cores.
targets="loader 20000 16384
manifest 50000 4096
toml 50000 8192
frame 50000 65600
ksock 10000 8192
nxsindex 50000 8192
nxs 10000 80000
chan 20000 8192"

fail=0
echo "$targets" | {
	while read -r t runs maxlen; do
		bin=$fuzz/fuzz_$t
		seeds=$fuzz/seeds/$t
		if [ ! -x "$bin" ]; then
			echo "FAIL $bin is not built (run make)"
			fail=1
			continue
		fi
		if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
			echo "FAIL $seeds has no seeds (run make)"
			fail=1
			continue
		fi
		mkdir -p "$tmp/$t"
		rm -f "$art/$t"-*
		"$bin" -runs="$runs" -seed=1 -max_len="$maxlen" -artifact_prefix="$art/$t-" \
			"$tmp/$t" "$seeds" >"$tmp/$t.log" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ] || ! grep -q "^Done $runs runs" "$tmp/$t.log"; then
			echo "FAIL fuzz_$t (exit $rc)"
			grep -E 'fuzz oracle|ERROR|SUMMARY' "$tmp/$t.log" | head -n 10 | sed 's/^/     /'
			for a in "$art/$t"-*; do
				[ -f "$a" ] && echo "     replay: $bin $a"
			done
			fail=1
			continue
		fi
		echo "ok   fuzz_$t: $(find "$seeds" -type f | wc -l) seeds + $runs runs," \
			"$(grep -o 'cov: [0-9]*' "$tmp/$t.log" | tail -n 1)"
	done
	exit "$fail"
}
