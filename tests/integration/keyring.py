"""keyring.py - a real, headless Secret Service for one integration case.

A private session bus (dbus-daemon --session) and gnome-keyring-daemon
with a throwaway "login" keyring, unlocked at start (as a desktop login
would leave it), all
under a HOME and XDG directories of its own, so nothing of the user's is
touched.  That directory is short and under /tmp, not in the case's work
directory: a deep build tree (make distcheck) would push the keyring's
socket paths past the 108 bytes a unix socket name may have.  Items are stored with secret-tool, exactly as a user would.
Everything started here is stopped by stop(), also after a failure.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

TOOLS = ("dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool")
START_LIMIT = 5.0        # seconds for the bus and the keyring to come up

BUS_CONF = """<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def missing_tool():
    """The first tool that is not installed, or None."""
    for t in TOOLS:
        if shutil.which(t) is None:
            return t
    return None


class Keyring:
    def __init__(self, work):
        self.home = tempfile.mkdtemp(prefix="opk.", dir="/tmp")
        self.env = dict(os.environ)
        for d in ("run", "data", "config"):
            os.makedirs(os.path.join(self.home, d), mode=0o700,
                        exist_ok=True)
        self.env.update(HOME=self.home,
                        XDG_RUNTIME_DIR=os.path.join(self.home, "run"),
                        XDG_DATA_HOME=os.path.join(self.home, "data"),
                        XDG_CONFIG_HOME=os.path.join(self.home, "config"))
        self.env.pop("DISPLAY", None)
        self.pids = []
        self.address = None
        self.stopped = []       # pids sent SIGSTOP (hang()), continued first
        self.sock = None        # the listener of start_stalled()

    def start(self):
        out = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1",
             "--print-pid=1"], env=self.env, capture_output=True,
            timeout=START_LIMIT, check=True, text=True).stdout.split()
        self.address, self.pids = out[0], [int(out[1])]
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        gk = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock",
             "--components=secrets"], env=self.env, stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gk.stdin.write(b"throwaway-unlock-password")
        gk.stdin.close()
        self.pids.append(gk.pid)
        end = time.monotonic() + START_LIMIT
        while time.monotonic() < end:
            r = subprocess.run(
                ["dbus-send", "--session", "--print-reply",
                 "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                 "org.freedesktop.DBus.NameHasOwner",
                 "string:org.freedesktop.secrets"], env=self.env,
                capture_output=True, text=True, timeout=START_LIMIT)
            if "boolean true" in r.stdout:
                return
            time.sleep(0.02)
        raise RuntimeError("gnome-keyring-daemon did not come up")

    def store(self, host, user, password, service="smtp"):
        subprocess.run(
            ["secret-tool", "store", "--label=outpost test", "host", host,
             "service", service, "user", user], env=self.env,
            input=password.encode(), check=True, timeout=START_LIMIT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def lock(self):
        """Lock the default collection, as the desktop does on idle: its
        items stay listed but their secrets cannot be read."""
        r = subprocess.run(
            ["dbus-send", "--session", "--print-reply",
             "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
             "org.freedesktop.Secret.Service.Lock",
             "array:objpath:/org/freedesktop/secrets/collection/login"],
            env=self.env, capture_output=True, text=True,
            timeout=START_LIMIT)
        if r.returncode != 0 or "/collection/login" not in r.stdout:
            raise RuntimeError("could not lock the test keyring: %s"
                               % (r.stdout + r.stderr))

    def hang(self):
        """Stop gnome-keyring-daemon: it keeps its bus name and never
        answers (a hung Secret Service)."""
        pid = self.pids[-1]
        os.kill(pid, signal.SIGSTOP)
        self.stopped.append(pid)

    def start_no_service(self):
        """A private session bus with no Secret Service on it and no
        service directories, so nothing can be activated either."""
        conf = os.path.join(self.home, "bus.conf")
        with open(conf, "w") as f:
            f.write(BUS_CONF % self.home)
        out = subprocess.run(
            ["dbus-daemon", "--config-file=" + conf, "--fork",
             "--print-address=1", "--print-pid=1"], env=self.env,
            capture_output=True, timeout=START_LIMIT, check=True,
            text=True).stdout.split()
        self.address, self.pids = out[0], [int(out[1])]
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address

    def start_stalled(self):
        """A "bus" socket that accepts connections (the kernel's backlog
        does) and never says a word."""
        path = os.path.join(self.home, "stalled-bus")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(16)
        self.address = "unix:path=" + path
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address

    def lookup(self, host, service, user):
        """The secret secret-tool finds for these attributes, or None."""
        r = subprocess.run(
            ["secret-tool", "lookup", "host", host, "service", service,
             "user", user], env=self.env, capture_output=True,
            timeout=START_LIMIT)
        return r.stdout.decode("utf-8", "surrogateescape") \
            if r.returncode == 0 else None

    def stop(self):
        for pid in self.stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.stopped = []
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.pids = []
        shutil.rmtree(self.home, ignore_errors=True)
