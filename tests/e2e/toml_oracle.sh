#!/bin/sh
# Oracle: Python's tomllib and our TOML subset reader agree on every
# manifest source in fixtures/manifests, and both refuse a set of invalid
# sources (tests/e2e/toml_oracle.py).
. tests/e2e/lib.sh
exec python3 tests/e2e/toml_oracle.py "$BUILD/tests/toml-dump" fixtures/manifests/*.toml
