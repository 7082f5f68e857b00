#!/bin/sh
# A daemon that makes a call outside its seccomp allowlist dies by SIGSYS;
# init reports it and restarts it (after the 1 s throttle), the daemons
# already up stay up, and the boot completes. NEXUS_FAULT=seccomp:<daemon>
# makes that daemon's first start call unshare(0) right after its
# sandbox is installed (docs/security.md).
set -eu
BIN=${NX_BIN:-bin}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

for svc in keystored execd; do
	NEXUS_FAULT=seccomp:$svc "$BIN/nexus-sim" boot -v 2>"$t/console"
	cat >"$t/ladder" <<EOL
init: start
init: up logd
init: up samgrd
init: $svc died signal=SIGSYS
init: restart $svc
$svc: ready
init: up $svc
init: ready
EOL
	scripts/marker-check "$t/ladder" "$t/console"
	scripts/marker-check tests/markers/boot.txt "$t/console"
	# Only the faulted daemon died, once.
	deaths=$(grep -c ' died ' "$t/console" || true)
	[ "$deaths" -eq 1 ] || { echo "expected one death, saw $deaths:"; cat "$t/console"; exit 1; }
done

# A run still works with a daemon restarted under it.
NEXUS_FAULT=seccomp:vfsd "$BIN/nexus-sim" run -v demo.hello.nxb >"$t/out" 2>"$t/console"
grep -qx 'Hello from demo.hello' "$t/out"
grep -qx 'init: vfsd died signal=SIGSYS' "$t/console"
echo "seccomp fault injection ok"
