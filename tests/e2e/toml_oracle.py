#!/usr/bin/env python3
"""Compare our TOML reader (toml-dump's JSON) with Python's tomllib.

usage: toml_oracle.py TOML_DUMP FILE...

Every FILE must be read the same by both. Then a list of invalid sources
must be refused by both (our exit status 65 with a "line N:" message), and
valid TOML outside our subset must be refused by us with a line number.
"""
import json
import re
import os
import subprocess
import sys
import tempfile
import tomllib

INVALID = [
    'a = "unterminated\n',
    'a = 1\na = 2\n',
    '[t]\n[t]\n',
    'a = "\\q"\n',
    'a = 01\n',
    'a = 1__0\n',
    'a = "\\ud800"\n',
    'a = \n',
    '[[t]]\n[t]\n',
    'a = ["x" "y"]\n',
    'a = tru\n',
    'a = "x" b = 1\n',
    'a = 9223372036854775808_\n',
    '= 1\n',
    '[a\n',
]

OUTSIDE_SUBSET = [
    'a = 1.5\n',
    'a = 1979-05-27\n',
    'a = { b = 1 }\n',
    'a = """x"""\n',
    'a.b = 1\n',
    'a = 0x10\n',
    'a = [1, 2]\n',
]


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate keys in toml-dump output: {keys}")
    return dict(pairs)


def ours(dump, path):
    return subprocess.run([dump, path], capture_output=True, text=True)


def main():
    dump, files = sys.argv[1], sys.argv[2:]
    failures = 0
    for path in files:
        r = ours(dump, path)
        with open(path, "rb") as f:
            theirs = tomllib.load(f)
        if r.returncode != 0:
            print(f"FAIL {path}: our reader refused it: {r.stderr.strip()}")
            failures += 1
            continue
        mine = json.loads(r.stdout, object_pairs_hook=no_duplicates)
        if mine != theirs:
            print(f"FAIL {path}: readers disagree\n ours:    {mine}\n tomllib: {theirs}")
            failures += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "case.toml")
        for src in INVALID + OUTSIDE_SUBSET:
            with open(path, "w") as f:
                f.write("# case\n" + src)
            r = ours(dump, path)
            if r.returncode != 65 or not re.search(r": line [23]: ", r.stderr):
                print(f"FAIL {src!r}: ours exit {r.returncode}, message {r.stderr.strip()!r}")
                failures += 1
            try:
                tomllib.loads("# case\n" + src)
                accepted = True
            except tomllib.TOMLDecodeError:
                accepted = False
            if accepted != (src in OUTSIDE_SUBSET):
                print(f"FAIL {src!r}: tomllib {'accepts' if accepted else 'refuses'} it")
                failures += 1
    total = len(files) + len(INVALID) + len(OUTSIDE_SUBSET)
    print(f"toml oracle: {total - failures}/{total} cases agree "
          f"({len(files)} sources, {len(INVALID)} invalid, {len(OUTSIDE_SUBSET)} outside the subset)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
