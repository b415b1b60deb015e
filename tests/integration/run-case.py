#!/usr/bin/python3
"""run-case.py CASE - run one integration case of outpost and print TAP.

Environment (set by the Makefile's AM_TESTS_ENVIRONMENT): top_builddir and
top_srcdir (absolute).  The program under test is $top_builddir/src/outpost;
the test PKI is $top_builddir/tests/pki (made by gen-pki.sh).

Steps: parse the case (sections [server] [config] [client] [expect], see
README), start smtpd-script.py on an ephemeral port, write a 0600 config
pointing at it, run outpost under a hard timeout with the case's arguments,
stdin and environment, wait for the server to see every connection close,
then check every [expect] line plus the checks made for every case:
  - the case asserts the exit code;
  - outpost did not die by a signal and did not hit the hard timeout;
  - no secret on stdout or stderr: the configured password, base64 of it,
    base64 of "\\0user\\0password", and every AUTH argument and SASL
    response that the server saw on the wire;
  - none of these secrets in a file left under HOME or TMPDIR, and
    TMPDIR empty after exit;
  - the server saw no protocol violation (pipelining without PIPELINING,
    a command after one that must end a group, bytes before the greeting
    or before the TLS handshake, parameters not advertised, bare LF...);
  - with tls = starttls or implicit: no AUTH, MAIL, RCPT, DATA or SASL
    response in cleartext.
Prints "1..0 # SKIP reason" when outpost is not built, when openssl (the
PKI) is missing for a TLS case, or when the case needs IPv6 and ::1 does
not work.  Exit status 0 when every assertion passed, else 1.  The work
directory ($top_builddir/tests/work/CASE.*) is removed on success and kept
(its path printed) on failure or with KEEP_WORK=1.
"""

import base64
import fcntl
import fnmatch
import http.client
import json
import os
import pty
import re
import resource
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import termios
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keyring  # noqa: E402  (tests/integration/keyring.py)
from caselib import cert_pins, queue_clone, unescape  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ("server", "config", "client", "expect")
DEFAULT_USER = "alice@example.com"
DEFAULT_PASSWORD = '"s3cr3t-P@ss word"'
KEYRING_STATES = ("locked", "hung", "no-service", "stalled-bus")
CLEARTEXT_FORBIDDEN = ("AUTH", "MAIL", "RCPT", "DATA", "<REDACTED>")


def unquote_cfg(v):
    """A config value as outpost reads it: "..." with \\" and \\\\."""
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return re.sub(r'\\(["\\])', r"\1", v[1:-1])
    return v


def free_port():
    """A loopback port nothing listens on right now (for --port N)."""
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


class Case:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.sec = {k: [] for k in SECTIONS}
        self.desc = ""
        cur = None
        with open(path, encoding="utf-8") as f:
            for lineno, raw in enumerate(f, 1):
                line = raw.rstrip("\n")
                s = line.strip()
                if s.startswith("#") or s == "":
                    if cur is None and s.startswith("#") and not self.desc:
                        self.desc = s.lstrip("# ").strip()
                    continue
                m = re.fullmatch(r"\[(\w+)\]", s)
                if m:
                    if m.group(1) not in SECTIONS:
                        raise SystemExit("%s:%d: unknown section [%s]"
                                         % (path, lineno, m.group(1)))
                    cur = m.group(1)
                    continue
                if cur is None:
                    raise SystemExit("%s:%d: text outside a section"
                                     % (path, lineno))
                self.sec[cur].append((lineno, s))

    def listener(self):
        mode, host = "starttls", "127.0.0.1"
        for _, s in self.sec["server"]:
            w = s.split()
            if w[0] == "listener":
                mode = w[1]
                for opt in w[2:]:
                    if opt.startswith("host="):
                        host = opt[5:]
        return mode, host


class Skip(Exception):
    pass


def generate_message(f, size, eightbit=False):
    """Write a deterministic CRLF message of exactly size bytes to f, with
    Date and Message-ID (so nothing is added) and some lines starting with
    '.'.  Written in chunks: the runner's own peak RSS must stay small,
    because a child created by fork/vfork + exec inherits the parent's
    high-water mark into its ru_maxrss."""
    head = ("From: Alice <alice@example.com>\r\n"
            "To: bob@example.org\r\n"
            "Subject: generated message of %d bytes\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            "Message-ID: <generated.%d@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: %s\r\n\r\n"
            % (size, size, "8bit" if eightbit else "7bit")).encode()
    filler = ("\u00e4\u00f6\u00fc-" if eightbit else "abcd-").encode() * 20
    out = bytearray(head[:size])
    left = size - len(out)
    n = 0
    while left > 0:
        n += 1
        lead = b"." if n % 50 == 0 else b""
        line = (lead + b"line %08d " % n + filler)[:74] + b"\r\n"
        if len(line) >= left:
            line = line[:left]
            if left >= 2:
                line = line[:-2] + b"\r\n"
        out += line
        left -= len(line)
        if len(out) >= 65536:
            f.write(out)
            out = bytearray()
    f.write(out)


RSS_FLOOR_SLACK_KB = 2048


class Runner:
    def __init__(self, case_path):
        self.case = Case(case_path)
        self.build = os.environ.get("top_builddir") or os.getcwd()
        self.src = os.environ.get("top_srcdir") or os.path.dirname(
            os.path.dirname(HERE))
        self.build = os.path.abspath(self.build)
        self.src = os.path.abspath(self.src)
        self.binary = os.path.join(self.build, "src", "outpost")
        self.pki = os.path.join(self.build, "tests", "pki")
        self.results = []
        self.diag = []
        self.server = None
        self.vars = {}
        self.extra_ports = {}

    # ---- helpers ---------------------------------------------------------
    def subst(self, s):
        for k, v in self.vars.items():
            s = s.replace("@%s@" % k, v)
        return s

    def ok(self, cond, desc, diag=None):
        self.results.append((bool(cond), desc, None))
        if not cond and diag:
            for line in str(diag).splitlines()[:40]:
                self.diag.append("  " + line)

    def skip_line(self, desc, why):
        self.results.append((True, desc, why))

    def srcfile(self, ref):
        ref = ref[1:] if ref.startswith("@") else ref
        if ref == "stdin":
            with open(self.stdin_path, "rb") as f:
                return f.read()
        with open(os.path.join(HERE, ref), "rb") as f:
            return f.read()

    # ---- setup -----------------------------------------------------------
    def preflight(self):
        if not os.access(self.binary, os.X_OK):
            raise Skip("outpost not built")
        self.netns_enter()
        self.mntns_enter()
        if any(s.split()[0] in ("keyring-store", "keyring-start",
                                "keyring-state", "keyring-store-service")
               for _, s in self.case.sec["client"]):
            tool = keyring.missing_tool()
            if tool is not None:
                raise Skip("no %s for a test keyring" % tool)
        mode, host = self.case.listener()
        needs_pki = mode != "plain" or any(
            "@PKI@" in s for sec in ("config", "client")
            for _, s in self.case.sec[sec])
        for _, s in self.case.sec["client"]:
            if s.split()[0] == "require" and "ipv6" in s.split()[1:]:
                host = "::1" if ":" not in host else host
            if s.split()[0] == "require" and \
                    "test-hooks" in s.split()[1:] and not self.test_hooks():
                raise Skip("outpost built without --enable-test-hooks")
            if s.split()[0] == "require" and s.split()[1:2] == ["program"]:
                for prog in s.split()[2:]:
                    if shutil.which(prog) is None:
                        raise Skip("%s is not installed" % prog)
            if s.split()[0] == "require" and s.split()[1:2] == ["probe"]:
                probe = s.split(None, 2)[2]
                try:
                    r = subprocess.run(["sh", "-c", probe],
                                       stdin=subprocess.DEVNULL,
                                       capture_output=True, timeout=10)
                    found = r.returncode == 0
                except subprocess.TimeoutExpired:
                    found = False
                if not found:
                    raise Skip("not available: %s" % probe)
            if s.split()[0] == "require" and "localhost" in s.split()[1:]:
                try:
                    socket.getaddrinfo("localhost", 25)
                except OSError:
                    raise Skip("the name localhost does not resolve here")
        if ":" in host:
            try:
                t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                t.bind(("::1", 0))
                t.close()
            except OSError:
                raise Skip("no IPv6 loopback (::1)")
        if needs_pki:
            self.ensure_pki()

    def test_hooks(self):
        try:
            with open(os.path.join(self.build, "config.h")) as f:
                return "#define OUTPOST_TEST_HOOKS 1" in f.read()
        except OSError:
            return False
    def blackholes(self):
        return [s.split()[1] for _, s in self.case.sec["server"]
                if s.split()[0] == "listener-extra" and
                s.split()[2:3] == ["blackhole"]]

    def mntns_enter(self):
        """A case with tiny-fs runs in a private mount namespace (unshare
        -m, as root), where the runner can mount a small tmpfs; elsewhere
        it is skipped."""
        if not any(s.split()[0] == "tiny-fs"
                   for _, s in self.case.sec["client"]):
            return
        if os.environ.get("RUN_CASE_MNTNS"):
            return
        if os.geteuid() != 0 or not shutil.which("unshare"):
            raise Skip("a full file system needs root and unshare (a "
                       "private mount namespace with a small tmpfs)")
        # a chroot or container may refuse it: find out before exec
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(["unshare", "-m", "--propagation", "private",
                                "mount", "-t", "tmpfs", "-o", "size=16k",
                                "tmpfs", d], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            raise Skip("no private mount namespace with a tmpfs here "
                       "(unshare -m or mount refused)")
        env = dict(os.environ, RUN_CASE_MNTNS="1")
        sys.stdout.flush()
        os.execvpe("unshare", ["unshare", "-m", "--propagation", "private",
                               sys.executable, os.path.abspath(__file__),
                               self.case.path], env)

    def netns_enter(self):
        """A case with a blackhole listener runs in a private network
        namespace (unshare -n, as root, with nft), where the runner can
        drop the SYNs to that port; elsewhere it is skipped."""
        if not self.blackholes():
            return
        if os.environ.get("RUN_CASE_NETNS"):
            r = subprocess.run(["ip", "link", "set", "lo", "up"])
            if r.returncode != 0:
                raise RuntimeError("ip link set lo up failed")
            return
        tools = [t for t in ("unshare", "nft", "ip") if not shutil.which(t)]
        if os.geteuid() != 0 or tools:
            raise Skip("a blackholed port needs root, unshare, ip and nft "
                       "(a network namespace with a DROP rule)%s"
                       % (": missing " + " ".join(tools) if tools else ""))
        env = dict(os.environ, RUN_CASE_NETNS="1")
        sys.stdout.flush()
        os.execvpe("unshare", ["unshare", "-n", sys.executable,
                               os.path.abspath(__file__), self.case.path],
                   env)

    def blackhole_ports(self):
        names = self.blackholes()
        if not names:
            return
        ports = ", ".join(self.extra_ports[n] for n in names)
        for cmd in (["nft", "add table inet runcase"],
                    ["nft", "add chain inet runcase in { type filter hook "
                     "input priority 0; }"],
                    ["nft", "add rule inet runcase in tcp dport { %s } drop"
                     % ports]):
            r = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise RuntimeError("%s: %s" % (" ".join(cmd),
                                               r.stdout.decode()[:200]))

    def ensure_pki(self):
        if not os.path.exists(os.path.join(self.pki, "ca.pem")) and \
                not os.path.exists(os.path.join(self.pki, "NO-OPENSSL")):
            lockdir = os.path.join(self.build, "tests", "work")
            os.makedirs(lockdir, exist_ok=True)
            with open(os.path.join(lockdir, "pki.lock"), "w") as lk:
                fcntl.flock(lk, fcntl.LOCK_EX)
                if not os.path.exists(os.path.join(self.pki, "ca.pem")):
                    subprocess.run(["sh", os.path.join(HERE, "gen-pki.sh"),
                                    self.pki], check=False)
        if os.path.exists(os.path.join(self.pki, "NO-OPENSSL")):
            raise Skip("no openssl (no test PKI)")
        if not os.path.exists(os.path.join(self.pki, "ca.pem")):
            raise Skip("no test PKI in %s" % self.pki)

    def start_server(self):
        script = os.path.join(self.work, "server.script")
        with open(script, "w", encoding="utf-8") as f:
            for _, s in self.case.sec["server"]:
                f.write(s + "\n")
        self.rec = os.path.join(self.work, "server")
        os.mkdir(self.rec)
        ready = os.path.join(self.work, "ready")
        log = open(os.path.join(self.work, "server.log"), "wb")
        self.server = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "smtpd-script.py"),
             "--script", script, "--dir", self.rec, "--ready", ready,
             "--pki", self.pki], stdout=log, stderr=log,
            stdin=subprocess.DEVNULL)
        log.close()
        end = time.monotonic() + 10
        while time.monotonic() < end:
            if os.path.exists(ready):
                with open(ready) as f:
                    lines = f.read().split("\n")
                # listener-extra ports: "NAME PORT" after the main one
                self.extra_ports = dict(
                    ln.split() for ln in lines[1:] if ln.strip())
                return int(lines[0])
            if self.server.poll() is not None:
                break
            time.sleep(0.02)
        with open(os.path.join(self.work, "server.log"), errors="replace") as f:
            raise RuntimeError("server did not start:\n" + f.read())

    def pin_vars(self):
        """@PIN_cert@, @MSMTP_PIN_cert@, @SPKI_cert@ and @SHA1_cert@ for
        each server certificate of the test PKI (caselib.cert_pins),
        cert as in listener cert=NAME."""
        files = {"good": "server", "expired": "expired",
                 "wronghost": "wronghost", "selfsigned": "selfsigned"}
        for name, base in files.items():
            path = os.path.join(self.pki, base + ".pem")
            if not os.path.exists(path):
                continue
            for k, v in cert_pins(path).items():
                self.vars["%s_%s" % (k, name)] = v

    def write_config(self):
        mode, host = self.case.listener()
        keys = [("host", host), ("port", self.vars["PORT"]),
                ("tls", {"plain": "off"}.get(mode, mode))]
        if mode != "plain":
            keys += [("tls_trust_file", self.vars["PKI"] + "/ca.pem"),
                     ("auth", "on"), ("user", DEFAULT_USER),
                     ("password", DEFAULT_PASSWORD)]
        else:
            keys += [("auth", "off")]
        keys += [("from", DEFAULT_USER), ("domain", "client.example.org"),
                 ("timeout", "10"), ("keyring", "off")]
        cfg = dict(keys)
        order = [k for k, _ in keys]
        raw, fmode, empty = [], 0o600, False
        example, explicit, unsets = None, {}, []
        for _, s in self.case.sec["config"]:
            s = self.subst(s)
            word, _, rest = s.partition(" ")
            if word == "example":
                example = rest.split()
            elif word == "raw":
                raw.append(rest)
            elif word == "mode":
                fmode = int(rest, 8)
            elif word == "empty":
                empty = True
            elif word == "unset":
                for k in rest.split():
                    cfg.pop(k, None)
                    unsets.append(k)
            elif "=" in s:
                k, _, v = s.partition("=")
                k, v = k.strip(), v.strip()
                explicit[k] = v
                if k not in order:
                    order.append(k)
                cfg[k] = v
            else:
                raise SystemExit("%s: bad [config] line %r"
                                 % (self.case.name, s))
        lines = []
        if example is not None:
            lines += self.example_lines(example, mode, host, explicit,
                                        unsets)
            empty = True
        if not empty:
            lines += ["# generated by run-case.py for " + self.case.name,
                      "[defaults]", "account = test", "", "[test]"]
            lines += ["%s = %s" % (k, cfg[k]) for k in order if k in cfg]
        lines += raw
        text = "\n".join(lines) + "\n"
        self.cfg_path = os.path.join(self.work, "outpost.conf")
        fd = os.open(self.cfg_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(self.cfg_path, fmode)
        self.cfg_text = text
        self.tls_mode = "off"
        self.passwords = []
        self.user = DEFAULT_USER
        for line in text.splitlines():
            k, eq, v = line.partition("=")
            if not eq:
                continue
            k = k.strip()
            if k in ("password", "proxy_password"):
                self.passwords.append(unquote_cfg(v))
            elif k == "user":
                self.user = unquote_cfg(v)
            elif k == "tls":
                self.tls_mode = unquote_cfg(v)
        if getattr(self, "example_tls", "plain") != "plain":
            self.tls_mode = self.example_tls    # the example's default

    def example_lines(self, example, mode, host, explicit, unsets):
        """[config] example FILE SECTION: FILE (from the source tree) as
        is, but in SECTION host and port point to the test server, TLS
        trusts the test CA, the case's KEY = VALUE lines replace or join
        its keys and its unset keys go."""
        path, section = example
        over = {"host": host, "port": self.vars["PORT"]}
        if mode != "plain":
            over["tls_trust_file"] = self.vars["PKI"] + "/ca.pem"
        over.update(explicit)
        out, cur, left = [], None, dict(over)

        def flush():
            if cur == section:
                out.extend("%s = %s" % kv for kv in left.items())
                left.clear()
        with open(os.path.join(self.src, path), encoding="utf-8") as f:
            for line in f.read().splitlines():
                st = line.strip()
                if st.startswith("["):
                    flush()
                    cur = st[1:st.index("]")]
                    out.append(line)
                    continue
                k, eq, _ = st.partition("=")
                k = k.strip()
                if cur == section and eq and not st.startswith(("#", ";")):
                    if k in unsets:
                        continue
                    if k in over:
                        line = "%s = %s" % (k, over[k])
                        left.pop(k, None)
                out.append(line)
        flush()
        if section not in [ln.strip()[1:-1] for ln in out
                           if ln.strip().startswith("[")]:
            raise SystemExit("%s: no section [%s] in %s"
                             % (self.case.name, section, path))
        self.example_tls = mode
        return out

    def client_setup(self):
        self.args, self.env_add, self.env_del = [], {}, []
        self.timeout = 20.0
        self.use_config = True
        self.argv0 = None
        self.close_fds = []
        self.keyring_items = []
        self.thens = []
        self.queue_clone = 0
        self.parallel = 1
        self.keyring_on = False
        self.keyring_state = None
        self.then_args = None
        self.then_stdin = b""
        self.tty_input = None
        self.kill_after = None
        self.then_kills = {}
        self.config_fd = None
        self.run_cmd = None
        self.browser = None
        self.paste = None
        stdin, gen = b"", None
        for _, s in self.case.sec["client"]:
            s = self.subst(s)
            word, _, rest = s.partition(" ")
            if word == "args":
                self.args += [unescape(a) for a in shlex.split(rest)]
            elif word == "stdin":
                stdin = self.srcfile(rest.strip())
            elif word == "stdin-text":
                stdin = unescape(rest)
            elif word == "stdin-generate":
                w = rest.split()
                gen = (int(w[0]), "8bit" in w[1:])
            elif word == "env":
                k, _, v = rest.partition("=")
                self.env_add[k] = v
            elif word == "env-unset":
                self.env_del.append(rest.strip())
            elif word == "timeout":
                self.timeout = float(rest)
            elif word == "config-fd":
                self.config_fd = int(rest)
            elif word == "no-config":
                self.use_config = False
            elif word == "keyring-store":
                h, u, pw = rest.split(" ", 2)
                self.keyring_items.append((h, u, unquote_cfg(pw)))
                self.passwords.append(unquote_cfg(pw))
            elif word == "keyring-store-service":
                h, sv, u, pw = rest.split(" ", 3)
                self.keyring_items.append((h, u, unquote_cfg(pw), sv))
                self.passwords.append(unquote_cfg(pw))
            elif word == "keyring-start":
                self.keyring_on = True
            elif word == "keyring-state":
                self.keyring_state = rest.strip()
                if self.keyring_state not in KEYRING_STATES:
                    raise SystemExit("%s: bad keyring-state %r"
                                     % (self.case.name, rest))
            elif word in ("write-file", "write-file-public"):
                name, mode, text = (rest.split(" ", 2) + [""])[:3]
                data = unescape(text)
                fpath = os.path.join(self.work, name)
                os.makedirs(os.path.dirname(fpath), mode=0o700,
                            exist_ok=True)
                fd = os.open(fpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o600)
                os.write(fd, data)
                os.close(fd)
                os.chmod(fpath, int(mode, 8))
                first = data.split(b"\n")[0].rstrip(b"\r")
                if word == "write-file":
                    self.passwords.append(first.decode("utf-8",
                                                       "surrogateescape"))
            elif word == "symlink":
                name, target = rest.split()
                lpath = os.path.join(self.work, name)
                os.makedirs(os.path.dirname(lpath), mode=0o700,
                            exist_ok=True)
                os.symlink(target, lpath)
            elif word == "then-args":
                self.then_args = (self.then_args or []) + \
                    [unescape(a) for a in shlex.split(rest)]
            elif word == "stdin-tty":
                self.tty_input = unescape(rest)
            elif word == "stdin-tty-signal":
                self.tty_input = getattr(signal, "SIG" + rest.strip().upper())
            elif word == "then-stdin-text":
                self.then_stdin = unescape(rest)
            elif word == "kill-after":
                secs, sig = rest.split()
                self.kill_after = (float(secs),
                                   getattr(signal, "SIG" + sig.upper()))
            elif word == "then-kill-after":
                # the signal for the "then" run just above
                secs, sig = rest.split()
                self.then_kills[len(self.thens) - 1] = (
                    float(secs), getattr(signal, "SIG" + sig.upper()))
            elif word == "close-fd":
                self.close_fds.append(int(rest))
            elif word == "argv0":
                self.argv0 = rest.strip()
            elif word == "require":
                pass
            elif word == "run":
                self.run_cmd = [unescape(a) for a in shlex.split(rest)]
            elif word == "oauth-server":
                self.passwords += self.oauth_secrets
            elif word == "api-server":
                self.passwords += self.api_secrets
            elif word == "socks5-proxy":
                self.passwords += self.proxy_secrets
            elif word == "oauth-browser":
                self.browser = rest.split()
            elif word == "oauth-paste":
                self.paste = rest.split()
            elif word == "file":
                path, fmode, content = (rest.split(" ", 2) + [""])[:3]
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(unescape(content))
                os.chmod(path, int(fmode, 8))
            elif word == "then":
                # a further run after the first: [K=V ...] ARGS
                w = [unescape(a) for a in shlex.split(rest)]
                env = {}
                while w and re.match(rb"^[A-Z_]+=", w[0]):
                    k, _, v = w.pop(0).decode().partition("=")
                    env[k] = v
                self.thens.append((env, w, 1))
            elif word == "then-parallel":
                # K copies of a further run at once: K [K=V ...] ARGS
                w = [unescape(a) for a in shlex.split(rest)]
                k = int(w.pop(0))
                env = {}
                while w and re.match(rb"^[A-Z_]+=", w[0]):
                    kk, _, v = w.pop(0).decode().partition("=")
                    env[kk] = v
                self.thens.append((env, w, k))
            elif word == "tiny-fs":
                # NAME SIZE: a tmpfs of SIZE at @WORK@/NAME (mntns_enter)
                name, size = rest.split()
                path = os.path.join(self.work, name)
                os.makedirs(path, mode=0o700)
                subprocess.run(["mount", "-t", "tmpfs", "-o",
                                "size=%s,mode=0700" % size, "tmpfs", path],
                               check=True)
            elif word == "queue-clone":
                self.queue_clone = int(rest)
            else:
                raise SystemExit("%s: bad [client] line %r"
                                 % (self.case.name, s))
        self.stdin_path = os.path.join(self.work, "stdin")
        with open(self.stdin_path, "wb") as f:
            if gen is not None:
                generate_message(f, *gen)
            else:
                f.write(stdin)

    def run_outpost(self):
        env = dict(os.environ)
        home = os.path.join(self.work, "home")
        for d in ("home", "home/.config", "home/.local/state", "tmp"):
            os.makedirs(os.path.join(self.work, d), mode=0o700, exist_ok=True)
        for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY"):
            env.pop(k, None)
        env.update(HOME=home, XDG_CONFIG_HOME=home + "/.config",
                   XDG_STATE_HOME=home + "/.local/state",
                   XDG_CACHE_HOME=home + "/.cache",
                   TMPDIR=os.path.join(self.work, "tmp"), LC_ALL="C")
        if self.keyring_items or self.keyring_on or self.keyring_state:
            if self.keyring is None:
                self.keyring_setup()
        if self.keyring is not None:
            for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
                env[k] = self.keyring.env[k]
        env.update(self.env_add)
        for k in self.env_del:
            env.pop(k, None)
        self.run_env = env
        argv = [self.argv0 or self.binary]
        actions = []
        exe = self.binary
        if self.run_cmd is not None:
            exe, argv = self.caller_setup(env), [self.run_cmd[0]]
        elif self.config_fd is not None:
            # -C /dev/fd/N of a private file that is already deleted
            fd0 = os.open(self.cfg_path, os.O_RDONLY)
            cfd = fcntl.fcntl(fd0, fcntl.F_DUPFD_CLOEXEC, 10)  # never N
            os.close(fd0)
            os.unlink(self.cfg_path)
            actions.append((os.POSIX_SPAWN_DUP2, cfd, self.config_fd))
            argv += [b"-C", b"/dev/fd/%d" % self.config_fd]
        elif self.use_config:
            argv += [b"-C", self.cfg_path.encode()]
        argv += self.args
        self.argv = argv
        out = os.open(os.path.join(self.work, "stdout"),
                      os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(os.path.join(self.work, "stderr"),
                      os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        inp = os.open(self.stdin_path, os.O_RDONLY)
        extra = []
        for i in range(self.parallel - 1):
            with open(self.stdin_path, "rb") as fin, \
                    open(os.path.join(self.work, "stderr.%d" % i), "wb") \
                    as ferr:
                extra.append(subprocess.Popen(argv, executable=self.binary,
                                              env=env, stdin=fin,
                                              stdout=subprocess.DEVNULL,
                                              stderr=ferr))
        self.tty = None
        if self.tty_input is not None:
            # stdin-tty: a pseudo-terminal; the slave stays open here so
            # that its mode can be read after outpost exits
            os.close(inp)
            master, inp = pty.openpty()
            self.tty = [master, os.dup(inp), b""]
        # a spawned child's ru_maxrss starts at the parent's high-water
        # mark: remember that floor, and sample the child's own VmHWM
        self.floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.hwm = 0
        t0 = time.monotonic()
        if self.browser is not None:
            threading.Thread(target=self.play_browser, daemon=True).start()
        if self.paste is not None:
            inp = self.paste_setup(inp)
        closes = [(os.POSIX_SPAWN_CLOSE, fd) for fd in self.close_fds]
        cwd = os.getcwd()
        if self.run_cmd is not None:
            os.chdir(self.work)     # a caller's files stay in the case
        pid = os.posix_spawn(exe, argv, env, setsid=True,
                             file_actions=[(os.POSIX_SPAWN_DUP2, inp, 0),
                                           (os.POSIX_SPAWN_DUP2, out, 1),
                                           (os.POSIX_SPAWN_DUP2, err, 2)]
                             + actions + closes)
        os.chdir(cwd)
        for fd in [out, err, inp] + [a[1] for a in actions]:
            os.close(fd)
        self.timed_out = False
        while True:
            rpid, status, ru = os.wait4(pid, os.WNOHANG)
            if rpid == pid:
                break
            self.sample_hwm(pid)
            self.tty_step(pid)
            if self.kill_after is not None and \
                    time.monotonic() - t0 > self.kill_after[0]:
                os.kill(pid, self.kill_after[1])
                self.kill_after = None
            if time.monotonic() - t0 > self.timeout:
                self.timed_out = True
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
                rpid, status, ru = os.wait4(pid, 0)
                break
            time.sleep(0.01)
        for i, p in enumerate(extra):
            try:
                rc = p.wait(max(1, self.timeout - (time.monotonic() - t0)))
            except subprocess.TimeoutExpired:
                p.kill()
                rc = p.wait()
                self.timed_out = True
            if rc != 0 and os.WIFEXITED(status) and \
                    os.WEXITSTATUS(status) == 0:
                status = (rc & 0xff) << 8 if rc > 0 else -rc
        self.duration = time.monotonic() - t0
        self.tty_finish()
        self.status = status
        self.maxrss = ru.ru_maxrss
        with open(os.path.join(self.work, "stdout"), "rb") as f:
            self.stdout = f.read()
        with open(os.path.join(self.work, "stderr"), "rb") as f:
            self.stderr = f.read()

    def caller_setup(self, env):
        """run: a real caller instead of outpost.  @WORK@/bin, first in
        PATH, has sendmail and outpost as links to the built binary; the
        generated config is $XDG_CONFIG_HOME/outpost/config, outside HOME
        (a config with a password there would fail the no-secret check).
        Returns the caller's path; argv is the run line."""
        bindir = os.path.join(self.work, "bin")
        cdir = os.path.join(self.work, "xdg-config", "outpost")
        if not os.path.isdir(bindir):
            os.makedirs(bindir)
            for name in ("sendmail", "outpost"):
                os.symlink(self.binary, os.path.join(bindir, name))
            os.makedirs(cdir, mode=0o700)
            shutil.copy(self.cfg_path, os.path.join(cdir, "config"))
        env["XDG_CONFIG_HOME"] = os.path.join(self.work, "xdg-config")
        env["PATH"] = bindir + ":" + env.get("PATH", "/usr/bin:/bin")
        exe = shutil.which(self.run_cmd[0].decode(), path=env["PATH"])
        if exe is None:
            raise SystemExit("%s: run: %r not found"
                             % (self.case.name, self.run_cmd[0]))
        self.args = self.run_cmd[1:]
        return exe

    # ---- OAuth2 token endpoint (oauth-server.py) --------------------------
    OAUTH_KEYS = ("cert", "secret", "refresh", "access", "refuse", "rotate",
                  "code", "client-id", "device", "device-code", "device-ttl",
                  "interval", "expires", "google-codes")

    def start_oauth(self):
        lines = [s for _, s in self.case.sec["client"]
                 if s.split()[0] == "oauth-server"]
        self.oauth_secrets = []
        if not lines:
            return
        d = os.path.join(self.work, "oauth")
        os.mkdir(d)
        argv = [sys.executable, os.path.join(HERE, "oauth-server.py"),
                "--dir", d, "--pki", self.pki]
        for w in lines[0].split()[1:]:
            k, _, v = w.partition("=")
            if k not in self.OAUTH_KEYS:
                raise SystemExit("%s: bad oauth-server option %r"
                                 % (self.case.name, w))
            argv += ["--" + k, v]
            if k in ("secret", "refresh", "rotate", "code", "device-code"):
                self.oauth_secrets.append(v)
            elif k == "access":
                self.oauth_secrets += v.split(",")
        if "refresh=" not in lines[0]:
            self.oauth_secrets.append("1//refresh-token-for-tests")
        if "access=" not in lines[0]:
            self.oauth_secrets.append("ya29.access-token-one")
        if "device-code=" not in lines[0]:
            self.oauth_secrets.append("GmRhmhcxhwAzkoEqiMEg_DnyEysNk")
        log = open(os.path.join(self.work, "oauth.log"), "wb")
        self.oauth = subprocess.Popen(argv, stdout=log, stderr=log,
                                      stdin=subprocess.DEVNULL)
        log.close()
        ready = os.path.join(d, "ready")
        end = time.monotonic() + 10
        while time.monotonic() < end and not os.path.exists(ready):
            if self.oauth.poll() is not None:
                break
            time.sleep(0.02)
        with open(ready) as f:
            port = f.read()
        self.vars.update(OAUTH_PORT=port,
                         OAUTH_URL="https://127.0.0.1:%s/token" % port,
                         OAUTH_AUTH_URL="https://127.0.0.1:%s/auth" % port,
                         OAUTH_DEVICE_URL="https://127.0.0.1:%s/device" % port)

    # ---- mail APIs (api-server.py) ----------------------------------------
    API_KEYS = ("cert", "status", "retry-after", "key", "key-id", "secret",
                "region", "token")
    API_DEFAULT_SECRETS = {
        "key": "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
        "secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "token": "eyJ0eXAi.graph-access-token"}

    def start_api(self):
        """[client] api-server [KEY=VALUE...]: the HTTPS stand-in for
        Graph, SES and Mailgun; @API_URL@ is its base URL."""
        lines = [s for _, s in self.case.sec["client"]
                 if s.split()[0] == "api-server"]
        self.api, self.api_secrets = None, []
        if not lines:
            return
        d = os.path.join(self.work, "api")
        os.mkdir(d)
        argv = [sys.executable, os.path.join(HERE, "api-server.py"),
                "--dir", d, "--pki", self.pki]
        given = {}
        for w in lines[0].split()[1:]:
            k, _, v = w.partition("=")
            if k not in self.API_KEYS:
                raise SystemExit("%s: bad api-server option %r"
                                 % (self.case.name, w))
            argv += ["--" + k, v]
            given[k] = v
        for k, v in self.API_DEFAULT_SECRETS.items():
            self.api_secrets.append(given.get(k, v))
        log = open(os.path.join(self.work, "api.log"), "wb")
        self.api = subprocess.Popen(argv, stdout=log, stderr=log,
                                    stdin=subprocess.DEVNULL)
        log.close()
        ready = os.path.join(d, "ready")
        end = time.monotonic() + 10
        while time.monotonic() < end and not os.path.exists(ready):
            if self.api.poll() is not None:
                break
            time.sleep(0.02)
        with open(ready) as f:
            port = f.read()
        self.vars.update(API_PORT=port,
                         API_URL="https://127.0.0.1:%s" % port)

    def stop_api(self):
        if self.api is not None and self.api.poll() is None:
            self.api.terminate()
            self.api.wait()

    def api_requests(self):
        try:
            with open(os.path.join(self.work, "api", "requests.jsonl"),
                      encoding="utf-8") as f:
                return [json.loads(line) for line in f]
        except FileNotFoundError:
            return []

    def x_api_requests(self, rest):
        """api-requests API:STATUS...: every request, in order; a request
        the server found malformed or badly authenticated shows its
        reason."""
        got = ["%s:%d" % (r["api"], r["status"]) if r["ok"] else
               "%s:bad(%s)" % (r["api"], r["why"].replace(" ", "-"))
               for r in self.api_requests()]
        self.ok(got == rest.split(), "API requests: %s" % rest,
                "got: %s" % " ".join(got))

    def x_api_rcpts(self, rest):
        """api-rcpts N ADDR...: the recipients request N carried."""
        n, *want = rest.split()
        got = self.api_requests()[int(n) - 1].get("rcpts")
        self.ok(sorted(got or []) == sorted(want),
                "API request %s went to %s" % (n, " ".join(want)),
                repr(got))

    def x_api_field(self, rest):
        """api-field N KEY JSON: a recorded field of request N."""
        n, key, val = rest.split(" ", 2)
        got = self.api_requests()[int(n) - 1].get(key)
        self.ok(got == json.loads(val), "API request %s: %s = %s"
                % (n, key, val), repr(got))

    def api_mime(self, n):
        with open(os.path.join(self.work, "api", "mime-%s.eml" % n),
                  "rb") as f:
            return f.read()

    def x_api_mime(self, rest):
        """api-mime N @FILE|@stdin: the MIME bytes of request N."""
        n, src = rest.split()
        got, want = self.api_mime(n), self.srcfile(src)
        self.ok(got == want, "API request %s carried %s byte for byte"
                % (n, src), self._diff(got, want))

    def x_api_mime_contains(self, rest):
        n, text = rest.split(" ", 1)
        got = self.api_mime(n)
        self.ok(unescape(text) in got, "API request %s's message contains "
                "%r" % (n, text), got[:1500])

    def x_api_mime_not_contains(self, rest):
        n, text = rest.split(" ", 1)
        got = self.api_mime(n)
        self.ok(unescape(text) not in got, "API request %s's message does "
                "not contain %r" % (n, text), got[:1500])

    # ---- SOCKS5 proxy (socks5-proxy.py) -----------------------------------
    def start_proxy(self):
        """[client] socks5-proxy [user=U password=P] [map=NAME=ADDR]...:
        start the test proxy; @PROXY_PORT@ is its port."""
        lines = [s for _, s in self.case.sec["client"]
                 if s.split()[0] == "socks5-proxy"]
        self.proxy, self.proxy_secrets, self.proxy_events = None, [], []
        if not lines:
            return
        d = os.path.join(self.work, "proxy")
        os.mkdir(d)
        argv = [sys.executable, os.path.join(HERE, "socks5-proxy.py"),
                "--dir", d]
        opts = dict(w.partition("=")[::2] for w in lines[0].split()[1:]
                    if not w.startswith("map="))
        for w in lines[0].split()[1:]:
            if w.startswith("map="):
                argv += ["--map", w[4:]]
        if "password" in opts:  # ESC: \\s for a space
            opts["password"] = unescape(opts["password"]).decode()
        if "user" in opts:
            auth = os.path.join(d, "auth")
            fd = os.open(auth, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write("%s\n%s" % (opts["user"], opts.get("password", "")))
            argv += ["--auth", auth]
            self.proxy_secrets.append(opts.get("password", ""))
        log = open(os.path.join(self.work, "proxy.log"), "wb")
        self.proxy = subprocess.Popen(argv, stdout=log, stderr=log,
                                      stdin=subprocess.DEVNULL)
        log.close()
        ready = os.path.join(d, "ready")
        end = time.monotonic() + 10
        while time.monotonic() < end and not os.path.exists(ready):
            if self.proxy.poll() is not None:
                raise RuntimeError("socks5-proxy.py did not start")
            time.sleep(0.02)
        with open(ready) as f:
            self.vars["PROXY_PORT"] = f.read()

    def stop_proxy(self):
        if self.proxy is None:
            return
        if self.proxy.poll() is None:
            self.proxy.terminate()
            self.proxy.wait()
        try:
            with open(os.path.join(self.work, "proxy", "events.jsonl"),
                      encoding="utf-8") as f:
                self.proxy_events = [json.loads(ln) for ln in f if ln.strip()]
        except FileNotFoundError:
            self.proxy_events = []

    def x_proxy_connect(self, rest):
        atyp, host = rest.split()
        hits = [e for e in self.proxy_events if e["ev"] == "connect"]
        self.ok(any(e["atyp"] == atyp and e["host"] == host and
                    e["reply"] == 0 for e in hits),
                "the proxy connected to %s %s" % (atyp, host), repr(hits))

    def x_proxy_no_connect_atyp(self, rest):
        hits = [e for e in self.proxy_events if e["ev"] == "connect" and
                e["atyp"] == rest]
        self.ok(not hits, "no CONNECT by %s" % rest, repr(hits))

    def x_proxy_connections(self, rest):
        n = sum(1 for e in self.proxy_events if e["ev"] == "accept")
        self.ok(n == int(rest), "%s proxy connection(s) (got %d)"
                % (rest, n))

    def x_proxy_auth(self, rest):
        hits = [e for e in self.proxy_events if e["ev"] == "auth"]
        want = {"ok": [True], "fail": [False], "none": []}[rest]
        self.ok([e["ok"] for e in hits][:1] == want, "proxy auth %s" % rest,
                repr(hits))

    def x_peer(self, rest):
        peers = {e.get("peer") for e in self.events if e["ev"] == "accept"}
        self.ok(peers == {rest}, "every connection came from %s" % rest,
                repr(peers))

    def stop_oauth(self):
        if self.oauth is not None and self.oauth.poll() is None:
            self.oauth.terminate()
            self.oauth.wait()

    def browser_location(self):
        """Wait for the https:// URL outpost prints, GET it from the
        authorization server; its redirect (Location) or None."""
        self.browser_log = []
        end = time.monotonic() + 10
        url = None
        while url is None and time.monotonic() < end:
            with open(os.path.join(self.work, "stdout"), "rb") as f:
                for line in f.read().decode(errors="replace").split():
                    if line.startswith("https://"):
                        url = line
            time.sleep(0.05)
        if url is None:
            self.browser_log.append("no URL on stdout")
            return None
        ctx = ssl.create_default_context(cafile=self.pki + "/ca.pem")
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx,
                                           timeout=5)
        conn.request("GET", u.path + "?" + u.query)
        r = conn.getresponse()
        self.browser_log.append("auth: %d" % r.status)
        return r.getheader("Location")

    def play_browser(self):
        """What the user does with the URL outpost prints: open it (GET
        on the authorization server, which answers 302), then follow the
        redirect to outpost's loopback listener (optionally with another
        state: oauth-browser state=X)."""
        opts = dict(w.partition("=")[::2] for w in self.browser)
        loc = self.browser_location()
        if loc is None:
            return
        lu = urllib.parse.urlsplit(loc)
        q = dict(urllib.parse.parse_qsl(lu.query))
        if "state" in opts:
            q["state"] = opts["state"]
        c2 = http.client.HTTPConnection(lu.hostname, lu.port, timeout=5)
        c2.request("GET", (lu.path or "/") + "?" + urllib.parse.urlencode(q))
        r2 = c2.getresponse()
        self.browser_log.append("redirect: %d %s" % (r2.status,
                                                     r2.read(200)))

    def paste_setup(self, inp):
        """oauth-paste [tty] [bare] [state=X]: stdin is a pipe (or with
        tty a pseudo-terminal) on which the redirect address - or with
        bare only its code - is pasted once outpost has printed the URL
        (on a terminal: once it has turned echo off)."""
        opts = dict(w.partition("=")[::2] for w in self.paste)
        os.close(inp)
        if "tty" in opts:
            master, inp = pty.openpty()
            self.tty = [master, os.dup(inp), b""]
            self.tty_input = True       # nothing for tty_step to type
            dest = master
        else:
            inp, dest = os.pipe()
        threading.Thread(target=self.play_paste, args=(opts, dest),
                         daemon=True).start()
        return inp

    def play_paste(self, opts, dest):
        loc = self.browser_location()
        text = loc or "no-location"
        if loc is not None:
            lu = urllib.parse.urlsplit(loc)
            q = dict(urllib.parse.parse_qsl(lu.query))
            if "state" in opts:
                q["state"] = opts["state"]
            text = urllib.parse.urlunsplit(
                lu._replace(query=urllib.parse.urlencode(q)))
            if "bare" in opts:
                text = q.get("code", "")
        if "tty" in opts:
            end = time.monotonic() + 10
            while time.monotonic() < end and \
                    termios.tcgetattr(self.tty[1])[3] & termios.ECHO:
                time.sleep(0.02)
        os.write(dest, text.encode() + b"\n")
        self.browser_log.append("pasted %d bytes" % len(text))
        if "tty" not in opts:
            os.close(dest)

    def x_file_equals(self, rest):
        path, fmode, content = (rest.split(" ", 2) + [""])[:3]
        try:
            st = os.stat(path)
            with open(path, "rb") as f:
                got = f.read()
        except OSError as exc:
            self.ok(False, "file %s" % path, str(exc))
            return
        self.ok(got == unescape(content) and
                (st.st_mode & 0o7777) == int(fmode, 8),
                "file %s holds the expected bytes, mode %s" % (path, fmode),
                "mode %o, %d bytes" % (st.st_mode & 0o7777, len(got)))

    def x_oauth_requests(self, rest):
        got = []
        try:
            with open(os.path.join(self.work, "oauth", "requests.jsonl"),
                      encoding="utf-8") as f:
                for line in f:
                    e = json.loads(line)
                    got.append("%s:%s" % (e["grant"],
                                          "ok" if e["ok"] else "fail"))
        except FileNotFoundError:
            pass
        self.ok(got == rest.split(), "token endpoint requests: %s" % rest,
                "got: %s" % " ".join(got))
    def tty_step(self, pid):
        """Once outpost has turned echo off on the terminal, type the
        stdin-tty text (or send the stdin-tty-signal) once."""
        if self.tty is None or self.tty_input is True:
            return
        if termios.tcgetattr(self.tty[1])[3] & termios.ECHO:
            return
        if isinstance(self.tty_input, bytes):
            os.write(self.tty[0], self.tty_input)
        else:
            os.kill(pid, self.tty_input)
        self.tty_input = True       # done

    def tty_finish(self):
        """Keep what the terminal showed and whether it echoes again."""
        self.tty_echo = None
        self.tty_shown = b""
        if self.tty is None:
            return
        master, slave, _ = self.tty
        self.tty_echo = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
        os.set_blocking(master, False)
        try:
            while True:
                b = os.read(master, 4096)
                if not b:
                    break
                self.tty_shown += b
        except OSError:
            pass
        os.close(slave)
        os.close(master)

    def keyring_setup(self):
        """keyring-start / keyring-store / keyring-state: the test
        keyring, its items, then the state it is put in."""
        self.keyring = keyring.Keyring(self.work)
        st = self.keyring_state
        if st == "no-service":
            self.keyring.start_no_service()
            return
        if st == "stalled-bus":
            self.keyring.start_stalled()
            return
        self.keyring.start()
        for item in self.keyring_items:
            self.keyring.store(*item)
        if st == "locked":
            self.keyring.lock()
        elif st == "hung":
            self.keyring.hang()

    def run_then(self):
        """then-args: a second outpost run (argv after the binary exactly
        as given, no -C added), same environment and keyring."""
        self.then_out = self.then_err = b""
        self.then_status = None
        if self.then_args is None:
            return
        try:
            r = subprocess.run([self.binary] + self.then_args,
                               env=self.run_env, input=self.then_stdin,
                               capture_output=True, timeout=self.timeout,
                               start_new_session=True)
            self.then_status = r.returncode
            self.then_out, self.then_err = r.stdout, r.stderr
        except subprocess.TimeoutExpired:
            self.then_status = -1

    def keyring_lookups(self):
        """What secret-tool finds for each keyring-item line, read while
        the keyring still runs."""
        self.kr_found = {}
        if self.keyring is None or self.keyring_state is not None:
            return
        for _, s in self.case.sec["expect"]:
            w = self.subst(s).split()
            if w[0] in ("keyring-item", "keyring-no-item"):
                key = tuple(w[1:4])
                self.kr_found[key] = self.keyring.lookup(*key)

    def sample_hwm(self, pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.hwm = max(self.hwm, int(line.split()[1]))
        except (OSError, ValueError):
            pass

    def peak_rss(self):
        """outpost's peak RSS in KiB: ru_maxrss is max(floor, real), so
        well above the floor it is exact; near the floor (the runner may
        have grown a little between measuring it and the spawn) use the
        sampled VmHWM."""
        if self.maxrss > self.floor + RSS_FLOOR_SLACK_KB:
            return self.maxrss
        return max(self.hwm, 1)

    def stop_server(self):
        end = time.monotonic() + 3
        while time.monotonic() < end:
            ev = self.load_events()
            acc = sum(1 for e in ev if e["ev"] == "accept")
            cls = sum(1 for e in ev if e["ev"] in ("close", "frozen"))
            if cls >= acc:
                break
            time.sleep(0.05)
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(2)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    def load_events(self, name="events.jsonl"):
        out = []
        try:
            with open(os.path.join(self.rec, name), encoding="utf-8") as f:
                for line in f:
                    if line.endswith("\n"):
                        out.append(json.loads(line))
        except FileNotFoundError:
            pass
        return out

    # ---- the run ---------------------------------------------------------
    def run(self):
        self.preflight()
        self.keyring = None
        self.oauth = None
        self.api, self.api_secrets = None, []
        self.proxy, self.proxy_secrets, self.proxy_events = None, [], []
        base = os.path.join(self.build, "tests", "work")
        os.makedirs(base, exist_ok=True)
        self.work = tempfile.mkdtemp(prefix=self.case.name + ".", dir=base)
        try:
            port = self.start_server()
            _, host = self.case.listener()
            self.vars = {"PORT": str(port), "HOST": host, "PKI": self.pki,
                         "SRCDIR": HERE, "WORK": self.work,
                         "BUILDDIR": self.build}
            for name, xport in self.extra_ports.items():
                self.vars["PORT_" + name] = xport
            self.pin_vars()
            self.vars["FREE_PORT"] = str(free_port())
            self.blackhole_ports()
            self.start_oauth()
            self.start_api()
            self.start_proxy()
            self.write_config()
            self.client_setup()
            watch = any(w.split()[0] == "bus-connections"
                        for _, w in self.case.sec["expect"])
            if watch:
                self.keyring_setup()
                self.keyring.monitor_start()
            self.run_outpost()
            if watch:
                self.bus_conns = self.keyring.monitor_stop()
            self.run_then()
            self.run_thens()
            self.keyring_lookups()
        finally:
            self.stop_server()
            self.stop_oauth()
            self.stop_api()
            self.stop_proxy()
            if self.keyring is not None:
                self.keyring.stop()
        self.events = self.load_events()
        self.private = self.load_events("private.jsonl")
        self.check()

    RESULT = ("stdout", "stderr", "status", "duration", "maxrss", "floor",
              "hwm", "argv", "timed_out", "env_add")

    def run_thens(self):
        """The [client] then runs: same HOME, config, server and stdin;
        run 1 stays the one that plain expectations look at."""
        self.runs = [{k: getattr(self, k) for k in self.RESULT}]
        if self.queue_clone:
            self.clone_queue_entry(self.queue_clone)
        for i, (env, args, self.parallel) in enumerate(self.thens):
            self.args, self.env_add, self.env_del = args, env, []
            self.config_fd, self.close_fds = None, []
            self.kill_after = self.then_kills.get(i)
            self.argv0, self.run_cmd = None, None
            qid = self.first_queue_id()
            self.args = [a.replace(b"@QID@", qid.encode()).replace(
                b"@QID8@", qid[:8].encode()) for a in args]
            self.run_outpost()
            self.runs.append({k: getattr(self, k) for k in self.RESULT})
        for k, v in self.runs[0].items():
            setattr(self, k, v)

    def clone_queue_entry(self, n):
        """Test data: copy the one queued entry until there are n."""
        queue_clone(os.path.join(self.work, "home", ".local", "state",
                                 "outpost", "queue", "q"),
                    self.first_queue_id(), n)

    def first_queue_id(self):
        q = os.path.join(self.work, "home", ".local", "state", "outpost",
                         "queue", "q")
        try:
            ids = sorted(n[:-4] for n in os.listdir(q) if n.endswith(".env"))
        except FileNotFoundError:
            ids = []
        return ids[0] if ids else "no-queue-entry"

    def in_run(self, n, fn, rest):
        """Check rest with fn against run n (1 is the first)."""
        if not 1 <= n <= len(self.runs):
            self.ok(False, "there is a run %d" % n)
            return
        for k, v in self.runs[n - 1].items():
            setattr(self, k, v)
        try:
            fn(rest)
        finally:
            for k, v in self.runs[0].items():
                setattr(self, k, v)

    def queue_count(self, sub, rest):
        w = rest.split()
        top = w[1] if len(w) > 1 else os.path.join(
            self.work, "home", ".local", "state", "outpost", "queue")
        try:
            names = os.listdir(os.path.join(top, sub))
        except FileNotFoundError:
            names = []
        n = sum(1 for x in names if x.endswith(".env"))
        self.ok(n == int(w[0]), "%s entries in %s/: %s (got %d)"
                % (sub, os.path.basename(top), w[0], n),
                "\n".join(sorted(names)))

    def x_queue_leftovers(self, rest):
        top = os.path.join(self.work, "home", ".local", "state", "outpost",
                           "queue")
        left = []
        for sub in ("tmp", "q"):
            try:
                names = os.listdir(os.path.join(top, sub))
            except FileNotFoundError:
                continue
            left += [sub + "/" + n for n in names if sub == "tmp" or
                     (n.endswith(".msg") and n[:-4] + ".env" not in names)]
        self.ok(len(left) == int(rest), "%s leftover file(s) in the queue "
                "(tmp/, .msg without .env) (got %d)" % (rest, len(left)),
                "\n".join(left))

    def x_queue_entries(self, rest):
        self.queue_count("q", rest)

    def x_dead_entries(self, rest):
        self.queue_count("dead", rest)

    def x_duration_max(self, rest):
        self.ok(self.duration <= float(rest), "took at most %s s (%.2f)"
                % (rest, self.duration))

    # ---- records ---------------------------------------------------------
    def cmds(self):
        return [e for e in self.events if e["ev"] == "cmd"]

    @staticmethod
    def verb(line):
        return line.split(" ", 1)[0].upper()

    def delivered(self):
        out = []
        for e in self.events:
            if e["ev"] == "delivered":
                with open(os.path.join(self.rec, e["file"]), "rb") as f:
                    out.append(f.read())
        return out

    def secrets(self):
        """Every form of a secret that must never reach stdout/stderr."""
        found = set()
        pws = list(self.passwords)
        for p in self.private:
            if p.get("kind") == "auth-decoded" and p.get("password"):
                pws.append(p["password"])
        for pw in pws:
            b = pw.encode("utf-8", "surrogateescape")
            found.add(b)
            found.add(base64.b64encode(b))
            for u in (self.user, "alice@example.com"):
                ub = u.encode()
                found.add(base64.b64encode(b"\0" + ub + b"\0" + b))
                found.add(base64.b64encode(ub + b"\0" + ub + b"\0" + b))
        for p in self.private:
            raw = p.get("raw", "")
            if p.get("kind") == "auth-line":
                w = raw.split()
                if len(w) > 2 and w[1].upper() != "EXTERNAL":
                    found.add(w[2].encode())
            elif p.get("kind") == "sasl-response":
                found.add(raw.encode())
        return sorted(s for s in found if len(s) >= 6)

    # ---- checks ----------------------------------------------------------
    def check(self):
        exp = self.case.sec["expect"]
        allow = []
        for _, s in exp:
            w, _, rest = s.partition(" ")
            if w == "allow-violations":
                allow.append("")
            elif w == "allow-violation":
                allow.append(rest)
        if not any(s.split()[0] == "exit" for _, s in exp):
            self.ok(False, "the case asserts the exit code (exit N)")
        for _, s in exp:
            s = self.subst(s)
            w, _, rest = s.partition(" ")
            if w in ("allow-violations", "allow-violation"):
                continue
            w, at, nrun = w.partition("@")
            fn = getattr(self, "x_" + w.replace("-", "_"), None)
            if fn is None:
                self.ok(False, "unknown expect directive %r" % w)
                continue
            try:
                if at:
                    self.in_run(int(nrun), fn, rest.strip())
                else:
                    fn(rest.strip())
            except (OSError, ValueError, IndexError, KeyError) as exc:
                self.ok(False, s, "error: %r" % exc)
        # checks made for every case
        for n, r in enumerate(self.runs, 1):
            sig = os.WIFSIGNALED(r["status"])
            crash = sig and os.WTERMSIG(r["status"]) == signal.SIGABRT \
                and "OUTPOST_TEST_CRASH" in (r.get("env_add") or {})
            self.ok((not sig or crash) and not r["timed_out"],
                    "outpost exited by itself (no signal, no hard timeout)"
                    + ("" if n == 1 else " (run %d)" % n),
                    "timed out after %.1f s" % self.timeout
                    if r["timed_out"] else "killed by signal %d"
                    % os.WTERMSIG(r["status"]) if sig else "")
        both = b"\n".join(r["stdout"] + b"\n" + r["stderr"]
                          for r in self.runs)
        both += b"\n" + getattr(self, "then_out", b"") + b"\n" + \
            getattr(self, "then_err", b"")
        both += b"\n" + getattr(self, "tty_shown", b"")
        leaked = [s for s in self.secrets() if s in both]
        self.ok(not leaked, "no secret on stdout/stderr (%d forms checked)"
                % len(self.secrets()),
                "leaked: %r" % [x[:4] + b"..." for x in leaked])
        files = self.left_files()
        inside = [f for f in files if any(x in open(f, "rb").read()
                                          for x in self.secrets())]
        self.ok(not inside, "no secret in files under HOME or TMPDIR",
                "\n".join(inside))
        tmp = os.path.join(self.work, "tmp")
        self.ok(not os.listdir(tmp), "nothing left behind in TMPDIR",
                "\n".join(os.listdir(tmp)))
        viol = [e["reason"] for e in self.events if e["ev"] == "violation"
                and not any(a in e["reason"] for a in allow)]
        self.ok(not viol, "no protocol violation seen by the server",
                "\n".join(viol))
        if self.tls_mode in ("starttls", "implicit"):
            bad = [c["line"] for c in self.cmds() if not c["tls"]
                   and self.verb(c["line"]) in CLEARTEXT_FORBIDDEN]
            self.ok(not bad, "nothing but EHLO/STARTTLS/QUIT in cleartext",
                    "\n".join(bad))
        srv_err = [e for e in self.events if e["ev"] == "server-error"]
        self.ok(not srv_err, "the test server had no internal error",
                repr(srv_err))

    def left_files(self):
        out = []
        for top in ("home", "tmp"):
            for d, _, names in os.walk(os.path.join(self.work, top)):
                out += [os.path.join(d, n) for n in names
                        if os.path.isfile(os.path.join(d, n))]
        return out

    def exit_code(self):
        if os.WIFEXITED(self.status):
            return os.WEXITSTATUS(self.status)
        if os.WIFSIGNALED(self.status):
            return 128 + os.WTERMSIG(self.status)
        return -1

    def x_exit(self, spec):
        code = self.exit_code()
        if spec.startswith("!"):
            bad = [int(x) for x in spec[1:].split(",")]
            good = code >= 0 and code not in bad
        else:
            good = code in [int(x) for x in spec.split("|")]
        self.ok(good, "exit %s (got %d)" % (spec, code),
                "stderr: " + self.stderr.decode("utf-8", "replace")[-1500:])

    def _stream(self, name):
        return self.stdout if name == "stdout" else self.stderr

    def x_stdout_empty(self, rest):
        self.ok(self.stdout == b"", "stdout is empty", self.stdout[:500])

    def x_then_exit(self, spec):
        code = self.then_status if self.then_status is not None else -2
        self.ok(code in [int(x) for x in spec.split("|")],
                "then: exit %s (got %d)" % (spec, code),
                "then stderr: " + self.then_err.decode("utf-8", "replace"))

    def _then_contains(self, name, rest, want):
        needle = unescape(rest)
        hay = self.then_out if name == "stdout" else self.then_err
        self.ok((needle in hay) == want, "then: %s %s %r" % (
            name, "contains" if want else "does not contain", rest),
            hay.decode("utf-8", "replace")[-1500:])

    def x_then_stdout_contains(self, rest):
        self._then_contains("stdout", rest, True)

    def x_then_stderr_contains(self, rest):
        self._then_contains("stderr", rest, True)

    def x_tty_echo(self, rest):
        want = rest.strip() == "yes"
        self.ok(self.tty_echo is want, "the terminal %s after exit"
                % ("echoes again" if want else "does not echo"),
                "echo flag: %r" % self.tty_echo)

    def x_tty_shown_not_contains(self, rest):
        self.ok(unescape(rest) not in self.tty_shown, "the terminal did not "
                "show %r" % rest, self.tty_shown[-500:])

    def x_keyring_item(self, rest):
        h, sv, u, pw = rest.split(" ", 3)
        pw = unescape(pw).decode("utf-8", "surrogateescape")
        self.passwords.append(pw)   # never in any output either
        got = self.kr_found.get((h, sv, u))
        self.ok(got == pw, "secret-tool finds the item host %s service %s "
                "user %s with the expected secret" % (h, sv, u),
                "found: %s" % ("nothing" if got is None else
                               "a different secret"))

    def x_bus_connections(self, rest):
        got = getattr(self, "bus_conns", None)
        self.ok(got == int(rest), "%s D-Bus connection(s) to the session "
                "bus (got %s)" % (rest, got))

    def x_keyring_no_item(self, rest):
        key = tuple(rest.split()[:3])
        self.ok(self.kr_found.get(key) is None, "secret-tool finds no item "
                "host %s service %s user %s" % key)

    def x_stderr_empty(self, rest):
        self.ok(self.stderr == b"", "stderr is empty", self.stderr[:500])

    def _contains(self, name, rest, want):
        needle = unescape(rest)
        got = needle in self._stream(name)
        self.ok(got == want, "%s %s %r" % (
            name, "contains" if want else "does not contain", rest),
            self._stream(name).decode("utf-8", "replace")[-1500:])

    def x_stdout_contains(self, rest):
        self._contains("stdout", rest, True)

    def x_stdout_not_contains(self, rest):
        self._contains("stdout", rest, False)

    def x_stderr_contains(self, rest):
        self._contains("stderr", rest, True)

    def x_stderr_not_contains(self, rest):
        self._contains("stderr", rest, False)

    def x_stderr_matches(self, rest):
        t = self.stderr.decode("utf-8", "replace")
        self.ok(re.search(rest, t, re.M), "stderr matches /%s/" % rest,
                t[-1500:])

    def x_stdout_matches(self, rest):
        t = self.stdout.decode("utf-8", "replace")
        self.ok(re.search(rest, t, re.M), "stdout matches /%s/" % rest,
                t[-1500:])

    def x_stderr_max_lines(self, rest):
        n = self.stderr.count(b"\n")
        self.ok(n <= int(rest), "stderr has at most %s lines (%d)"
                % (rest, n), self.stderr[-1500:].decode("utf-8", "replace"))

    def x_stderr_no_control(self, rest):
        bad = sorted({b for b in self.stderr
                      if (b < 0x20 and b not in (9, 10)) or b == 0x7f})
        self.ok(not bad, "stderr holds no control bytes",
                "bytes: %r in %r" % (bad, self.stderr[-600:]))

    def x_stdout_json(self, rest):
        """stdout-json PATH VALUE: stdout parses as one JSON document and
        the value at PATH (keys and list indexes joined by dots) equals
        VALUE, itself JSON ("reachable" with its quotes, 0, true, null)."""
        path, _, want = rest.partition(" ")
        what = "stdout JSON %s == %s" % (path, want)
        try:
            got = json.loads(self.stdout.decode("utf-8"))
            for k in path.split("."):
                got = got[int(k)] if isinstance(got, list) else got[k]
            self.ok(got == json.loads(want), what, "got %r" % (got,))
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            self.ok(False, what, "%s: %s" % (type(exc).__name__, exc))

    # -- transcript
    def transcript(self):
        return [c["line"] for c in self.cmds()]

    @staticmethod
    def _norm(s):
        v, sp, rest = s.partition(" ")
        return v.upper() + sp + rest

    def _match(self, pats, lines):
        if not pats:
            return not lines
        p = pats[0]
        if p == "...":
            return any(self._match(pats[1:], lines[i:])
                       for i in range(len(lines) + 1))
        if p.startswith("(") and p.endswith(")"):
            if self._match(pats[1:], lines):
                return True
            p = p[1:-1]
        if not lines:
            return False
        rx = "".join(".*" if ch == "*" else re.escape(ch)
                     for ch in self._norm(p))
        if not re.fullmatch(rx, self._norm(lines[0]), re.S):
            return False
        return self._match(pats[1:], lines[1:])

    def x_transcript(self, rest):
        pats = [p.strip() for p in re.split(r"\s+\|\s+", rest)]
        lines = self.transcript()
        self.ok(self._match(pats, lines), "transcript " + rest,
                "got:\n" + " | ".join(lines))

    def _has_cmd(self, prefix):
        pre = prefix.upper()
        return [c for c in self.transcript()
                if c.upper() == pre or c.upper().startswith(pre + " ")]

    def x_no_command(self, rest):
        found = self._has_cmd(rest)
        self.ok(not found, "no %s command sent" % rest, "\n".join(found))

    def x_command_count(self, rest):
        what, n = rest.rsplit(" ", 1)
        found = self._has_cmd(what)
        self.ok(len(found) == int(n), "%s sent %s time(s) (got %d)"
                % (what, n, len(found)), " | ".join(self.transcript()))

    def x_connections(self, rest):
        n = sum(1 for e in self.events if e["ev"] == "accept")
        self.ok(n == int(rest), "%s connection(s) (got %d)" % (rest, n))

    def _listener_of(self):
        return {e["conn"]: e.get("listener", "main")
                for e in self.events if e["ev"] == "accept"}

    def x_connections_on(self, rest):
        name, n = rest.split()
        got = sum(1 for v in self._listener_of().values() if v == name)
        self.ok(got == int(n), "%s connection(s) on listener %s (got %d)"
                % (n, name, got))

    def x_delivered_on(self, rest):
        where = self._listener_of()
        got = sorted(where.get(e["conn"], "?") for e in self.events
                     if e["ev"] == "delivered")
        self.ok(got == [rest.strip()], "delivered once, on listener %s "
                "(got %s)" % (rest.strip(), got or "none"))

    def x_delivered_rcpts_on(self, rest):
        name, *want = rest.split()
        where = self._listener_of()
        got = sorted(a for e in self.events if e["ev"] == "delivered"
                     and where.get(e["conn"], "?") == name
                     for a in e["rcpts"])
        self.ok(got == sorted(want), "the copies delivered on listener %s "
                "went to exactly %s" % (name, " ".join(sorted(want))),
                "got %r" % got)

    def x_delivered_identical(self, rest):
        d = self.delivered()
        self.ok(len(d) > 1 and all(x == d[0] for x in d),
                "the %d delivered copies are byte-identical" % len(d))

    def _work_file(self, rel):
        try:
            with open(os.path.join(self.work, rel), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def x_file_contains(self, rest):
        rel, _, text = rest.partition(" ")
        got = self._work_file(rel)
        self.ok(got is not None and unescape(text) in got,
                "%s contains %r" % (rel, text), "got %r" % got)

    def x_file_not_contains(self, rest):
        rel, _, text = rest.partition(" ")
        got = self._work_file(rel)
        self.ok(got is None or unescape(text) not in got,
                "%s does not contain %r" % (rel, text), "got %r" % got)

    def x_file_mode(self, rest):
        rel, mode = rest.split()
        try:
            got = os.stat(os.path.join(self.work, rel)).st_mode & 0o7777
        except FileNotFoundError:
            got = None
        want = None if mode == "none" else int(mode, 8)
        self.ok(got == want, "%s has mode %s (got %s)"
                % (rel, mode, oct(got) if got is not None else "none"))

    # -- flights
    def flights(self):
        fl = {}
        for e in self.events:
            if e["ev"] == "cmd":
                fl.setdefault((e["conn"], e["flight"]), []).append(
                    self.verb(e["line"]))
            elif e["ev"] == "dot":
                fl.setdefault((e["conn"], e["flight"]), []).append(".")
        return fl

    def _flight_dump(self):
        return "\n".join("conn %d flight %d: %s" % (k[0], k[1], " ".join(v))
                         for k, v in sorted(self.flights().items()))

    def x_flight_alone(self, rest):
        v = rest.upper()
        fl = self.flights()
        hits = [k for k, vs in fl.items() if v in vs]
        good = hits and all(len(fl[k]) == 1 for k in hits)
        self.ok(good, "%s alone in its flight" % v, self._flight_dump())

    def x_flight_together(self, rest):
        want = rest.upper().split()
        good = False
        for vs in self.flights().values():
            left = list(vs)
            try:
                for w in want:
                    left.remove(w)
                good = True
            except ValueError:
                continue
        self.ok(good, "one flight holds %s" % " + ".join(want),
                self._flight_dump())

    def x_lockstep(self, rest):
        fl = self.flights()
        bad = {k: v for k, v in fl.items()
               if len([x for x in v if x != "."]) > 1 or
               ("." in v and len(v) > 1)}
        self.ok(fl and not bad, "lock-step: one command per flight",
                self._flight_dump())

    def x_flights(self, rest):
        conn, want = (int(x) for x in rest.split())
        got = [e["flights"] for e in self.events
               if e["ev"] == "close" and e["conn"] == conn]
        self.ok(got == [want], "connection %d: %d flights, i.e. round trips "
                "(got %r)" % (conn, want, got), self._flight_dump())

    def x_waits_max(self, rest):
        w = [e["waits"] for e in self.events if e["ev"] == "close"]
        self.ok(w and max(w) <= int(rest), "server waited at most %s times "
                "for input (got %r)" % (rest, w))

    # -- delivery
    def x_delivered(self, rest):
        d = self.delivered()
        want = 0 if rest == "none" else int(rest)
        self.ok(len(d) == want, "delivered %s (got %d)" % (rest, len(d)))

    def _first_delivered(self, what):
        d = self.delivered()
        if not d:
            self.ok(False, what, "nothing was delivered")
            return None
        return d[0]

    @staticmethod
    def _diff(got, want):
        i = 0
        while i < min(len(got), len(want)) and got[i] == want[i]:
            i += 1
        return ("got %d bytes, want %d; first difference at offset %d:\n"
                " got  %r\n want %r" % (len(got), len(want), i,
                                        got[max(0, i - 20):i + 40],
                                        want[max(0, i - 20):i + 40]))

    def x_delivered_bytes(self, rest):
        what = "delivered bytes equal " + rest
        got = self._first_delivered(what)
        if got is not None:
            want = self.srcfile(rest)
            self.ok(got == want, what, self._diff(got, want))

    def x_delivered_bytes_crlf(self, rest):
        what = "delivered bytes equal %s with CRLF line ends" % rest
        got = self._first_delivered(what)
        if got is not None:
            want = re.sub(rb"(?<!\r)\n", b"\r\n", self.srcfile(rest))
            self.ok(got == want, what, self._diff(got, want))

    def x_delivered_contains(self, rest):
        what = "delivered message contains %r" % rest
        got = self._first_delivered(what)
        if got is not None:
            self.ok(unescape(rest) in got, what, got[:1500])

    def x_delivered_last_contains(self, rest):
        what = "the last delivered message contains %r" % rest
        d = self.delivered()
        self.ok(bool(d) and unescape(rest) in d[-1], what,
                d[-1][:1500] if d else "nothing delivered")

    def x_delivered_not_contains(self, rest):
        what = "delivered message does not contain %r" % rest
        for got in self.delivered():
            if unescape(rest) in got:
                self.ok(False, what, got[:1500])
                return
        self.ok(True, what)

    @staticmethod
    def headers(msg):
        head = re.split(rb"\r?\n\r?\n", msg, 1)[0]
        fields = []
        for line in re.split(rb"\r?\n", head):
            if line[:1] in (b" ", b"\t") and fields:
                fields[-1] = (fields[-1][0], fields[-1][1] + b"\r\n" + line)
            elif b":" in line:
                k, _, v = line.partition(b":")
                fields.append((k.strip().lower(), v.strip()))
        return fields

    def x_delivered_header_count(self, rest):
        name, n = rest.split()
        what = "delivered header %s appears %s time(s)" % (name, n)
        got = self._first_delivered(what)
        if got is not None:
            c = [v for k, v in self.headers(got) if k == name.lower().encode()]
            self.ok(len(c) == int(n), what + " (got %d)" % len(c),
                    got.split(b"\r\n\r\n")[0][:1500])

    def _header_values(self, msg, name):
        """The values of the header fields NAME of msg, as text."""
        return [v.decode("utf-8", "replace") for k, v in self.headers(msg)
                if k == name.lower().encode()]

    def x_delivered_header(self, rest):
        name, _, pat = rest.partition(" ")
        what = "delivered header %s: %s" % (name, pat)
        got = self._first_delivered(what)
        if got is not None:
            vals = self._header_values(got, name)
            self.ok(vals and fnmatch.fnmatchcase(vals[0], pat), what,
                    "got %r" % vals)

    def x_delivered_header_matches(self, rest):
        name, _, rx = rest.partition(" ")
        what = "delivered header %s matches /%s/" % (name, rx)
        got = self._first_delivered(what)
        if got is not None:
            vals = self._header_values(got, name)
            self.ok(vals and re.fullmatch(rx, vals[0]), what, "got %r" % vals)

    def x_delivered_crlf(self, rest):
        what = "delivered message: CRLF line ends only, final CRLF"
        got = self._first_delivered(what)
        if got is not None:
            bare = re.search(rb"(?<!\r)\n|\r(?!\n)", got)
            self.ok(not bare and got.endswith(b"\r\n"), what,
                    "bare CR/LF at %s" % (bare.start() if bare else "end"))

    def x_delivered_max_line(self, rest):
        what = "delivered lines at most %s octets before CRLF" % rest
        got = self._first_delivered(what)
        if got is not None:
            m = max(len(x) for x in got.split(b"\r\n"))
            self.ok(m <= int(rest), what + " (longest %d)" % m)

    # -- envelope
    def _mails(self):
        return [e for e in self.events if e["ev"] == "mail"]

    def x_mail_from(self, rest):
        m = self._mails()
        self.ok(m and all(e["addr"] == rest for e in m), "MAIL FROM:<%s>"
                % rest, repr([e["addr"] for e in m]))

    def x_mail_param_contains(self, rest):
        m = self._mails()
        self.ok(m and all(any(rest.upper() in p.upper() for p in e["params"])
                          for e in m), "MAIL parameter %s" % rest,
                repr([e["params"] for e in m]))

    def x_mail_param_not_contains(self, rest):
        m = self._mails()
        self.ok(not any(rest.upper() in p.upper() for e in m
                        for p in e["params"]), "no MAIL parameter %s" % rest,
                repr([e["params"] for e in m]))

    def x_mail_params_none(self, rest):
        m = self._mails()
        self.ok(m and not any(e["params"] for e in m), "MAIL without "
                "parameters", repr([e["params"] for e in m]))

    def _rcpts(self):
        return [e for e in self.events if e["ev"] == "rcpt"]

    def x_rcpts(self, rest):
        got = sorted(e["addr"] for e in self._rcpts())
        want = sorted(rest.split())
        self.ok(got == want, "RCPT TO exactly %s" % " ".join(want),
                "got %r" % got)

    def x_delivered_rcpts(self, rest):
        got = sorted(a for e in self.events if e["ev"] == "delivered"
                     for a in e["rcpts"])
        want = sorted(rest.split())
        self.ok(got == want, "the delivered copies went to exactly %s"
                % (" ".join(want) if len(want) < 8 else
                   "%d recipients, each once" % len(want)),
                "got %r" % got)

    def x_rcpt_count(self, rest):
        n = len(self._rcpts())
        self.ok(n == int(rest), "%s RCPT commands (got %d)" % (rest, n))

    def x_rcpt_param_contains(self, rest):
        r = self._rcpts()
        self.ok(r and all(any(rest.upper() in p.upper() for p in e["params"])
                          for e in r), "every RCPT parameter %s" % rest,
                repr([e["params"] for e in r]))

    def x_rcpt_params_none(self, rest):
        r = self._rcpts()
        self.ok(r and not any(e["params"] for e in r), "RCPT without "
                "parameters", repr([e["params"] for e in r]))

    def x_ehlo_arg(self, rest):
        args = [c.split(" ", 1)[1] if " " in c else "" for c in
                self.transcript() if self.verb(c) in ("EHLO", "HELO")]
        self.ok(args and all(a == rest for a in args), "EHLO %s" % rest,
                "got %r" % args)

    def x_ehlo_arg_not(self, rest):
        args = [c.split(" ", 1)[1] if " " in c else "" for c in
                self.transcript() if self.verb(c) in ("EHLO", "HELO")]
        self.ok(args and all(a.lower() != rest.lower() for a in args),
                "EHLO argument is never %s" % rest, "got %r" % args)

    # -- time and memory
    def x_duration_max(self, rest):
        self.ok(self.duration <= float(rest), "finished within %s s (%.2f s)"
                % (rest, self.duration))

    def x_duration_min(self, rest):
        self.ok(self.duration >= float(rest), "took at least %s s (%.2f s)"
                % (rest, self.duration))

    def x_max_rss_kb(self, rest):
        desc = "max RSS at most %s KiB (%d KiB)" % (rest, self.peak_rss())
        with open(self.binary, "rb") as f:
            blob = f.read()
        if b"__asan_init" in blob or b"__msan_init" in blob:
            self.skip_line(desc, "sanitizer build")
            return
        self.ok(self.peak_rss() <= int(rest), desc,
                "ru_maxrss %d KiB, runner floor %d KiB, sampled VmHWM %d KiB"
                % (self.maxrss, self.floor, self.hwm))

    # -- AUTH
    def _auths(self):
        return [e for e in self.events if e["ev"] == "auth"]

    def _decoded(self):
        return [p for p in self.private if p.get("kind") == "auth-decoded"]

    def x_auth_mech(self, rest):
        a = self._auths()
        self.ok(a and a[-1]["mech"] == rest.upper(), "AUTH mechanism %s"
                % rest, repr(a))

    def x_auth_ok(self, rest):
        a = self._auths()
        self.ok(a and a[-1]["ok"], "AUTH accepted by the server", repr(a))

    def x_auth_failed(self, rest):
        a = self._auths()
        self.ok(a and not a[-1]["ok"], "AUTH rejected by the server",
                repr(a))

    def x_auth_initial_response(self, rest):
        a = self._auths()
        want = rest in ("yes", "1", "true")
        self.ok(a and a[-1].get("initial_response") == want,
                "AUTH with%s an initial response" % ("" if want else "out"),
                repr(a))

    def x_auth_plain_raw(self, rest):
        d = [p for p in self._decoded() if p["mech"] == "PLAIN"]
        want = unescape(rest).hex()
        self.ok(d and d[-1].get("decoded_hex") == want,
                "PLAIN message decodes to the expected bytes",
                "decoded differently" if d else "no PLAIN exchange")

    def x_auth_decoded(self, rest):
        d = [p for p in self._decoded() if "decoded_hex" in p]
        want = unescape(rest).hex()
        self.ok(d and d[-1].get("decoded_hex") == want,
                "the last SASL message decodes to the expected bytes",
                "decoded differently" if d else "no decoded exchange")

    def x_auth_login_user(self, rest):
        d = [p for p in self._decoded() if p["mech"] == "LOGIN"]
        self.ok(d and d[-1].get("user") == rest, "LOGIN user %s" % rest)

    def x_auth_login_password(self, rest):
        d = [p for p in self._decoded() if p["mech"] == "LOGIN"]
        self.ok(d and d[-1].get("password") == unescape(rest).decode(),
                "LOGIN password as configured",
                "different" if d else "no LOGIN exchange")

    def x_auth_external_authzid(self, rest):
        a = [e for e in self._auths() if e["mech"] == "EXTERNAL"]
        want = unescape(rest).decode()
        self.ok(a and a[-1].get("authzid") == want,
                "EXTERNAL authzid %r" % want, repr(a))

    # -- TLS
    def _tls(self):
        return [e for e in self.events if e["ev"] == "tls"]

    def x_tls(self, rest):
        want = rest in ("yes", "1", "true")
        t = self._tls()
        self.ok(bool(t) == want, "TLS %s" % ("established" if want
                                             else "never established"),
                repr(t + [e for e in self.events if e["ev"] == "tls-fail"]))

    def x_tls_sni(self, rest):
        t = self._tls()
        want = None if rest == "none" else rest
        self.ok(t and all(e["sni"] == want for e in t), "TLS SNI %s" % rest,
                repr(t))

    def x_tls_client_cert(self, rest):
        t = self._tls()
        want = None if rest == "none" else rest
        self.ok(t and t[-1]["client_cert"] == want, "client certificate %s"
                % rest, repr(t))

    def x_tls_version(self, rest):
        t = self._tls()
        self.ok(t and all(e["version"] == rest for e in t),
                "TLS version %s" % rest, repr(t))

    # -- events
    def x_event(self, rest):
        self.ok(any(e["ev"] == rest for e in self.events),
                "server event %s" % rest)

    def x_no_event(self, rest):
        hits = [e for e in self.events if e["ev"] == rest]
        self.ok(not hits, "no server event %s" % rest, repr(hits[:5]))

    # ---- report ----------------------------------------------------------
    def report(self):
        print("1..%d" % len(self.results))
        failed = 0
        for i, (good, desc, skip) in enumerate(self.results, 1):
            desc = desc.replace("\n", " ").replace("#", "\\#")
            if skip:
                print("ok %d - %s # SKIP %s" % (i, desc, skip))
            else:
                print("%s %d - %s" % ("ok" if good else "not ok", i, desc))
            failed += not good
        if failed:
            self.print_context()
        return failed

    def print_context(self):
        print("# case: %s (%s)" % (self.case.name, self.case.desc))
        for line in self.diag:
            print("#" + line)
        print("# argv: %r" % [a if isinstance(a, str) else
                              a.decode("utf-8", "backslashreplace")
                              for a in self.argv])
        print("# exit: %d, %.2f s, max RSS %d KiB"
              % (self.exit_code(), self.duration, self.peak_rss()))
        for name, data in (("stdout", self.stdout), ("stderr", self.stderr)):
            t = data.decode("utf-8", "backslashreplace").splitlines()
            for line in t[-25:]:
                print("# %s: %s" % (name, line))
        print("# server transcript (C: client, S: server):")
        for e in self.events[:200]:
            if e["ev"] == "cmd":
                print("#  C%d %s%s" % (e["conn"], "[tls] " if e["tls"] else "",
                                       e["line"][:200]))
            elif e["ev"] == "reply":
                for line in e["text"].splitlines()[:6]:
                    print("#  S%d %s" % (e["conn"], line[:200]))
            elif e["ev"] not in ("mail", "rcpt"):
                print("#  -- %s %s" % (e["ev"], json.dumps(
                    {k: v for k, v in e.items()
                     if k not in ("ev", "conn")})[:200]))
        print("# work directory kept: %s" % self.work)


def main():
    if len(sys.argv) != 2:
        print("usage: run-case.py CASE", file=sys.stderr)
        return 2
    r = Runner(sys.argv[1])
    try:
        r.run()
    except Skip as exc:
        print("1..0 # SKIP %s" % exc)
        return 0
    except RuntimeError as exc:
        print("Bail out! %s" % str(exc).replace("\n", " | ")[:500])
        return 1
    failed = r.report()
    if failed == 0 and os.environ.get("KEEP_WORK", "") in ("", "0"):
        shutil.rmtree(r.work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
