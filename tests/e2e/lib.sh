# The prologue every end-to-end script sources (`. tests/e2e/lib.sh`):
# where the built binaries are, a scratch directory removed however the
# script ends, and the checks they share. A script calls fail for each
# broken expectation and ends with finish, which exits non-zero if any
# failed.
set -u
BIN=${NX_BIN:-bin}
BUILD=${NX_BUILD:-build}
SIM=$BIN/nexus-sim
work=$(mktemp -d "${TMPDIR:-/tmp}/nx-e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
failed=0

# fail WHAT...: report one broken expectation and carry on.
fail() {
	echo "FAIL $*"
	failed=1
}

# expect CODE PATTERN -- COMMAND...: COMMAND exits CODE and its output
# (stdout and stderr) has a line matching the extended regex PATTERN.
expect() {
	code=$1 pat=$2
	shift 3
	"$@" >"$work/expect.out" 2>&1
	got=$?
	if [ "$got" -ne "$code" ] || ! grep -Eq -- "$pat" "$work/expect.out"; then
		fail "$* -> exit $got (want $code, output matching /$pat/):"
		sed 's/^/     /' "$work/expect.out"
	fi
}

# need FILE...: the build made these, or the script cannot run at all.
need() {
	for f in "$@"; do
		[ -e "$f" ] || { echo "missing: $f (run make first)"; exit 1; }
	done
}

# finish MESSAGE: print MESSAGE if every check passed; exit 0 or 1.
finish() {
	[ "$failed" -eq 0 ] && echo "$1"
	exit "$failed"
}

# private_bin: a copy of nexus-sim and the daemons in $work/bin, so that
# any process running from there is this script's (see ours).
private_bin() {
	mkdir -p "$work/bin"
	cp "$SIM" "$work/bin/"
	cp -r "$BIN/daemons" "$work/bin/"
}

# ours: "pid executable" of every process running from $work/bin.
ours() {
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in "$work/bin/"*) echo "${p#/proc/} $exe" ;; esac
	done
}
