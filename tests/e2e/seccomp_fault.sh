#!/bin/sh
# A daemon that makes a call outside its seccomp allowlist dies by SIGSYS;
# init reports it and restarts it (after the 1 s throttle), the daemons
# already up stay up, and the boot completes. NEXUS_FAULT=seccomp:<daemon>
# makes that daemon's first start call unshare(0) right after its
# sandbox is installed (docs/security.md).
. tests/e2e/lib.sh
set -e

for svc in keystored execd; do
	NEXUS_FAULT=seccomp:$svc "$SIM" boot -v 2>"$work/console"
	cat >"$work/ladder" <<EOL
init: start
init: up logd
init: up samgrd
init: $svc died signal=SIGSYS
init: restart $svc
$svc: ready
init: up $svc
init: ready
EOL
	scripts/marker-check "$work/ladder" "$work/console"
	scripts/marker-check tests/markers/boot.txt "$work/console"
	# Only the faulted daemon died, once.
	deaths=$(grep -c ' died ' "$work/console" || true)
	[ "$deaths" -eq 1 ] || { echo "expected one death, saw $deaths:"; cat "$work/console"; exit 1; }
done

# A run still works with a daemon restarted under it.
NEXUS_FAULT=seccomp:vfsd "$SIM" run -v demo.hello.nxb >"$work/out" 2>"$work/console"
grep -qx 'Hello from demo.hello' "$work/out"
grep -qx 'init: vfsd died signal=SIGSYS' "$work/console"
echo "seccomp fault injection ok"
