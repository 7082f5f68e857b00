#!/bin/sh
# Every process is confined by path and capability, not only by syscall
# (docs/security.md).
#
# 1. NEXUS_FAULT=escape:<who> makes nexus-sim, init or a daemon try, once
#    its Landlock domain is up and its capabilities are gone, to read
#    /etc/shadow, to open /etc/passwd for writing, to read its own
#    executable (init's domain holds the daemons' executables; a daemon's
#    own domain does not), and to create a file in each directory it holds
#    an fd for. Each attempt's outcome is checked against the domain the
#    process should have, and the run must still succeed.
# 2. While a payload runs, no process has a capability left, each has
#    no_new_privs, and each but the state-directory helper is filtered.
# 3. As on a kernel without Landlock (build/harness/no-landlock), the
#    system still runs, nexus-sim -v says once that the sandbox is seccomp
#    and capabilities only, and the probe's opens then succeed: the
#    denials above are Landlock's.
. tests/e2e/lib.sh
NO_LANDLOCK=$BUILD/harness/no-landlock
need "$SIM" "$NO_LANDLOCK"
DENIED='Permission denied'

# outcome WHO WHAT: the outcome the probe reported for WHAT (a line's tail).
outcome() {
	sed -n "s|^$1: escape: $2: ||p" "$work/console"
}

# want WHO WHAT OUTCOME: the probe of WHO reported exactly OUTCOME for WHAT.
want() {
	got=$(outcome "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2: got '$got', want '$3'"
}

# creates WHO ALLOWED DENIED: of the directories WHO holds, that many let it create a file.
creates() {
	n_ok=$(grep -c "^$1: escape: create a file in the directory of fd [0-9]*: allowed$" \
		"$work/console")
	n_no=$(grep -c "^$1: escape: create a file in the directory of fd [0-9]*: $DENIED$" \
		"$work/console")
	[ "$n_ok" -eq "$2" ] && [ "$n_no" -eq "$3" ] ||
		fail "$1: created in $n_ok directories, refused in $n_no; want $2 and $3"
}

# probe WHO: a run of demo.hello with WHO probing; it must still succeed.
probe() {
	NEXUS_FAULT=escape:$1 "$SIM" run -v demo.hello.nxb >"$work/out" 2>"$work/console"
	rc=$?
	[ "$rc" -eq 0 ] && grep -qx 'Hello from demo.hello' "$work/out" ||
		fail "$1 probing: the run failed (exit $rc): $(tail -n 5 "$work/console")"
	! grep -q ' died ' "$work/console" ||
		fail "$1 probing: $(grep ' died ' "$work/console")"
	want "$1" 'open /etc/shadow for reading' "$DENIED"
	want "$1" 'open /etc/passwd for writing' "$DENIED"
}

# nexus-sim: no path at all, not even beneath the directories it opened.
probe nexus-sim
want nexus-sim 'open its executable for reading' "$DENIED"
creates nexus-sim 0 3 # state, trust, bundle
# init: its domain holds the daemons directory and the state directory read-write.
probe init
want init 'open its executable for reading' allowed
creates init 1 2 # state yes; trust and bundle no
# Each daemon: its own domain, narrower than init's.
for d in logd samgrd keystored vfsd execd; do
	probe "$d"
	want "$d" 'open its executable for reading' "$DENIED"
	creates "$d" 0 0
done
# updated writes BootCtrl and the slots, beneath the state directory only.
probe updated
want updated 'open its executable for reading' "$DENIED"
creates updated 1 0 # the state directory
probe bundlemgrd
want bundlemgrd 'open its executable for reading' "$DENIED"
creates bundlemgrd 3 0 # its store: the state directory (for quarantine/), slot-a, staging
# packagefsd reads the store bundlemgrd writes, and may not write it.
probe packagefsd
want packagefsd 'open its executable for reading' "$DENIED"
creates packagefsd 0 1 # slot-a

# Capabilities, no_new_privs and filters of every process during a run:
# nexus-sim, its helper, init and the eight daemons. The waiter would run
# for minutes; SIGTERM ends the session cleanly once they are read.
private_bin
"$work/bin/nexus-sim" run test.waiter.nxb -- 100000 >"$work/waiter.out" 2>&1 &
sim=$!
tries=0
while ! grep -q 'waiter: start' "$work/waiter.out" && [ "$tries" -lt 600 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
seen=0
for p in $(ours | cut -d' ' -f1); do
	st=/proc/$p/status
	name=$(cat "/proc/$p/comm" 2>/dev/null) || continue
	seen=$((seen + 1))
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(sed -n "s/^$f:[[:space:]]*//p" "$st")
		[ "$v" = 0000000000000000 ] || fail "$name ($p): $f $v"
	done
	[ "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "$st")" = 1 ] || fail "$name ($p): no_new_privs unset"
	filtered=$(sed -n 's/^Seccomp:[[:space:]]*//p' "$st")
	# The helper removing the temporary state directory is nexus-sim's child and unfiltered.
	if [ "$name" = nexus-sim ] && [ "$p" != "$sim" ]; then
		[ "$filtered" = 0 ] || fail "state directory helper ($p): Seccomp $filtered"
	else
		[ "$filtered" = 2 ] || fail "$name ($p): Seccomp $filtered, want 2 (filter)"
	fi
done
[ "$seen" -eq 11 ] || fail "saw $seen processes of the run, want 11: $(ours)"
kill -TERM "$sim"
wait "$sim"
left=$(ours)
[ -z "$left" ] || fail "left running after the session: $left"

# Without Landlock: seccomp and capabilities only, said once; the probes' opens then succeed.
"$NO_LANDLOCK" "$SIM" run -v demo.hello.nxb >"$work/out" 2>"$work/console" ||
	fail "run without Landlock: exit $?"
grep -qx 'Hello from demo.hello' "$work/out" || fail "run without Landlock: no hello"
n=$(grep -c 'no Landlock: the sandboxes are seccomp and dropped capabilities only' "$work/console")
[ "$n" -eq 1 ] || fail "without Landlock, nexus-sim -v said so $n times, want once"
NEXUS_FAULT=escape:packagefsd "$NO_LANDLOCK" "$SIM" run -v demo.hello.nxb >/dev/null \
	2>"$work/console" || fail "packagefsd probing without Landlock: exit $?"
want packagefsd 'open /etc/shadow for reading' allowed
creates packagefsd 1 0

finish "every process confined: escapes denied, no capabilities, seccomp-only fallback said"
