#!/usr/bin/env python3
"""bench.py - outpost and msmtp side by side against the bundled test
smarthost (tests/integration/smtpd-script.py, test PKI), one run, one
markdown table on stdout.  Started by bench/run, which installs msmtp and
builds outpost first.

usage: bench.py --src SRCDIR --build BUILDDIR [--quick]

Every figure is measured on the same work for both clients in the same
run: the same message, the same server, STARTTLS (or implicit TLS) with
certificate verification against the test CA, AUTH PLAIN.  Wall time,
peak RSS and CPU time come from wait4() on the client process.  "waits" is
the server's own count (events.jsonl, "close") of how often it had to
wait for the client: the round trips a client costs.
"""
import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

USER = "alice@example.com"
PASSWORD = "bench-pass"
RCPT = "bob@example.org"


def die(msg):
    print("bench: " + msg, file=sys.stderr)
    sys.exit(1)


class Server:
    """One smtpd-script.py process; its events.jsonl is read on demand."""

    def __init__(self, b, name, mode, extra=()):
        self.dir = os.path.join(b.work, name)
        os.makedirs(self.dir)
        script = os.path.join(self.dir, "script")
        with open(script, "w") as f:
            f.write("listener %s cert=good\n" % mode)
            f.write("capa PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, "
                    "SIZE 52428800, AUTH PLAIN LOGIN\n")
            f.write("auth %s %s\n" % (USER, PASSWORD))
            f.write("lifetime 7200\n")
            for line in extra:
                f.write(line + "\n")
        ready = os.path.join(self.dir, "ready")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(b.src, "tests", "integration",
                                          "smtpd-script.py"),
             "--script", script, "--dir", self.dir, "--ready", ready,
             "--pki", b.pki, "--lifetime", "7200"],
            stdout=subprocess.DEVNULL)
        self.port = int(wait_file(ready))
        self.events = os.path.join(self.dir, "events.jsonl")
        self.seen = 0

    def closes(self):
        """The "close" events not returned before."""
        out = []
        try:
            with open(self.events) as f:
                lines = f.readlines()
        except FileNotFoundError:
            return out
        for line in lines:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("ev") == "close":
                out.append(e)
        new = out[self.seen:]
        self.seen = len(out)
        return new

    def wait_closes(self, n):
        got, end = [], time.monotonic() + 10
        while len(got) < n and time.monotonic() < end:
            got += self.closes()
            time.sleep(0.02)
        return got

    def data_files(self):
        return [n for n in os.listdir(self.dir) if n.startswith("data-")]

    def clean_data(self):
        """Message copies the server kept: 25 MB each, not needed."""
        for n in self.data_files():
            os.unlink(os.path.join(self.dir, n))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def wait_file(path, secs=10):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                return f.read().strip()
        time.sleep(0.02)
    die("timed out waiting for " + path)


class Bench:
    def __init__(self, args):
        self.src = os.path.abspath(args.src)
        self.build = os.path.abspath(args.build)
        self.quick = args.quick
        self.pki = os.path.join(self.build, "tests", "pki")
        self.outpost = os.path.join(self.build, "src", "outpost")
        self.msmtp = shutil.which("msmtp")
        if self.msmtp is None:
            die("msmtp not found (bench/run installs it)")
        if not os.path.exists(self.outpost):
            die("no %s (bench/run builds it)" % self.outpost)
        self.work = tempfile.mkdtemp(prefix="outpost-bench.")
        self.home = os.path.join(self.work, "home")
        os.makedirs(os.path.join(self.home, "tmp"))
        self.servers = []
        self.procs = []

    # ---- configuration ---------------------------------------------
    def conf_outpost(self, port, tls, name):
        path = os.path.join(self.work, name + ".outpost.conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("[defaults]\naccount = bench\n\n[bench]\n"
                    "host = 127.0.0.1\nport = %d\ntls = %s\n"
                    "tls_trust_file = %s/ca.pem\nuser = %s\n"
                    "password = \"%s\"\nfrom = %s\n"
                    "domain = client.example.org\ntimeout = 30\n"
                    "keyring = off\n"
                    % (port, tls, self.pki, USER, PASSWORD, USER))
        return path

    def conf_msmtp(self, port, tls, name):
        path = os.path.join(self.work, name + ".msmtprc")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("account bench\nhost 127.0.0.1\nport %d\ntls on\n"
                    "tls_starttls %s\ntls_trust_file %s/ca.pem\n"
                    "auth plain\nuser %s\npassword %s\nfrom %s\n"
                    "domain client.example.org\ntimeout 30\n"
                    "account default : bench\n"
                    % (port, "on" if tls == "starttls" else "off",
                       self.pki, USER, PASSWORD, USER))
        return path

    def argv(self, tool, conf):
        if tool == "outpost":
            return [self.outpost, "-C", conf, "-i", "-f", USER, RCPT]
        return [self.msmtp, "-C", conf, "-f", USER, RCPT]

    def env(self):
        e = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": self.home,
             "TMPDIR": os.path.join(self.home, "tmp"),
             "XDG_STATE_HOME": os.path.join(self.home, "state"),
             "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
             "XDG_CACHE_HOME": os.path.join(self.home, "cache")}
        return e

    # ---- one client run --------------------------------------------
    def run(self, argv, stdin_path, rss=False):
        """(wall s, max RSS KiB or 0, CPU s); dies on a failed send.

        A child's ru_maxrss starts at the high-water mark of the process
        that forked it (this Python), so the peak RSS comes from GNU time
        (rss=True), a small process that forks the client itself.  wait4
        on time counts the client's CPU (time's own is negligible)."""
        err = tempfile.TemporaryFile()
        rssfile = os.path.join(self.work, "rss")
        if rss:
            argv = ["/usr/bin/time", "-f", "%M", "-o", rssfile] + argv
        with open(stdin_path, "rb") as inp:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdin=inp,
                                 stdout=subprocess.DEVNULL, stderr=err,
                                 env=self.env())
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            die("%s exited %d: %s" % (argv[0], p.returncode,
                                      err.read().decode(errors="replace")))
        maxrss = 0
        if rss:
            with open(rssfile) as f:
                maxrss = int(f.read().split()[-1])
            os.unlink(rssfile)
        return wall, maxrss, ru.ru_utime + ru.ru_stime

    def message(self, size, name):
        """A CRLF message of about size bytes, 76-column base64-ish."""
        path = os.path.join(self.work, name)
        line = (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                b"0123456789+/ABCDEFGHIJKL\r\n")
        head = ("From: Alice <%s>\r\nTo: Bob <%s>\r\nSubject: bench\r\n"
                "Date: Tue, 24 Nov 2026 12:00:00 +0000\r\n"
                "Message-ID: <bench.%s@client.example.org>\r\n\r\n"
                % (USER, RCPT, name)).encode()
        with open(path, "wb") as f:
            f.write(head)
            n = max(1, (size - len(head)) // len(line))
            for _ in range(n):
                f.write(line)
        return path

    # ---- the measurements --------------------------------------------
    def latency(self, srv, n):
        small = self.message(2048, "small.eml")
        res = {}
        for tool in ("outpost", "msmtp"):
            conf = (self.conf_outpost if tool == "outpost" else
                    self.conf_msmtp)(srv.port, "starttls", "fast")
            times = [self.run(self.argv(tool, conf), small)[0]
                     for _ in range(n)]
            times.sort()
            res[tool] = (statistics.median(times) * 1000,
                         times[min(n - 1, int(n * 0.9))] * 1000)
            srv.clean_data()
        return res

    def waits(self, srv, tls, n):
        small = self.message(2048, "small.eml")
        res = {}
        srv.closes()
        for tool in ("outpost", "msmtp"):
            conf = (self.conf_outpost if tool == "outpost" else
                    self.conf_msmtp)(srv.port, tls, "w" + tls)
            for _ in range(n):
                self.run(self.argv(tool, conf), small)
            got = srv.wait_closes(n)
            if len(got) != n:
                die("%s: %d connections closed, not %d" % (tool, len(got),
                                                           n))
            res[tool] = statistics.mean(e["waits"] for e in got)
            srv.clean_data()
        return res

    def rtt(self, srv, ms, n):
        small = self.message(2048, "small.eml")
        ready = os.path.join(self.work, "proxy.ready")
        p = subprocess.Popen([sys.executable,
                              os.path.join(self.src, "bench",
                                           "delayproxy.py"),
                              "0", "127.0.0.1", str(srv.port), str(ms),
                              ready])
        self.procs.append(p)
        port = int(wait_file(ready))
        res = {}
        for tool in ("outpost", "msmtp"):
            conf = (self.conf_outpost if tool == "outpost" else
                    self.conf_msmtp)(port, "starttls", "rtt")
            res[tool] = statistics.median(
                self.run(self.argv(tool, conf), small)[0]
                for _ in range(n)) * 1000
        srv.clean_data()
        return res

    def big(self, srv, size, name):
        msg = self.message(size, name)
        res = {}
        for tool in ("outpost", "msmtp"):
            conf = (self.conf_outpost if tool == "outpost" else
                    self.conf_msmtp)(srv.port, "starttls", "fast")
            runs = [self.run(self.argv(tool, conf), msg, rss=True)
                    for _ in range(3)]
            srv.clean_data()
            res[tool] = (max(r[1] for r in runs),
                         statistics.median(r[2] for r in runs) * 1000)
        os.unlink(msg)
        return res

    def sequential(self, srv, n):
        small = self.message(2048, "small.eml")
        res = {}
        for tool in ("outpost", "msmtp"):
            conf = (self.conf_outpost if tool == "outpost" else
                    self.conf_msmtp)(srv.port, "starttls", "fast")
            t0 = time.perf_counter()
            for i in range(n):
                self.run(self.argv(tool, conf), small)
                if i % 100 == 99:
                    srv.clean_data()
            res[tool] = time.perf_counter() - t0
        srv.clean_data()
        return res

    def queue_flush(self, good, n):
        """Queue one message against a 451 server, copy the entry until
        there are n, then time outpost -q --flush against a good one."""
        bad = self.server("q451", "starttls", ["reply MAIL 451 4.3.0 later"])
        small = self.message(2048, "small.eml")
        self.run(self.argv("outpost", self.conf_outpost(bad.port, "starttls",
                                                        "q451")), small)
        q = os.path.join(self.home, "state", "outpost", "queue", "q")
        ids = sorted(x[:-4] for x in os.listdir(q) if x.endswith(".env"))
        if len(ids) != 1:
            die("queue: %d entries after a 451, not 1" % len(ids))
        sys.path.insert(0, os.path.join(self.src, "tests", "integration"))
        from caselib import queue_clone
        queue_clone(q, ids[0], n)
        conf = self.conf_outpost(good.port, "starttls", "q451")
        good.clean_data()
        wall, rss, cpu = self.run([self.outpost, "-C", conf, "-q",
                                   "--flush"], "/dev/null", rss=True)
        left = [x for x in os.listdir(q) if x.endswith(".env")]
        delivered = len(good.data_files())
        good.clean_data()
        if left or delivered != n:
            die("queue flush: %d left, %d delivered" % (len(left),
                                                       delivered))
        return n / wall, wall, rss

    def server(self, name, mode, extra=()):
        s = Server(self, name, mode, extra)
        self.servers.append(s)
        return s

    def cleanup(self):
        for p in self.procs:
            p.terminate()
            p.wait()
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/etc/debian_version") as f:
            deb = "Debian " + f.read().strip()
    except OSError:
        deb = platform.platform()
    return "%s, %d CPUs, %d MiB RAM, Linux %s, %s" % (
        cpu, os.cpu_count() or 0, mem, platform.release(), deb)


def versions(b):
    out = subprocess.run([b.msmtp, "--version"], capture_output=True,
                         text=True).stdout.splitlines()
    return out[0] if out else "msmtp"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, what, o, m, target, ok, fmt="%.1f"):
        ratio = "%.2f" % (o / m) if m else "-"
        verdict = "-" if ok is None else ("met" if ok else "**missed**")
        self.rows.append((what, fmt % o, fmt % m, ratio, target, verdict))

    def only(self, what, o, target, ok, fmt="%.1f"):
        verdict = "-" if ok is None else ("met" if ok else "**missed**")
        self.rows.append((what, fmt % o, "n/a", "-", target, verdict))

    def text(self):
        head = ("| Measure | outpost | msmtp | outpost/msmtp | Target | "
                "Verdict |\n|---|---:|---:|---:|---|---|\n")
        return head + "".join("| %s |\n" % " | ".join(r) for r in self.rows)


def measure(b, t):
    n_lat, n_w, n_rtt, n_seq, n_q = ((20, 5, 3, 50, 100) if b.quick else
                                     (200, 20, 10, 500, 1000))
    fast = b.server("fast", "starttls", ["flight-window 0.002"])
    w587 = b.server("w587", "starttls")
    w465 = b.server("w465", "implicit")

    r = b.latency(fast, n_lat)
    o, m = r["outpost"][0], r["msmtp"][0]
    t.add("Latency per message, STARTTLS + AUTH, median of %d (ms)" % n_lat,
          o, m, "<= 0.3x", o <= 0.3 * m)
    o, m = r["outpost"][1], r["msmtp"][1]
    t.add("Latency per message, p90 of %d (ms)" % n_lat, o, m, "<= 0.3x",
          o <= 0.3 * m)
    r = b.waits(w587, "starttls", n_w)
    t.add("Server waits per message, 587 STARTTLS", r["outpost"],
          r["msmtp"], "<= 6", r["outpost"] <= 6)
    r = b.waits(w465, "implicit", n_w)
    t.add("Server waits per message, 465 implicit TLS", r["outpost"],
          r["msmtp"], "<= 4", r["outpost"] <= 4)
    r = b.rtt(fast, 50, n_rtt)
    t.add("Wall time per message, +50 ms RTT (user-space delay proxy), "
          "median of %d (ms)" % n_rtt, r["outpost"], r["msmtp"], "-", None)
    r1 = b.big(fast, 1 << 20, "1mb.eml")
    r25 = b.big(fast, 25 << 20, "25mb.eml")
    flat = r25["outpost"][0] <= 1.1 * r1["outpost"][0]
    t.add("Peak RSS, 1 MB message (KiB)", r1["outpost"][0], r1["msmtp"][0],
          "<= 1.0x", r1["outpost"][0] <= r1["msmtp"][0], "%d")
    t.add("Peak RSS, 25 MB message (KiB)", r25["outpost"][0],
          r25["msmtp"][0], "<= 1.0x, flat (<= 1.1x the 1 MB figure)",
          r25["outpost"][0] <= r25["msmtp"][0] and flat, "%d")
    t.add("CPU time (user + sys), 1 MB message (ms)", r1["outpost"][1],
          r1["msmtp"][1], "-", None)
    t.add("CPU time (user + sys), 25 MB message (ms)", r25["outpost"][1],
          r25["msmtp"][1], "<= 0.8x", r25["outpost"][1] <= 0.8 *
          r25["msmtp"][1])
    r = b.sequential(fast, n_seq)
    t.add("%d sequential sends, total (s)" % n_seq, r["outpost"],
          r["msmtp"], "-", None, "%.2f")
    rate, wall, rss = b.queue_flush(fast, n_q)
    t.only("Queue flush of %d queued messages, one `outpost -q --flush` "
           "(msgs/s; %.2f s, peak RSS %d KiB)" % (n_q, wall, rss), rate,
           "-", None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true",
                    help="fewer repetitions (a smoke test, not for README)")
    b = Bench(ap.parse_args())
    t = Table()
    try:
        measure(b, t)
    finally:
        b.cleanup()
    print("Measured %s UTC on %s; %s, outpost %s." % (
        time.strftime("%Y-%m-%d %H:%M", time.gmtime()), machine(),
        versions(b), subprocess.run(
            ["git", "-C", b.src, "describe", "--always", "--dirty"],
            capture_output=True, text=True).stdout.strip() or "(no git)"))
    print()
    print(t.text(), end="")


if __name__ == "__main__":
    main()
