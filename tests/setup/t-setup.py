#!/usr/bin/env python3
"""t-setup.py - "outpost setup" end to end, as TAP: a scripted smarthost
(tests/integration/smtpd-script.py) on loopback, the domain's autoconfig
host (autoconfig-server.py, test PKI), the MX answer from the test hook
OUTPOST_TEST_MX, and a HOME with no configuration.

Needs a test build (--enable-test-hooks) and openssl for the PKI; skips
visibly otherwise.
"""
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("top_builddir", os.getcwd())
SRC = os.environ.get("top_srcdir", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
OUTPOST = os.path.join(BUILD, "src", "outpost")
INTEG = os.path.join(SRC, "tests", "integration")
HERE = os.path.join(SRC, "tests", "setup")
PKI = os.path.join(BUILD, "tests", "pki")
PASSWORD = "s3t-up P@ss"
N = [0]
FAILED = [False]


def tap(ok, what, detail=""):
    N[0] += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", N[0], what))
    if not ok:
        FAILED[0] = True
        for ln in str(detail).splitlines()[-40:]:
            print("# " + ln)


def wait_file(path, proc):
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if os.path.exists(path):
            with open(path) as f:
                return f.read().split("\n")[0].strip()
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    raise SystemExit("Bail out! %s did not start" % path)


class World:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="setup.", dir=os.path.join(
            BUILD, "tests", "work"))
        self.procs = []

    def start(self, name, argv, ready):
        log = open(os.path.join(self.work, name + ".log"), "wb")
        p = subprocess.Popen(argv, stdout=log, stderr=log,
                             stdin=subprocess.DEVNULL)
        self.procs.append(p)
        return wait_file(ready, p)

    def smtpd(self):
        d = os.path.join(self.work, "smtpd")
        os.mkdir(d)
        script = os.path.join(self.work, "server.script")
        with open(script, "w") as f:
            f.write("listener starttls\nauth me@localhost %s\n"
                    "lifetime 100\n" % PASSWORD)
        self.smtp_dir = d
        self.smtp_port = self.start("smtpd", [
            sys.executable, os.path.join(INTEG, "smtpd-script.py"),
            "--script", script, "--dir", d, "--ready",
            os.path.join(self.work, "ready"), "--pki", PKI],
            os.path.join(self.work, "ready"))

    def autoconfig(self):
        d = os.path.join(self.work, "http")
        os.mkdir(d)
        self.http_dir = d
        self.http_port = self.start("http", [
            sys.executable, os.path.join(HERE, "autoconfig-server.py"),
            "--dir", d, "--pki", PKI, "--smtp-port", self.smtp_port],
            os.path.join(d, "ready"))

    def home(self, name):
        h = os.path.join(self.work, name)
        os.makedirs(h)
        return h

    def env(self, home, route, mx=""):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "HOME": home, "LC_ALL": "C", "TMPDIR": home,
             "OUTPOST_TEST_TRUST_BUNDLE": os.path.join(PKI, "ca.pem"),
             "OUTPOST_TEST_AUTOCONFIG": "https://localhost:%s/%s" % (
                 self.http_port, route),
             "OUTPOST_TEST_MX": mx}
        return e

    def events(self):
        out = []
        p = os.path.join(self.smtp_dir, "events.jsonl")
        if os.path.exists(p):
            with open(p) as f:
                out = [json.loads(ln) for ln in f if ln.strip()]
        return out

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()


def run(args, env, stdin=b""):
    p = subprocess.run([OUTPOST] + args, env=env, input=stdin,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def run_pty(args, env, answers, wrap=()):
    """outpost on a pseudo-terminal: answers are (prompt, text) pairs,
    each text typed once its prompt has appeared.  wrap: a command that
    runs outpost (strace ...)."""
    pid, fd = pty.fork()
    if pid == 0:
        argv = list(wrap) + [OUTPOST] + args
        os.execve(argv[0], argv, env)
    out, pending = b"", list(answers)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if pending and pending[0][0].encode() in out:
            os.write(fd, pending.pop(0)[1].encode() + b"\n")
            out += b"<<typed>>"
    grace = time.monotonic() + 10
    while True:
        rpid, status = os.waitpid(pid, os.WNOHANG)
        if rpid == pid:
            break
        if time.monotonic() > grace:    # still waiting: fail, never hang
            os.kill(pid, signal.SIGKILL)
            out += b"<<killed at the deadline>>"
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.02)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def mode(path):
    return os.stat(path).st_mode & 0o777


def test_one_command(w):
    """No config at all: one command ends with an account that delivers."""
    home = w.home("fresh")
    pw = os.path.join(w.work, "pw")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    env = w.env(home, "good")
    rc, out, err = run(["setup", "me@localhost", "--password-file", pw,
                        "--yes", "--json"], env)
    tap(rc == 0, "setup me@localhost: exit 0", out + err)
    try:
        j = json.loads(out)
    except ValueError:
        j = {}
    tap(j.get("verified") is True and j.get("source") == "autoconfig" and
        j.get("port") == int(w.smtp_port) and j.get("tls") == "starttls",
        "--json: autoconfig, the server's port, STARTTLS, verified", out)
    conf = os.path.join(home, ".config", "outpost", "config")
    ok = os.path.exists(conf) and mode(conf) == 0o600
    tap(ok, "the config is created 0600", err)
    text = open(conf).read() if ok else ""
    tap("[defaults]\naccount = localhost" in text and
        "port = %s/starttls" % w.smtp_port in text and
        "user = me@localhost" in text and PASSWORD not in text,
        "the account: defaults, port/mode, user, no password", text)
    sec = os.path.join(home, ".config", "outpost", "localhost.secret")
    tap(os.path.exists(sec) and mode(sec) == 0o600 and
        open(sec).read().strip() == PASSWORD and
        "password_file = %s" % sec in text,
        "no keyring: the secret in a 0600 password_file", text)
    auths = [e for e in w.events() if e.get("ev") == "auth"]
    tap(auths and auths[-1].get("ok") is True,
        "doctor --auth proved the password on the server", auths)
    tap(PASSWORD not in out + err, "the password is never printed", err)
    reqs = open(os.path.join(w.http_dir, "requests.log")).read()
    tap("me@" not in reqs and "me%40" not in reqs and PASSWORD not in reqs,
        "the autoconfig request carries neither address nor password", reqs)
    rc, out, err = run(["me@localhost"], env,
                       b"Subject: after setup\n\nhello\n")
    tap(rc == 0 and any(e.get("ev") == "delivered" for e in w.events()),
        "the written config delivers a message", out + err)
    return home, pw


def test_existing(w, home, pw):
    conf = os.path.join(home, ".config", "outpost", "config")
    before = open(conf).read()
    env = w.env(home, "good")
    rc, out, err = run(["setup", "me@localhost", "--password-file", pw,
                        "--yes"], env)
    tap(rc == 73 and "exists already" in err and
        open(conf).read() == before,
        "an existing account is not overwritten without --force (73)",
        "%d %s" % (rc, err))
    rc, out, err = run(["setup", "me@localhost", "--password-file", pw,
                        "--yes", "--force"], env)
    after = open(conf).read()
    tap(rc == 0 and after.count("[localhost]") == 1,
        "--force replaces it, once", "%d %s %s" % (rc, err, after))
    rc, out, err = run(["setup", "me@localhost", "-a", "second",
                        "--password-file", pw, "--yes"], env)
    after = open(conf).read()
    tap(rc == 0 and "[second]" in after and "[localhost]" in after and
        mode(conf) == 0o600, "-a NAME appends another account, 0600 kept",
        err + after)
    tap("[defaults] names account localhost: send with this one by "
        "-a second" in err, "... and says it is not the default", err)


HOSTILE = [
    ("huge", "larger than 65536 bytes"),
    ("deep", "nested too deep"),
    ("redirect", "redirect refused"),
    ("html", "Content-Type text/html"),
    ("plain", "only unencrypted ones"),
    ("doctype", "document type declaration"),
]


def test_hostile(w):
    home = w.home("hostile")
    for route, why in HOSTILE:
        rc, out, err = run(["-v", "setup", "me@localhost", "--find-only"],
                           w.env(home, route))
        tap(rc == 69 and why in err and "ispdb: no row" in err,
            "hostile autoconfig (%s) refused: %s" % (route, why),
            "%d %s" % (rc, err))
    rc, out, err = run(["-v", "setup", "me@localhost", "--find-only",
                        "--json"], w.env(home, "wk"))
    tap(rc == 0 and ".well-known" in err and
        json.loads(out or "{}").get("source") == "autoconfig",
        "-v names both URLs; the .well-known one answers", err)


def test_foreign(w):
    home = w.home("foreign")
    pw = os.path.join(w.work, "pw")
    env = w.env(home, "foreign")
    rc, out, err = run(["setup", "me@example.test", "--password-file", pw,
                        "--yes"], env)
    conf = os.path.join(home, ".config", "outpost", "config")
    tap(rc == 77 and "OUTSIDE the mail domain" in err and
        not os.path.exists(conf),
        "a server outside the domain is shown and, unconfirmed, not used",
        "%d %s" % (rc, err))
    n = len([e for e in w.events() if e.get("ev") == "delivered"])
    rc, out = run_pty(["setup", "me@example.test"], env, [
        ("Use them?", "y"), ("Password for me@localhost at localhost", PASSWORD),
        ("Send a test message", "y")])
    tap(rc == 0 and os.path.exists(conf), "on a terminal: confirmed, "
        "asked for the password, written", out)
    tap(PASSWORD not in out, "the password is not echoed", out)
    tap(len([e for e in w.events() if e.get("ev") == "delivered"]) == n + 1
        and "test message sent" in out,
        "the test message to the address itself is delivered", out)


def test_echo_order(w):
    """Echo goes off (TCSAFLUSH discards typeahead) before the prompt is
    written: in the other order an answer typed the moment the prompt
    shows is thrown away, and outpost waits for a line already given."""
    strace = shutil.which("strace")
    if strace is None:
        tap(False, "strace, to see the order of the terminal calls")
        return
    conf = os.path.join(w.work, "echo.conf")
    with open(conf, "w") as f:
        f.write("[a]\nhost = localhost\nuser = u\nfrom = u@localhost\n"
                "[defaults]\naccount = a\n")
    os.chmod(conf, 0o600)
    home = w.home("echo")
    for what, args, prompt in (
            ("setup", ["setup", "me@localhost"], "Password for me@"),
            ("password set", ["password", "set", "-C", conf],
             "Password for u at")):
        trace = os.path.join(w.work, "echo.trace")
        rc, out = run_pty(args, w.env(home, "good"), [
            (prompt, PASSWORD), ("Send a test message", "n")],
            wrap=[strace, "-f", "-qq", "-e", "trace=ioctl,write", "-o",
                  trace])
        lines = open(trace).read().split("\n")
        off = [i for i, ln in enumerate(lines) if "TCSETSF" in ln]
        shown = [i for i, ln in enumerate(lines)
                 if 'write(2, "Password for' in ln]
        tap(off and shown and off[0] < shown[0] and
            PASSWORD not in out, "%s: echo is off before the prompt "
            "shows" % what, "\n".join(lines[:40]) + out)


def test_mx(w):
    home = w.home("mx")
    for mx, preset in (("x.mail.protection.outlook.com", "microsoft365"),
                       ("aspmx.l.google.com", "google-workspace")):
        rc, out, err = run(["setup", "me@example.test", "--find-only",
                            "--json"], w.env(home, "none", mx))
        j = json.loads(out or "{}")
        tap(rc == 0 and j.get("provider") == preset and
            j.get("source") == "preset (MX)",
            "MX %s: preset %s" % (mx, preset), out + err)
    rc, out, err = run(["setup", "me@example.test", "--find-only", "--json"],
                       w.env(home, "none", "mx.elsewhere.test"))
    j = json.loads(out or "{}")
    hosts = [(s["host"], s["foreign"]) for s in j.get("servers", [])]
    tap(rc == 0 and ("smtp.example.test", False) in hosts and
        ("mx.elsewhere.test", True) in hosts,
        "no preset for the MX: guesses, the MX host marked foreign", out)
    rc, out, err = run(["setup", "me@gmail.com", "--find-only", "--json"],
                       w.env(home, "none"))
    j = json.loads(out or "{}")
    tap(rc == 0 and j.get("provider") == "gmail" and
        j.get("source") == "preset", "a preset by domain comes first", out)
    rc, out, err = run(["setup", "me@126.com", "--find-only", "--json"],
                       w.env(home, "none"))
    j = json.loads(out or "{}")
    tap(rc == 0 and j.get("source") == "ispdb" and
        j["servers"][0]["host"] == "smtp.126.com",
        "the generated ISPDB table answers for its domains", out)


def test_keyring(w, pw):
    """A reachable keyring gets the secret; the config names no file."""
    sys.path.insert(0, INTEG)
    import keyring
    tool = keyring.missing_tool()
    if tool:
        tap(True, "# SKIP keyring: %s is missing" % tool)
        return
    kr = keyring.Keyring(w.work)
    try:
        kr.start()
        home = w.home("keyring")
        env = w.env(home, "good")
        for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
            env[k] = kr.env[k]
        rc, out, err = run(["setup", "me@localhost", "--password-file", pw,
                            "--yes", "--json"], env)
        conf = os.path.join(home, ".config", "outpost", "config")
        text = open(conf).read() if os.path.exists(conf) else ""
        j = json.loads(out or "{}")
        tap(rc == 0 and j.get("secret") == "keyring" and
            kr.lookup("localhost", "smtp", "me@localhost") == PASSWORD and
            "password_file" not in text and j.get("verified") is True,
            "a keyring that answers keeps the secret; doctor --auth "
            "reads it back", out + err + text)
    finally:
        kr.stop()


def main():
    if not os.path.exists(OUTPOST):
        print("1..0 # SKIP no %s" % OUTPOST)
        return 0
    if subprocess.run([OUTPOST, "setup", "x@localhost", "--find-only"],
                      env={"OUTPOST_TEST_MX": "", "HOME": "/nonexistent",
                           "OUTPOST_TEST_AUTOCONFIG": "https://127.0.0.1:1"},
                      capture_output=True, timeout=60).returncode == 64:
        print("1..0 # SKIP outpost has no setup command")
        return 0
    if not os.path.exists(os.path.join(PKI, "ca.pem")):
        subprocess.run(["sh", os.path.join(INTEG, "gen-pki.sh"), PKI])
    if not os.path.exists(os.path.join(PKI, "ca.pem")):
        print("1..0 # SKIP no test PKI (openssl)")
        return 0
    os.makedirs(os.path.join(BUILD, "tests", "work"), exist_ok=True)
    w = World()
    try:
        w.smtpd()
        w.autoconfig()
        home, pw = test_one_command(w)
        test_existing(w, home, pw)
        test_hostile(w)
        test_foreign(w)
        test_mx(w)
        test_echo_order(w)
        test_keyring(w, pw)
    finally:
        w.stop()
    print("1..%d" % N[0])
    if not FAILED[0] and not os.environ.get("KEEP_WORK"):
        shutil.rmtree(w.work, ignore_errors=True)
    else:
        print("# work directory: %s" % w.work)
    return 1 if FAILED[0] else 0


if __name__ == "__main__":
    sys.exit(main())
