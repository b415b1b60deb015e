#!/usr/bin/python3
"""crash-test.py - kill or fail outpost at every system call of the queue's
three critical paths and check that no accepted message and no notice is
lost, and that none arrives twice unmarked.

    top_builddir=DIR top_srcdir=DIR python3 crash-test.py [--quick]

Paths (each against the scripted SMTP server, tests/integration/):
  send    a message the smarthost answers 451: queued, exit 0
  flush   a queued message, the smarthost takes it: delivered, removed
  expiry  a queued message past the queue lifetime, the smarthost still
          answers 451: given up, its notice queued

For every system call of the path - the k-th call of each syscall, as
counted in a clean run under strace - the path runs again with strace
-e inject=SYSCALL:...:when=k: with SIGKILL at that call, and with EIO and
with ENOSPC at each file call (open, write, fsync, rename, unlink,
mkdir...).  Then a clean
`outpost -q --flush` against a server that takes everything finishes
the job, and the invariants are checked:

  - exit 0 from the faulted run means the message is in the queue or
    the server has it;
  - every message that was accepted (exit 0, or queued before the run)
    arrived exactly once, or was reported to its sender by exactly one
    notice;  a second copy is allowed only when it carries
    X-Outpost-Possible-Duplicate (the runner's "sending" mark);
  - no notice arrives twice unmarked.

Prints the counts (points tried, marked duplicates) and one line per
violation; exit 0 when there is none.  TAP-free on purpose: it is a
`make check-crash` job of its own, run by CI.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
SRC = os.path.abspath(os.environ.get("top_srcdir", "."))
OUTPOST = os.path.join(BUILD, "src", "outpost")
SMTPD = os.path.join(SRC, "tests", "integration", "smtpd-script.py")
FILE_CALLS = ("openat,write,pwrite64,fsync,fdatasync,rename,renameat,"
              "renameat2,unlinkat,mkdirat,linkat,ftruncate")
LIFETIME = 5 * 24 * 3600
DUP = b"X-Outpost-Possible-Duplicate: yes"


class Server:
    """One smtpd-script.py: its port and the messages it took."""

    def __init__(self, work, name, script):
        self.dir = os.path.join(work, "srv-" + name)
        os.makedirs(self.dir)
        path = os.path.join(self.dir, "script")
        with open(path, "w") as f:
            f.write(script)
        ready = os.path.join(self.dir, "ready")
        self.proc = subprocess.Popen(
            [sys.executable, SMTPD, "--script", path, "--dir", self.dir,
             "--ready", ready, "--lifetime", "3600"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(500):
            if os.path.exists(ready):
                break
            time.sleep(0.01)
        with open(ready) as f:
            self.port = int(f.read().split()[0])

    def files(self):
        """The messages this server has taken (a 2xx to their dot): one
        data file each.  A transaction abandoned before its dot leaves a
        data file too, but no "delivered" event."""
        out = set()
        try:
            with open(os.path.join(self.dir, "events.jsonl")) as f:
                for line in f:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if e.get("ev") == "delivered":
                        out.add(os.path.join(self.dir, e["file"]))
        except FileNotFoundError:
            pass
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def config(path, port, qdir):
    with open(path, "w") as f:
        f.write("[defaults]\naccount = crash\n\n[crash]\n"
                "host = 127.0.0.1\nport = %d\ntls = off\nauth = off\n"
                "from = alice@example.com\ndomain = client.example.org\n"
                "timeout = 5\nkeyring = off\nqueue_dir = %s\n"
                % (port, qdir))
    os.chmod(path, 0o600)


def message(tag):
    return ("From: alice@example.com\nTo: bob@example.org\n"
            "Subject: crash %s\nDate: Mon, 07 Dec 2026 00:00:00 +0000\n"
            "Message-ID: <%s@crash.example>\n\nbody of %s\n"
            % (tag, tag, tag)).encode()


class Run:
    def __init__(self, work):
        self.work = work
        self.busy = Server(work, "busy", "listener plain\n"
                           "reply MAIL 451 4.3.0 busy\n")
        self.ok = Server(work, "ok", "listener plain\n")
        self.points = 0
        self.marked = 0
        self.violations = []

    def env(self, home, now=None):
        e = {"PATH": "/usr/bin:/bin", "HOME": home, "LC_ALL": "C",
             "TMPDIR": os.path.join(home, "tmp")}
        if now is not None:
            e["OUTPOST_TEST_NOW"] = now
        return e

    def outpost(self, home, conf, args, stdin=b"", now=None, strace=None):
        cmd = [OUTPOST, "-C", conf] + args
        if strace is not None:
            cmd = ["strace", "-f", "-qq", "-o", "/dev/null"] + strace + cmd
        r = subprocess.run(cmd, input=stdin, env=self.env(home, now),
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        return r.returncode

    def fresh(self, name):
        """A home with a queue and two configs (busy and ok servers)."""
        home = tempfile.mkdtemp(prefix=name + ".", dir=self.work)
        os.makedirs(os.path.join(home, "tmp"))
        q = os.path.join(home, "queue")
        config(os.path.join(home, "busy.conf"), self.busy.port, q)
        config(os.path.join(home, "ok.conf"), self.ok.port, q)
        return home

    def entries(self, home):
        q = os.path.join(home, "queue", "q")
        if not os.path.isdir(q):
            return 0
        return sum(1 for n in os.listdir(q) if n.endswith(".env"))

    def prepare(self, path, tag):
        """The state the path starts from, and its argv and server."""
        home = self.fresh("%s-%s" % (path, tag))
        busy = os.path.join(home, "busy.conf")
        if path == "send":
            return home, (busy, ["-i", "bob@example.org"], message(tag),
                          None), False
        # a message queued by a clean send (the first time; then a copy)
        tpl = os.path.join(self.work, "tpl-" + path)
        if not os.path.isdir(tpl):
            t = self.fresh("tplsrc")
            rc = self.outpost(t, os.path.join(t, "busy.conf"),
                              ["-i", "bob@example.org"], message(tag))
            assert rc == 0 and self.entries(t) == 1, "setup: not queued"
            shutil.copytree(os.path.join(t, "queue"), tpl, symlinks=True)
            shutil.rmtree(t)
        shutil.copytree(tpl, os.path.join(home, "queue"), symlinks=True)
        if path == "flush":
            return home, (os.path.join(home, "ok.conf"),
                          ["-q", "--flush"], b"", None), True
        return home, (busy, ["-q"], b"", "+%d" % (LIFETIME + 10)), True

    def taken(self):
        return self.busy.files() | self.ok.files()

    def count(self, before):
        """(copies, marked copies, notices, marked notices) since before:
        the checks run one at a time, so what is new is this check's."""
        c = m = n = nm = 0
        for p in sorted(self.taken() - before):
            with open(p, "rb") as f:
                d = f.read()
            if b"Undelivered Mail Returned to Sender" in d:
                n += 1
                nm += DUP in d
            else:
                c += 1
                m += DUP in d
        return c, m, n, nm

    def check(self, path, tag, inject):
        """inject: (the syscall and what happens to it, its number)."""
        home, (conf, args, stdin, now), accepted = self.prepare(path, tag)
        before = self.taken()
        rc = self.outpost(home, conf, args, stdin, now,
                          ["-e", "inject=%s:when=%d" % inject])
        self.points += 1
        what = "%s, %s, call %d" % (path, inject[0], inject[1])
        c0 = self.count(before)[0]
        if path == "send" and rc == 0 and self.entries(home) == 0 and \
                c0 == 0:
            self.violations.append(what + ": exit 0 but no entry")
        accepted = accepted or rc == 0
        # a clean runner finishes the job (the hour lets the sweep run)
        ok = os.path.join(home, "ok.conf")
        later = "+%d" % (LIFETIME + 7200 if path == "expiry" else 7200)
        for _ in range(2):
            self.outpost(home, ok, ["-q", "--flush"], now=later)
            if self.entries(home) == 0:
                break
        c, m, n, nm = self.count(before)
        self.marked += m + nm
        if accepted and c == 0 and n == 0:
            self.violations.append(what + ": accepted, then lost "
                                   "(no copy, no notice)")
        if c - m > 1:
            self.violations.append(what + ": %d unmarked copies" % (c - m))
        if n - nm > 1:
            self.violations.append(what + ": %d unmarked notices"
                                   % (n - nm))
        if self.entries(home) != 0:
            self.violations.append(what + ": still queued after a clean "
                                   "flush")
        shutil.rmtree(home, ignore_errors=True)

    def calls(self, path, trace):
        """{syscall: invocations} of a clean run of path (trace set)."""
        home, (conf, args, stdin, now), _ = self.prepare(path, "count")
        log = os.path.join(home, "strace.log")
        cmd = ["strace", "-f", "-qq", "-o", log, "-e", "trace=" + trace,
               OUTPOST, "-C", conf] + args
        subprocess.run(cmd, input=stdin, env=self.env(home, now),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        n = collections.Counter()
        with open(log) as f:
            for line in f:
                m = re.match(r"^(?:\d+\s+)?(\w+)\(", line)
                if m and "resumed>" not in line:
                    n[m.group(1)] += 1
        shutil.rmtree(home, ignore_errors=True)
        return n

    def points_of(self, path, trace):
        """Every (syscall, k): the k-th call of that syscall, in order."""
        return [(name, k) for name, c in sorted(self.calls(path, trace)
                                               .items())
                for k in range(1, c + 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true",
                    help="every 7th point only (a smoke run)")
    a = ap.parse_args()
    if shutil.which("strace") is None or not os.path.exists(OUTPOST):
        print("crash-test: SKIP (needs strace and a built src/outpost)")
        return 0
    work = tempfile.mkdtemp(prefix="crash.", dir=os.path.join(
        BUILD, "tests"))
    r = Run(work)
    step = 7 if a.quick else 1
    t0 = time.monotonic()
    try:
        for path in ("send", "flush", "expiry"):
            every = r.points_of(path, "all")[::step]
            for name, k in every:
                r.check(path, path,
                        ("%s:signal=KILL" % name, k))
            files = r.points_of(path, FILE_CALLS)[::step]
            for err in ("EIO", "ENOSPC"):
                for name, k in files:
                    r.check(path, path,
                            ("%s:error=%s" % (name, err), k))
            print("crash-test: %s: %d system calls, %d file calls"
                  % (path, len(every) * step, len(files) * step))
    finally:
        r.busy.stop()
        r.ok.stop()
    print("crash-test: %d points tried in %.0f s, %d marked duplicates, "
          "%d violations" % (r.points, time.monotonic() - t0, r.marked,
                             len(r.violations)))
    for v in r.violations:
        print("crash-test: VIOLATION: " + v)
    if not r.violations:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if r.violations else 0


if __name__ == "__main__":
    sys.exit(main())
