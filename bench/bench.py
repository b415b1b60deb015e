#!/usr/bin/env python3
"""bench.py - outpost and msmtp side by side against the bundled test
smarthost (tests/integration/smtpd-script.py, test PKI), one run, one
markdown table on stdout.  Started by bench/run, which installs msmtp and
builds outpost first.

usage: bench.py --src SRCDIR --build BUILDDIR [--quick] [--only flush]

--only flush runs just the queue flush rows (loopback against the
scripted server and against bench/sink.py, a minimal sink that only
answers and counts, and +50 ms RTT through bench/delayproxy.py), as
bench/RESULTS.md says how they were regenerated.

Every figure is measured on the same work for both clients in the same
run: the same message, the same server, STARTTLS (or implicit TLS) with
certificate verification against the test CA, AUTH PLAIN.

Two setups are what users run rather than what is easy to measure:
  - the system trust store (no tls_trust_file): as root the whole
    benchmark re-runs itself in a private mount namespace (unshare -m)
    where a copy of the system bundle with the test CA appended is
    bind-mounted over it, so both clients load the system store through
    their own ordinary code path (GnuTLS's system trust for msmtp);
    without root or unshare these rows are left out, and say so;
  - a keyring-backed password: a real gnome-keyring-daemon on a private
    session bus (tests/integration/keyring.py), the item stored with
    secret-tool, found by both clients under host, service smtp, user.  Wall time,
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

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
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
                    "SIZE 314572800, AUTH PLAIN LOGIN\n")
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


class Sink(Server):
    """bench/sink.py: answers and counts, records nothing else."""

    def __init__(self, b, name):
        self.dir = os.path.join(b.work, name)
        os.makedirs(self.dir)
        ready = os.path.join(self.dir, "ready")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(b.src, "bench", "sink.py"),
             os.path.join(b.pki, "server.pem"),
             os.path.join(b.pki, "server.key"), ready],
            stdout=subprocess.DEVNULL)
        self.port = int(wait_file(ready))
        self.events = os.path.join(self.dir, "closes.jsonl")
        self.seen = 0

    def closes(self):
        out = []
        try:
            with open(self.events) as f:
                out = [json.loads(x) for x in f if x.strip()]
        except FileNotFoundError:
            pass
        new = out[self.seen:]
        self.seen = len(out)
        return new

    def data_files(self):
        return []


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
        self.system_bundle = args.system_bundle
        self.keyring = None
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
        self.q451 = None

    # ---- configuration ---------------------------------------------
    # trust: "file" (the test CA alone) or "system" (no trust file);
    # keyring: the password from the keyring instead of the file
    def conf_outpost(self, port, tls, name, trust="file", keyring=False):
        path = os.path.join(self.work, name + ".outpost.conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("[defaults]\naccount = bench\n\n[bench]\n"
                    "host = 127.0.0.1\nport = %d\ntls = %s\n"
                    "user = %s\nfrom = %s\n"
                    "domain = client.example.org\ntimeout = 30\n"
                    % (port, tls, USER, USER))
            if trust == "file":
                f.write("tls_trust_file = %s/ca.pem\n" % self.pki)
            f.write("keyring = on\n" if keyring else
                    "keyring = off\npassword = \"%s\"\n" % PASSWORD)
        return path

    def conf_msmtp(self, port, tls, name, trust="file", keyring=False):
        path = os.path.join(self.work, name + ".msmtprc")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("account bench\nhost 127.0.0.1\nport %d\ntls on\n"
                    "tls_starttls %s\nauth plain\nuser %s\nfrom %s\n"
                    "domain client.example.org\ntimeout 30\n"
                    % (port, "on" if tls == "starttls" else "off", USER,
                       USER))
            # no tls_trust_file: msmtp's default, GnuTLS's system trust
            if trust == "file":
                f.write("tls_trust_file %s/ca.pem\n" % self.pki)
            if not keyring:
                f.write("password %s\n" % PASSWORD)
            f.write("account default : bench\n")
        return path

    def conf(self, tool, port, name, trust="file", keyring=False):
        fn = self.conf_outpost if tool == "outpost" else self.conf_msmtp
        return fn(port, "starttls", name, trust, keyring)

    def argv(self, tool, conf):
        if tool == "outpost":
            return [self.outpost, "-C", conf, "-i", "-f", USER, RCPT]
        return [self.msmtp, "-C", conf, "-f", USER, RCPT]

    def env(self, keyring=False):
        e = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": self.home,
             "TMPDIR": os.path.join(self.home, "tmp"),
             "XDG_STATE_HOME": os.path.join(self.home, "state"),
             "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
             "XDG_CACHE_HOME": os.path.join(self.home, "cache")}
        if keyring:
            for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
                e[k] = self.keyring.env[k]
        return e

    # ---- one client run --------------------------------------------
    def run(self, argv, stdin_path, rss=False, keyring=False):
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
                                 env=self.env(keyring))
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

    def setup_latency(self, srv, n, trust, keyring):
        """Median and peak RSS over n sends of the small message with the
        trust store and password source given, both clients."""
        small = self.message(2048, "small.eml")
        res = {}
        for tool in ("outpost", "msmtp"):
            conf = self.conf(tool, srv.port, "setup", trust, keyring)
            runs = [self.run(self.argv(tool, conf), small, rss=True,
                             keyring=keyring) for _ in range(n)]
            srv.clean_data()
            res[tool] = (statistics.median(r[0] for r in runs) * 1000,
                         max(r[1] for r in runs))
        return res

    def start_keyring(self):
        """A real Secret Service with the benchmark's item, or None."""
        sys.path.insert(0, os.path.join(self.src, "tests", "integration"))
        import keyring
        if keyring.missing_tool() is not None:
            return "no %s" % keyring.missing_tool()
        self.keyring = keyring.Keyring(self.work)
        self.keyring.start()
        self.keyring.store("127.0.0.1", USER, PASSWORD)
        return None

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

    def big(self, srv, size, name, reps=3):
        msg = self.message(size, name)
        res = {}
        for tool in ("outpost", "msmtp"):
            conf = (self.conf_outpost if tool == "outpost" else
                    self.conf_msmtp)(srv.port, "starttls", "fast")
            runs = [self.run(self.argv(tool, conf), msg, rss=True)
                    for _ in range(reps)]
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

    def proxy(self, srv, ms):
        """A delayproxy.py adding ms of round-trip time in front of srv:
        its port."""
        ready = os.path.join(self.work, "proxy-%d-%d.ready" % (srv.port, ms))
        p = subprocess.Popen([sys.executable,
                              os.path.join(self.src, "bench",
                                           "delayproxy.py"),
                              "0", "127.0.0.1", str(srv.port), str(ms),
                              ready])
        self.procs.append(p)
        return int(wait_file(ready))

    def queue_flush(self, good, n, rtt_ms=0):
        """Queue one message against a 451 server, copy the entry until
        there are n, then time outpost -q --flush against a good one
        (through a delay proxy adding rtt_ms when not 0).  Returns msgs/s,
        the wall time, peak RSS and the server's waits (round trips) per
        message on the flush's connection."""
        if self.q451 is None:
            self.q451 = self.server("q451", "starttls",
                                    ["reply MAIL 451 4.3.0 later"])
        bad = self.q451
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
        port = good.port if rtt_ms == 0 else self.proxy(good, rtt_ms)
        conf = self.conf_outpost(port, "starttls", "q451")
        good.clean_data()
        good.closes()
        wall, rss, cpu = self.run([self.outpost, "-C", conf, "-q",
                                   "--flush"], "/dev/null", rss=True)
        left = [x for x in os.listdir(q) if x.endswith(".env")]
        got = good.wait_closes(1)
        delivered = (got[0].get("messages", len(good.data_files()))
                     if got else 0)
        good.clean_data()
        if left or delivered != n or len(got) != 1:
            die("queue flush: %d left, %d delivered, %d connections"
                % (len(left), delivered, len(got)))
        return n / wall, wall, rss, got[0]["waits"] / n, cpu * 1e6 / n

    def server(self, name, mode, extra=()):
        s = Server(self, name, mode, extra)
        self.servers.append(s)
        return s

    def cleanup(self):
        if self.keyring is not None:
            self.keyring.stop()
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
        self.notes = []

    def add(self, what, o, m, target, ok, fmt="%.1f"):
        ratio = "%.2f" % (o / m) if m else "-"
        verdict = "-" if ok is None else ("met" if ok else "**missed**")
        self.rows.append((what, fmt % o, fmt % m, ratio, target, verdict))

    def only(self, what, o, target, ok, fmt="%.1f"):
        verdict = "-" if ok is None else ("met" if ok else "**missed**")
        self.rows.append((what, fmt % o, "n/a", "-", target, verdict))

    def note(self, text):
        self.notes.append(text)

    def text(self):
        head = ("| Measure | outpost | msmtp | outpost/msmtp | Target | "
                "Verdict |\n|---|---:|---:|---:|---|---|\n")
        return (head + "".join("| %s |\n" % " | ".join(r)
                               for r in self.rows) +
                "".join("\n%s\n" % n for n in self.notes))


def measure(b, t):
    n_lat, n_w, n_rtt, n_seq, n_q, n_set = ((20, 5, 3, 50, 100, 10)
                                            if b.quick else
                                            (200, 20, 10, 500, 1000, 50))
    fast = b.server("fast", "starttls", ["flight-window 0.002"])
    w587 = b.server("w587", "starttls")
    w465 = b.server("w465", "implicit")
    mib6 = 6 * 1024

    r = b.latency(fast, n_lat)
    o, m = r["outpost"][0], r["msmtp"][0]
    t.add("Latency per message, STARTTLS + AUTH, one-certificate "
          "tls_trust_file, median of %d (ms)" % n_lat,
          o, m, "<= 0.3x", o <= 0.3 * m)
    o, m = r["outpost"][1], r["msmtp"][1]
    t.add("Latency per message, p90 of %d (ms)" % n_lat, o, m, "<= 0.3x",
          o <= 0.3 * m)

    # the three setups side by side, each timed through GNU time (RSS)
    rf = b.setup_latency(fast, n_set, "file", False)
    o, m = rf["outpost"][0], rf["msmtp"][0]
    t.add("Latency, one-certificate tls_trust_file, under GNU time, "
          "median of %d (ms)" % n_set, o, m, "-", None)
    if b.system_bundle is not None:
        rs = b.setup_latency(fast, n_set, "system", False)
        o, m = rs["outpost"][0], rs["msmtp"][0]
        t.add("Latency, system trust store (no tls_trust_file), median of "
              "%d (ms)" % n_set, o, m, "<= 0.5x", o <= 0.5 * m)
        ratio = o / rf["outpost"][0]
        t.only("Latency, outpost with the system store / with the "
               "one-certificate file (ratio of the medians above)", ratio,
               "<= 1.3", ratio <= 1.3, "%.2f")
        o, m = rs["outpost"][1], rs["msmtp"][1]
        t.add("Peak RSS, system trust store (KiB)", o, m, "-", None, "%d")
    else:
        t.note("System trust store rows: not measured (%s)"
               % b.no_system_why)
    why = b.start_keyring()
    if why is None:
        rk = b.setup_latency(fast, n_set, "file", True)
        o, m = rk["outpost"][0], rk["msmtp"][0]
        t.add("Latency, password from the keyring (gnome-keyring), "
              "median of %d (ms)" % n_set, o, m, "-", None)
        o, m = rk["outpost"][1], rk["msmtp"][1]
        t.add("Peak RSS, password from the keyring (KiB)", o, m, "-", None,
              "%d")
    else:
        t.note("Keyring rows: not measured (%s)" % why)

    r = b.waits(w587, "starttls", n_w)
    t.add("Server waits per message, 587 STARTTLS", r["outpost"],
          r["msmtp"], "<= 6", r["outpost"] <= 6)
    r = b.waits(w465, "implicit", n_w)
    t.add("Server waits per message, 465 implicit TLS", r["outpost"],
          r["msmtp"], "<= 4", r["outpost"] <= 4)
    r = b.rtt(fast, 50, n_rtt)
    t.add("Wall time per message, +50 ms RTT (user-space delay proxy), "
          "median of %d (ms)" % n_rtt, r["outpost"], r["msmtp"], "-", None)

    # peak RSS without a keyring, 2 KB to 200 MB: <= 0.7x, <= 6 MiB, flat
    base = rf["outpost"][1]
    o, m = rf["outpost"][1], rf["msmtp"][1]
    t.add("Peak RSS, 2 KB message (KiB)", o, m, "<= 0.7x, <= 6 MiB",
          o <= 0.7 * m and o <= mib6, "%d")
    r1 = b.big(fast, 1 << 20, "1mb.eml")
    r25 = b.big(fast, 25 << 20, "25mb.eml")
    r200 = b.big(fast, 200 << 20, "200mb.eml", 1)
    for size, r in (("1 MB", r1), ("25 MB", r25), ("200 MB", r200)):
        o, m = r["outpost"][0], r["msmtp"][0]
        t.add("Peak RSS, %s message (KiB)" % size, o, m,
              "<= 0.7x, <= 6 MiB, flat (<= 1.1x the 2 KB figure)",
              o <= 0.7 * m and o <= mib6 and o <= 1.1 * base, "%d")
    t.add("CPU time (user + sys), 1 MB message (ms)", r1["outpost"][1],
          r1["msmtp"][1], "-", None)
    t.add("CPU time (user + sys), 25 MB message (ms)", r25["outpost"][1],
          r25["msmtp"][1], "<= 0.08x", r25["outpost"][1] <= 0.08 *
          r25["msmtp"][1])
    t.add("CPU time (user + sys), 200 MB message, one run (ms)",
          r200["outpost"][1], r200["msmtp"][1], "-", None)
    r = b.sequential(fast, n_seq)
    t.add("%d sequential sends, total (s)" % n_seq, r["outpost"],
          r["msmtp"], "-", None, "%.2f")
    measure_flush(b, t)


def measure_flush(b, t):
    """The queue flush rows (bench.py --only flush runs just these)."""
    n_q, n_qrtt = (100, 40) if b.quick else (1000, 400)
    # the flush's server answers at once: the scripted server's flight
    # window is a wait of its own in every round trip
    qfast = b.server("qfast", "starttls", ["flight-window 0"])
    rate, wall, rss, rt, cpu = b.queue_flush(qfast, n_q)
    t.only("Queue flush of %d queued messages, one `outpost -q --flush` "
           "on loopback, scripted test server (msgs/s; %.2f s, peak RSS "
           "%d KiB, outpost CPU %.0f us per message)"
           % (n_q, wall, rss, cpu), rate, "-", None)
    sink = Sink(b, "sink")
    b.servers.append(sink)
    rate, wall, rss, rt, cpu = b.queue_flush(sink, n_q)
    t.only("Queue flush of %d queued messages, one `outpost -q --flush` "
           "on loopback, bench/sink.py (msgs/s; %.2f s, peak RSS %d KiB, "
           "outpost CPU %.0f us per message, %.3f server waits per "
           "message)" % (n_q, wall, rss, cpu, rt), rate, ">= 4000",
           rate >= 4000)
    rate, wall, rss, rt, cpu = b.queue_flush(sink, n_qrtt, 50)
    t.only("Queue flush of %d queued messages, +50 ms RTT (user-space "
           "delay proxy), bench/sink.py (msgs/s; %.2f s, %.3f server "
           "waits per message)" % (n_qrtt, wall, rt), rate,
           ">= 17 (one round trip per message)", rate >= 17)
    t.note("Queue flush rows: the load average was %.1f when they ended "
           "(os.getloadavg(); 2 CPUs)." % os.getloadavg()[0])


def namespace(args):
    """As root: re-run in a private mount namespace where the system
    bundle is a copy with the test CA appended (never returns), so that
    both clients' own system-store code reads it.  Else the reason why
    the system store rows are left out."""
    if args.system_bundle is not None:
        return None
    if os.geteuid() != 0:
        return "needs root for a private mount namespace"
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return "no unshare or mount"
    if not os.path.exists(SYSTEM_BUNDLE):
        return "no %s" % SYSTEM_BUNDLE
    d = tempfile.mkdtemp(prefix="outpost-bench-ca.")
    copy = os.path.join(d, "ca-certificates.crt")
    with open(copy, "wb") as out:
        for path in (SYSTEM_BUNDLE, os.path.join(
                os.path.abspath(args.build), "tests", "pki", "ca.pem")):
            with open(path, "rb") as f:
                out.write(f.read())
    os.chmod(d, 0o755)
    os.chmod(copy, 0o644)
    sys.stdout.flush()
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private",
                          sys.executable, os.path.abspath(__file__)] +
              sys.argv[1:] + ["--system-bundle", copy])
    return "unreachable"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true",
                    help="fewer repetitions (a smoke test, not for README)")
    ap.add_argument("--only", choices=("flush",),
                    help="only these rows (the queue flush)")
    ap.add_argument("--system-bundle", help=argparse.SUPPRESS)
    args = ap.parse_args()
    why = namespace(args) if args.only is None else "not measured (--only)"
    if args.system_bundle is not None:
        # inside the namespace: the copy over the system bundle
        r = subprocess.run(["mount", "--bind", args.system_bundle,
                            SYSTEM_BUNDLE], capture_output=True, text=True)
        shutil.rmtree(os.path.dirname(args.system_bundle),
                      ignore_errors=True)
        if r.returncode != 0:
            args.system_bundle = None
            why = "mount --bind failed: " + r.stderr.strip()
    b = Bench(args)
    b.no_system_why = why
    t = Table()
    try:
        if args.only == "flush":
            measure_flush(b, t)
        else:
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
