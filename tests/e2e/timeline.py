#!/usr/bin/env python3
"""nexus-sim --timeline: the file follows the Chrome Trace Event Format.

Checked on a good run, a crashing run and an update session: valid JSON,
an object with traceEvents and displayTimeUnit, the keys each phase needs,
every B closed by its E on the same pid/tid in LIFO order, every flow
start (s) with exactly one end (f) of the same id and cat, each bound to a
slice around it, timestamps that never go back on a track, a
process_name for every track; and the tracks and spans docs/tools.md
names. The checker is shown to catch a broken file too.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

BIN = os.environ.get("NX_BIN", "bin")
SIM = os.path.join(BIN, "nexus-sim")
BUILD = os.environ.get("NX_BUILD", "build")
DAEMONS = ["init", "logd", "samgrd", "keystored", "updated", "bundlemgrd",
           "packagefsd", "vfsd", "execd"]
NEEDS = {"X": ("ts", "dur"), "B": ("ts",), "E": ("ts",), "i": ("ts",),
         "s": ("ts", "id", "cat"), "f": ("ts", "id", "cat"), "M": ("args",)}


def check_format(doc):
    """Every rule of the format the file must keep; a list of what is broken."""
    bad = []
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["not an object with a traceEvents list"]
    if doc.get("displayTimeUnit") not in ("ms", "ns"):
        bad.append("displayTimeUnit missing or not ms/ns")
    stacks, last_ts, flows, named = {}, {}, {}, set()
    slices = {}
    for n, e in enumerate(doc["traceEvents"]):
        ph = e.get("ph")
        if ph not in NEEDS:
            bad.append(f"event {n}: unknown ph {ph!r}")
            continue
        missing = [k for k in ("pid", "tid", "name") + NEEDS[ph] if k not in e]
        if missing:
            bad.append(f"event {n} ({ph}): missing {missing}")
            continue
        if ph == "M":
            if e["name"] == "process_name":
                named.add(e["pid"])
            continue
        track = (e["pid"], e["tid"])
        if e["ts"] < last_ts.get(e["pid"], 0):
            bad.append(f"event {n}: ts {e['ts']} before {last_ts[e['pid']]} on pid {e['pid']}")
        last_ts[e["pid"]] = e["ts"]
        if ph == "X":
            if e["dur"] < 0:
                bad.append(f"event {n}: negative dur")
            slices.setdefault(track, []).append((e["ts"], e["ts"] + e["dur"]))
        elif ph == "B":
            stacks.setdefault(track, []).append(e["name"])
        elif ph == "E":
            st = stacks.get(track, [])
            if not st or st[-1] != e["name"]:
                bad.append(f"event {n}: E {e['name']!r} on {track} does not close the last B "
                           f"({st[-1] if st else 'none open'})")
            else:
                st.pop()
        elif ph in "sf":
            flows.setdefault(e["id"], []).append((ph, e["cat"], track, e["ts"]))
    for track, st in stacks.items():
        if st:
            bad.append(f"B without E on {track}: {st}")
    for fid, ends in flows.items():
        kinds = sorted(p for p, _, _, _ in ends)
        if kinds != ["f", "s"]:
            bad.append(f"flow {fid}: ends {kinds}, want one s and one f")
            continue
        if len({c for _, c, _, _ in ends}) != 1:
            bad.append(f"flow {fid}: s and f in different categories")
        for _, _, track, ts in ends:
            if not any(a <= ts <= b for a, b in slices.get(track, [])):
                bad.append(f"flow {fid}: no slice around ts {ts} on {track}")
    for pid in last_ts:
        if pid not in named:
            bad.append(f"pid {pid} has no process_name")
    return bad


def tracks(doc):
    """pid -> track name."""
    return {e["pid"]: e["args"]["name"] for e in doc["traceEvents"]
            if e["ph"] == "M" and e["name"] == "process_name"}


def spans(doc, track_name):
    """Names of the X, B and i events on the track named track_name."""
    pids = {p for p, n in tracks(doc).items() if n == track_name}
    return [e["name"] for e in doc["traceEvents"]
            if e.get("pid") in pids and e["ph"] in "XBi"]


failed = []


def expect(what, cond):
    if not cond:
        failed.append(what)
        print("FAIL", what)


def timeline(tmp, name, code, *args):
    path = os.path.join(tmp, name + ".json")
    p = subprocess.run([SIM, *args[:1], "--timeline", path, *args[1:]],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expect(f"{name}: exit {p.returncode} (want {code}): {p.stderr.strip()}",
           p.returncode == code)
    with open(path) as f:
        doc = json.load(f)
    for b in check_format(doc):
        expect(f"{name}: {b}", False)
    return doc


with tempfile.TemporaryDirectory() as tmp:
    good = timeline(tmp, "good", 0, "run", "demo.hello.nxb")
    names = set(tracks(good).values())
    for d in DAEMONS:
        expect(f"good: a track for {d}", d in names)
        if d != "init":
            expect(f"good: {d} start to ready", "start to ready" in spans(good, d))
    expect("good: a track for the task", "task demo.hello:1" in names)
    expect("good: the task's run", "run" in spans(good, "task demo.hello:1"))
    expect("good: boot and run steps", {"boot", "run", "shutdown"} <= set(spans(good, "nexus-sim")))
    expect("good: install on init and bundlemgrd",
           "install" in spans(good, "init") and "install" in spans(good, "bundlemgrd"))
    expect("good: verify on keystored", "verify" in spans(good, "keystored"))
    expect("good: load and spawn on execd", {"load", "spawn"} <= set(spans(good, "execd")))
    expect("good: flows", any(e["ph"] == "s" for e in good["traceEvents"]))

    crash = timeline(tmp, "crash", 139, "run", "test.fault_null_load.nxb")
    task = "task test.fault_null_load:1"
    expect("crash: the crash as an instant on the task",
           "crash: read_unmapped" in spans(crash, task))
    inst = [e for e in crash["traceEvents"] if e["ph"] == "i"]
    expect("crash: pc and addr in its args", inst and {"pc", "addr"} <= set(inst[0]["args"]))

    upd = timeline(tmp, "update", 0, "update", "--state", os.path.join(tmp, "st"),
                   os.path.join(BUILD, "systems", "sys-1.0.0.nxs"))
    steps = spans(upd, "nexus-sim")
    expect("update: two boots and a reboot", steps.count("boot") == 2 and "reboot" in steps)
    expect("update: stage and switch on updated", {"stage", "switch"} <= set(spans(upd, "updated")))

    # The checker itself: a lost E, an unpaired flow, a step back in time are caught.
    broken = copy.deepcopy(good)
    ev = broken["traceEvents"]
    ev.remove(next(e for e in ev if e["ph"] == "E"))
    ev.remove(next(e for e in ev if e["ph"] == "f"))
    last = max((e for e in ev if e["ph"] == "X"), key=lambda e: e["ts"])
    ev.append(dict(last, ts=0.0))
    got = " ".join(check_format(broken))
    for what in ("B without E", "want one s and one f", "before"):
        expect(f"checker catches: {what}", what in got)

if failed:
    sys.exit(1)
print("timeline: good, crashing and update sessions follow the trace event format")
