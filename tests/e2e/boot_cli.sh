#!/bin/sh
# nexus-sim boot/run command lines: --help, usage errors (64), what
# cannot be opened (66).
. tests/e2e/lib.sh

expect 0 "usage: nexus-sim boot" -- "$SIM" boot --help
expect 0 "usage: nexus-sim run" -- "$SIM" run --help
expect 64 "is not an option of boot" -- "$SIM" boot --tries 2
expect 64 "unknown option '--bogus'" -- "$SIM" boot --bogus
expect 64 "needs a directory" -- "$SIM" boot --state
expect 64 "no bundle named" -- "$SIM" run
expect 64 "unexpected argument" -- "$SIM" run a.nxb b.nxb
expect 66 "cannot open trust directory" -- "$SIM" boot --trust "$work/none"
expect 66 "bundle nosuch.nxb not found" -- "$SIM" run nosuch.nxb
expect 66 "cannot open bundle" -- "$SIM" run "$work/none.nxb"
expect 64 "expected seccomp:<daemon>, hang:<daemon>, escape:" -- env NEXUS_FAULT=bogus "$SIM" boot
expect 70 "names no known fault" -- env NEXUS_FAULT=seccomp:nosuchd "$SIM" boot
# Usage errors are 64, whatever the payload would have made of them.
many=$(seq 1 300)
expect 64 "300 payload arguments, at most 255" -- "$SIM" run demo.hello.nxb -- $many
long=$(head -c 70000 /dev/zero | tr '\0' x)
expect 64 "payload arguments and environment take 70001 bytes" -- "$SIM" run demo.hello.nxb -- "$long"
expect 64 "--env 'NOEQUALS': expected KEY=VALUE" -- "$SIM" run --env NOEQUALS demo.hello.nxb
# A trust directory without a key is said at once, not after keystored died five times.
mkdir "$work/notrust"
expect 66 "trust directory .*notrust: no \*.pub key in it" -- "$SIM" run --trust "$work/notrust" demo.hello.nxb
# An ELF where a bundle belongs: the message says what to do with it.
expect 66 "is a file, not a bundle directory: pack an ELF into a bundle with nxb-pack" -- \
	"$SIM" run "$BUILD/payloads/hello.elf"
# inspect shows the search path for a missing bare name, as run does.
expect 66 "bundle nosuch.nxb not found \(looked in the current directory, .NEXUS_BUNDLE_PATH" -- \
	"$SIM" inspect nosuch.nxb
expect 0 "inspect \[--trust DIR\] FILE.elf\|BUNDLE.nxb" -- "$SIM" --help
expect 0 "^nexus-sim [0-9]+\.[0-9]+\.[0-9]+$" -- "$SIM" --version
finish "boot/run command lines ok"
