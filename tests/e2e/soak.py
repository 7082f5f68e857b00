#!/usr/bin/env python3
"""The soak: RUNS runs of nexus-sim, two at a time, mixing good, refused
and crashing bundles, some on one shared state directory (the two
workers contend for its lock: one waits with --wait-state, or gets 75),
while a killer sends SIGKILL to a random daemon at a random point of
about one run in five. Every run must end within its deadline with an
exit code its bundle allows (any of 69/70 too when a daemon it used was
killed). Afterwards: no process of the test left, no temporary state
directory left, and every bundle installed in the shared state verifies
(`nexus-sim inspect`). The seed is printed so a failure can be replayed
(SOAK_SEED=N).
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

RUNS = int(os.environ.get("SOAK_RUNS", "1000"))
WORKERS = 2
RUN_TIMEOUT_S = 60  # a run that takes longer is a hang
KILL_EVERY = 5  # about one run in this many gets a daemon killed
KILL_DELAY_MAX_S = 0.12  # a run boots, installs and runs in about this much
DAEMONS = ("logd", "keystored", "updated", "bundlemgrd", "packagefsd", "vfsd", "execd")
KILLED_CODES = {69, 70}  # a daemon died under the run: it said so and ended

BIN = os.environ.get("NX_BIN", "bin")
BUILD = os.environ.get("NX_BUILD", "build")


def ours(root):
    """pid -> executable name of every live process running from root."""
    found = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            exe = os.readlink("/proc/%s/exe" % p)
        except OSError:
            continue
        if exe.startswith(root + "/"):
            found[int(p)] = os.path.basename(exe)
    return found


def descends_from(pid, root):
    """Whether root is pid or one of its ancestors."""
    while pid > 1:
        if pid == root:
            return True
        try:
            with open("/proc/%d/stat" % pid) as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


class Soak:
    def __init__(self, work, seed):
        self.work = work
        self.bin = os.path.join(work, "bin")
        self.sim = os.path.join(self.bin, "nexus-sim")
        self.tmp = os.path.join(work, "tmp")
        self.state = os.path.join(work, "state")
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.failures = []
        self.counts = {}
        self.bundles = self.make_bundles()

    def make_bundles(self):
        os.mkdir(self.bin)
        shutil.copy(os.path.join(BIN, "nexus-sim"), self.bin)
        shutil.copytree(os.path.join(BIN, "daemons"), os.path.join(self.bin, "daemons"))
        os.mkdir(self.tmp)
        src = os.path.join(BUILD, "bundles")
        bad = os.path.join(self.work, "refused", "demo.hello.nxb")
        shutil.copytree(os.path.join(src, "demo.hello.nxb"), bad)
        with open(os.path.join(bad, "payload.elf"), "r+b") as f:
            f.seek(200)
            b = f.read(1)
            f.seek(200)
            f.write(bytes([b[0] ^ 0x40]))
        # (label, path, args, the exit code it must give)
        return [
            ("good demo.hello", os.path.join(src, "demo.hello.nxb"), [], 0),
            ("good test.echo", os.path.join(src, "test.echo.nxb"), ["a", "b c"], 0),
            ("exit test.exit42", os.path.join(src, "test.exit42.nxb"), [], 42),
            ("crash test.fault_null_load", os.path.join(src, "test.fault_null_load.nxb"), [],
             128 + 11),
            ("refused demo.hello (payload flipped)", bad, [], 65),
        ]

    def fail(self, what):
        with self.lock:
            self.failures.append(what)
            print("FAIL " + what, flush=True)

    def kill_one(self, delay, run, killed):
        time.sleep(delay)
        # Only this run's daemons: the other worker's run must not see a kill it cannot allow.
        victims = [p for p, n in ours(self.bin).items()
                   if n in DAEMONS and descends_from(p, run.pid)]
        if victims:
            p = self.rng.choice(victims)
            try:
                os.kill(p, signal.SIGKILL)
                killed.append(p)
            except ProcessLookupError:
                pass

    def one_run(self, i):
        with self.lock:
            label, path, args, want = self.rng.choice(self.bundles)
            shared = self.rng.random() < 0.5
            wait = self.rng.random() < 0.5
            kill_at = (self.rng.uniform(0, KILL_DELAY_MAX_S)
                       if self.rng.randrange(KILL_EVERY) == 0 else None)
        cmd = [self.sim, "run"]
        if shared:
            cmd += ["--state", self.state] + (["--wait-state"] if wait else [])
        cmd += [path, "--"] + args
        killed = []
        killer = None
        env = dict(os.environ, TMPDIR=self.tmp)
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, env=env)
        if kill_at is not None:
            killer = threading.Thread(target=self.kill_one, args=(kill_at, p, killed))
            killer.start()
        try:
            _, stderr = p.communicate(timeout=RUN_TIMEOUT_S)
            code = p.returncode
        except subprocess.TimeoutExpired:
            self.fail("run %d hung: %s" % (i, " ".join(cmd)))
            p.kill()
            p.communicate()
            code = None
        if killer is not None:
            killer.join()
        if code is None:
            return
        allowed = {want}
        if shared and not wait:
            allowed.add(75)
        if killed:
            allowed |= KILLED_CODES
        with self.lock:
            key = "%s -> %d%s" % (label, code, " (a daemon killed)" if killed else "")
            self.counts[key] = self.counts.get(key, 0) + 1
        if code not in allowed:
            err = stderr.decode(errors="replace").strip().splitlines()
            self.fail("run %d: %s exited %d, allowed %s%s: %s" % (
                i, label, code, sorted(allowed),
                " (a daemon was killed)" if killed else "", err[-1] if err else ""))

    def worker(self, n):
        for i in range(n, RUNS, WORKERS):
            self.one_run(i)

    def check_after(self):
        deadline = time.time() + 10
        while ours(self.bin) and time.time() < deadline:
            time.sleep(0.1)
        left = ours(self.bin)
        if left:
            self.fail("processes left behind: %s" % left)
        if os.listdir(self.tmp):
            self.fail("temporary state left behind: %s" % os.listdir(self.tmp))
        if not os.path.isdir(self.state):
            return
        st = subprocess.run([self.sim, "status", "--state", self.state], capture_output=True)
        if st.returncode != 0:
            self.fail("status of the shared state: exit %d" % st.returncode)
        n = 0
        for slot in ("slot-a", "slot-b"):
            d = os.path.join(self.state, slot)
            if not os.path.isdir(d):
                continue
            for entry in sorted(os.listdir(d)):
                if "@" not in entry:
                    continue
                n += 1
                r = subprocess.run([self.sim, "inspect", os.path.join(d, entry)],
                                   capture_output=True)
                if r.returncode != 0:
                    self.fail("installed %s/%s does not verify: %s" % (
                        slot, entry, r.stderr.decode(errors="replace").strip()))
        print("%d installed entries verify" % n)


def main():
    seed = int(os.environ.get("SOAK_SEED", str(int(time.time()))))
    print("soak: %d runs, %d at a time, seed %d (SOAK_SEED=%d replays)" %
          (RUNS, WORKERS, seed, seed), flush=True)
    work = tempfile.mkdtemp(prefix="nx-soak.")
    try:
        s = Soak(work, seed)
        t0 = time.time()
        workers = [threading.Thread(target=s.worker, args=(n,)) for n in range(WORKERS)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        s.check_after()
        for k in sorted(s.counts):
            print("  %5d  %s" % (s.counts[k], k))
        print("%d runs in %.0f s" % (RUNS, time.time() - t0))
        if s.failures:
            print("%d failures" % len(s.failures))
            return 1
        print("soak ok: no hang, nothing left behind, every installed entry verifies")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
