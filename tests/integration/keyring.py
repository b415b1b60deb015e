"""keyring.py - a real, headless Secret Service for one integration case.

A private session bus (dbus-daemon --session) and gnome-keyring-daemon
with a throwaway "login" keyring, unlocked at start (protocol.md 7.4), all
under a HOME and XDG directories of its own, so nothing of the user's is
touched.  That directory is short and under /tmp, not in the case's work
directory: a deep build tree (make distcheck) would push the keyring's
socket paths past the 108 bytes a unix socket name may have.  Items are stored with secret-tool, exactly as a user would.
Everything started here is stopped by stop(), also after a failure.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

TOOLS = ("dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool")
START_LIMIT = 5.0        # seconds for the bus and the keyring to come up


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

    def store(self, host, user, password):
        subprocess.run(
            ["secret-tool", "store", "--label=outpost test", "host", host,
             "service", "smtp", "user", user], env=self.env,
            input=password.encode(), check=True, timeout=START_LIMIT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.pids = []
        shutil.rmtree(self.home, ignore_errors=True)
