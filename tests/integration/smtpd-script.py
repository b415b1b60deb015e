#!/usr/bin/python3
"""smtpd-script.py - a scripted, misbehaving SMTP server for outpost's tests.

Python 3 standard library only (socket, ssl, threading, select); one thread
per connection over blocking sockets, which gives byte-level control over
every write (several replies in one write, forged bytes after a 220 to
STARTTLS, drip-feeding, cleartext after a handshake).

    smtpd-script.py --script FILE --dir DIR --ready FILE [--pki DIR]
                    [--lifetime SECONDS]

FILE holds the [server] directives of a case (README documents every one).
The server listens on an ephemeral port, writes it to the ready file (by a
rename, so a reader never sees half of it; one "NAME PORT" line follows for
each listener-extra) and records into DIR:

  events.jsonl   one JSON object per line: accept, greeting, cmd (every
                 client command line, with its flight and whether TLS was
                 up; AUTH arguments and SASL responses appear redacted),
                 reply, tls, tls-fail, auth, mail, rcpt, data, violation,
                 desync, close (with the per-connection "waits" count).
  private.jsonl  mode 0600: the raw AUTH lines and SASL responses and what
                 they decoded to, so the runner knows every secret form the
                 client put on the wire and can check it leaked nowhere.
  data-C-N.eml   the DATA content of transaction N on connection C, exactly
                 as received after un-dot-stuffing, without the final dot.

A "flight" is what arrived in one read, plus whatever followed within the
flight window (default 30 ms): a lock-step client can never put two
commands into one flight, a pipelining client puts MAIL+RCPT+DATA into one.
"waits" counts how often the command loop had to block for client input.

Invariants: the process never outlives --lifetime (a watchdog calls
os._exit); every event is flushed when written, so SIGTERM loses nothing.
"""

import argparse
import base64
import collections
import copy
import json
import os
import re
import select
import signal
import socket
import ssl
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caselib import unescape  # noqa: E402  (tests/integration/caselib.py)

warnings.filterwarnings("ignore", category=DeprecationWarning)

T0 = time.monotonic()
CMDS = ("GREETING", "EHLO", "HELO", "STARTTLS", "AUTH", "SASL", "MAIL",
        "RCPT", "DATA", "DOT", "QUIT", "RSET", "NOOP", "OTHER")
DEFAULT_CAPA = ["PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES",
                "SIZE 52428800", "DSN", "AUTH PLAIN LOGIN"]
SASL_MECHS = {"PLAIN", "LOGIN", "EXTERNAL", "CRAM-MD5", "DIGEST-MD5",
              "XOAUTH2", "OAUTHBEARER", "GSSAPI", "NTLM", "ANONYMOUS",
              "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256",
              "SCRAM-SHA-256-PLUS"}
CERTS = {"good": "server", "server": "server", "expired": "expired",
         "wronghost": "wronghost", "selfsigned": "selfsigned"}
# listener-extra kinds: SMTP listeners, and ports that never talk SMTP
EXTRA_KINDS = ("plain", "starttls", "implicit", "refused", "silent",
               "blackhole")
BINARY = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
DEFAULT_INJECT = (b"250-forged.example\r\n250-AUTH PLAIN LOGIN\r\n"
                  b"250 PIPELINING\r\n")


def split_capa(rest):
    """A capa list -> EHLO keyword lines.  Commas separate lines when
    present; otherwise a new line starts at each token that is not a
    parameter (SIZE takes a number, AUTH and AUTH= take mechanisms)."""
    if "," in rest:
        return [x.strip() for x in rest.split(",") if x.strip()]
    lines = []
    for tok in rest.split():
        if lines:
            head = lines[-1].split()[0].upper()
            if head == "SIZE" and tok.isdigit():
                lines[-1] += " " + tok
                continue
            if head.startswith("AUTH") and tok.upper() in SASL_MECHS:
                lines[-1] += " " + tok
                continue
        lines.append(tok)
    return lines


class Script:
    """The parsed [server] directives."""

    def __init__(self, text):
        self.mode = "starttls"
        self.cert = "server"
        self.host = "127.0.0.1"
        self.client_cert = None          # None | "request" | "require"
        self.tls_versions = None
        self.greeting = None             # bytes (raw) or None
        self.greeting_delay = 0.0
        self.capa = None
        self.capa_pretls = None
        self.no_starttls = False
        self.user = "alice@example.com"
        self.password = "s3cr3t-P@ss word"
        self.auth_reject = None
        self.require_auth = False
        self.tokens = None
        self.token_until = {}
        self.replies = {}                # (CMD, n or 0) -> bytes raw/tuple
        self.rcpt_replies = {}
        self.rcpt_max = 0                # RCPTs per transaction, 0: any
        self.bare_lf = False
        self.per_write = False
        self.inject = None
        self.plain_after = None
        self.delays = {}                 # CMD or "*" -> seconds
        self.stall = {}                  # cmd -> nth (0: every one)
        self.drip = {}
        self.drop = {}                   # point -> (arg, rst, nth)
        self.close_after = set()
        self.freeze = None
        self.flood = {}
        self.tls_alert = None            # (BYTES, "close-notify"|"fatal")
        self.reject_ehlo = []
        self.wait_before_read = 0.0
        self.window = 0.03
        self.lifetime = 60.0
        self.extra = []                  # (name, kind, cert, host)
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if line == "" or line.startswith("#"):
                continue
            name, _, rest = line.partition(" ")
            rest = rest.strip()
            fn = getattr(self, "d_" + name.replace("-", "_"), None)
            if fn is None:
                raise SystemExit("script line %d: unknown directive %r"
                                 % (lineno, name))
            try:
                fn(rest)
            except (ValueError, IndexError, KeyError) as exc:
                raise SystemExit("script line %d: %s: %s"
                                 % (lineno, name, exc))

    @staticmethod
    def cmdkey(word):
        cmd, _, nth = word.upper().partition("#")
        if cmd not in CMDS and cmd != "*":
            raise ValueError("unknown command name %r" % cmd)
        return cmd, int(nth) if nth else 0

    def d_listener(self, rest):
        words = rest.split()
        if words[0] not in ("plain", "starttls", "implicit"):
            raise ValueError("listener plain|starttls|implicit")
        self.mode = words[0]
        for w in words[1:]:
            k, _, v = w.partition("=")
            if k == "cert":
                self.cert = CERTS[v]
            elif k == "host":
                self.host = v
            elif k == "require-client-cert":
                self.client_cert = "require"
            else:
                raise ValueError("unknown listener option %r" % w)

    def d_listener_extra(self, rest):
        words = rest.split()
        if len(words) < 2 or not re.fullmatch(r"\w+", words[0]) or \
                words[1] not in EXTRA_KINDS:
            raise ValueError("listener-extra NAME %s" % "|".join(EXTRA_KINDS))
        cert, host = "server", "127.0.0.1"
        for w in words[2:]:
            k, _, v = w.partition("=")
            if k == "cert":
                cert = CERTS[v]
            elif k == "host":
                host = v
            else:
                raise ValueError("unknown listener-extra option %r" % w)
        self.extra.append((words[0], words[1], cert, host))

    def d_require_client_cert(self, rest):
        self.client_cert = "require"

    def d_request_client_cert(self, rest):
        self.client_cert = "request"

    def d_tls_version(self, rest):
        v = rest.split()
        self.tls_versions = (v[0], v[-1])

    def d_greeting(self, rest):
        code, _, text = rest.partition(" ")
        self.greeting = (int(code), text)

    def d_greeting_raw(self, rest):
        self.greeting = unescape(rest)

    def d_greeting_delay(self, rest):
        self.greeting_delay = float(rest)

    def d_capa(self, rest):
        self.capa = (self.capa or []) + split_capa(rest)

    def d_capa_line(self, rest):
        self.capa = (self.capa or []) + [rest]

    def d_capa_none(self, rest):
        self.capa = []

    def d_capa_pretls(self, rest):
        self.capa_pretls = (self.capa_pretls or []) + split_capa(rest)

    def d_capa_pretls_line(self, rest):
        self.capa_pretls = (self.capa_pretls or []) + [rest]

    def d_capa_pretls_none(self, rest):
        self.capa_pretls = []

    def d_no_starttls(self, rest):
        self.no_starttls = True

    def d_auth(self, rest):
        user, _, pw = rest.partition(" ")
        self.user, self.password = user, pw

    def d_auth_token(self, rest):
        self.tokens = rest.split()

    def d_auth_token_until(self, rest):
        tok, n = rest.split()
        self.token_until[tok] = int(n)
        if self.tokens is None:
            self.tokens = []
        self.tokens.append(tok)

    def d_auth_reject(self, rest):
        self.auth_reject = rest or "535 5.7.8 Authentication credentials invalid"

    def d_require_auth(self, rest):
        self.require_auth = True

    def d_reply(self, rest):
        what, _, rest = rest.partition(" ")
        code, _, text = rest.partition(" ")
        self.replies[self.cmdkey(what)] = (int(code), text)

    def d_reply_raw(self, rest):
        what, _, rest = rest.partition(" ")
        self.replies[self.cmdkey(what)] = unescape(rest)

    def d_starttls_reply(self, rest):
        self.d_reply("STARTTLS " + rest)

    def d_rcpt(self, rest):
        addr, _, rest = rest.partition(" ")
        code, _, text = rest.partition(" ")
        self.rcpt_replies[addr.strip("<>").lower()] = (int(code), text)

    def d_rcpt_max(self, rest):
        self.rcpt_max = int(rest)

    def d_replylf(self, rest):
        self.bare_lf = True

    d_bare_lf = d_replylf

    def d_reply_per_write(self, rest):
        self.per_write = True

    def d_inject_after_starttls(self, rest):
        self.inject = unescape(rest) if rest else DEFAULT_INJECT

    def d_plaintext_after_handshake(self, rest):
        self.plain_after = unescape(rest) if rest else b"250 ok\r\n"

    def d_delay(self, rest):
        w = rest.split()
        if len(w) == 1:
            self.delays["*"] = float(w[0])
        else:
            self.delays[self.cmdkey(w[0])[0]] = float(w[1])

    def d_stall(self, rest):
        cmd, nth = self.cmdkey(rest)
        self.stall[cmd] = nth

    def d_drip(self, rest):
        w = rest.split()
        self.drip[self.cmdkey(w[0])[0]] = float(w[1]) if len(w) > 1 else 1.0

    def d_drop(self, rest):
        w = rest.split()
        point, _, arg = w[0].partition("=")
        rst = "rst" in w[1:]
        if point.lower() == "mid-data":
            self.drop["MID-DATA"] = (int(arg or "1"), rst, 0)
        else:
            cmd, nth = self.cmdkey(point)
            self.drop[cmd] = (0, rst, nth)

    def d_freeze(self, rest):
        point, _, arg = rest.strip().partition("=")
        if point.lower() != "mid-data":
            raise ValueError("freeze mid-data[=BYTES]")
        self.freeze = int(arg or "1")

    def d_close_after(self, rest):
        self.close_after.add(self.cmdkey(rest)[0])

    def d_flood(self, rest):
        what, _, line = rest.partition(" ")
        self.flood[self.cmdkey(what)[0]] = (
            unescape(line) if line else b"250-xxxxxxxxxxxxxxxxxxxxxxxx\r\n")

    def d_reply_lines(self, rest):
        """reply-lines CMD[#N] COUNT CODE [TEXT]: a COUNT-line reply."""
        w = rest.split(None, 3)
        what, count, code = w[0], int(w[1]), int(w[2])
        txt = w[3] if len(w) > 3 else "line"
        body = b"".join(b"%03d-%s %d\r\n" % (code, txt.encode(), i)
                        for i in range(count - 1))
        self.replies[self.cmdkey(what)] = body + b"%03d %s end\r\n" % (
            code, txt.encode())

    def d_tls_alert(self, rest):
        w = rest.split()
        point, _, arg = w[0].partition("=")
        kind = w[1] if len(w) > 1 else "close-notify"
        if point.lower() != "mid-data" or kind not in ("close-notify",
                                                       "fatal"):
            raise ValueError("tls-alert mid-data[=BYTES] "
                             "[close-notify|fatal]")
        self.tls_alert = (int(arg or "1"), kind)

    def d_reject_ehlo(self, rest):
        arg, _, rest = rest.partition(" ")
        code, _, text = rest.partition(" ")
        self.reject_ehlo.append((arg.lower(), int(code), text))

    def d_wait_before_read(self, rest):
        self.wait_before_read = float(rest)

    def d_flight_window(self, rest):
        self.window = float(rest)

    def d_lifetime(self, rest):
        self.lifetime = float(rest)


class Recorder:
    """Thread-safe, flushed-at-once event log plus the private file."""

    def __init__(self, d):
        self.dir = d
        self.lock = threading.Lock()
        self.events = open(os.path.join(d, "events.jsonl"), "a",
                           encoding="utf-8")
        fd = os.open(os.path.join(d, "private.jsonl"),
                     os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.private = os.fdopen(fd, "a", encoding="utf-8")
        self.counters = collections.Counter()

    def _write(self, f, obj):
        obj["t"] = round(time.monotonic() - T0, 4)
        with self.lock:
            f.write(json.dumps(obj, ensure_ascii=True) + "\n")
            f.flush()

    def ev(self, conn, kind, **kw):
        kw.update(conn=conn, ev=kind)
        self._write(self.events, kw)

    def secret(self, conn, **kw):
        kw.update(conn=conn)
        self._write(self.private, kw)

    def count(self, cmd):
        with self.lock:
            self.counters[cmd] += 1
            return self.counters[cmd]

    def peek(self, cmd):
        """The number the next count(cmd) will return."""
        with self.lock:
            return self.counters[cmd] + 1


class Closed(Exception):
    """The connection is over (EOF, reset, or we dropped it)."""


def text(b):
    return b.decode("utf-8", "surrogateescape").encode(
        "utf-8", "backslashreplace").decode("utf-8")


class Session:
    def __init__(self, srv, sock, cid, sc=None):
        self.srv = srv
        self.sc = sc if sc is not None else srv.script
        self.rec = srv.rec
        self.cid = cid
        self.sock = sock
        self.tls = False
        self.partial = b""
        self.lines = collections.deque()    # (flight, bytes incl. EOL)
        self.eof = False
        self.flight = 0
        self.waits = 0
        self.out = []                       # pending reply bytes
        self.capa = []
        self.ehlo_seen = False
        self.authed = False
        self.client_cn = None
        self.sni = None
        self.ntx = 0
        self.stalled = False
        self.no_service = False
        self.reset_tx()

    def reset_tx(self):
        self.mail = None
        self.rcpts = []

    def ev(self, kind, **kw):
        self.rec.ev(self.cid, kind, **kw)

    def violation(self, reason):
        self.ev("violation", reason=reason)

    # ---- input -----------------------------------------------------
    def _readable(self, timeout):
        if self.tls and self.sock.pending() > 0:
            return True
        try:
            r, _, _ = select.select([self.sock], [], [], timeout)
        except (OSError, ValueError):
            return True
        return bool(r)

    def _recv(self):
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            return None
        except (ssl.SSLError, OSError):
            data = b""
        if data == b"":
            self.eof = True
        return data

    def _add(self, data):
        buf = self.partial + data
        start = 0
        while True:
            i = buf.find(b"\n", start)
            if i < 0:
                break
            self.lines.append((self.flight, buf[start:i + 1]))
            start = i + 1
        self.partial = buf[start:]

    def pump(self, timeout, window):
        """Read what arrives within timeout (one flight, extended by the
        window); False when nothing came."""
        if self.eof or not self._readable(timeout):
            return False
        data = self._recv()
        if not data:
            return bool(self.eof)
        self.flight += 1
        self._add(data)
        end = time.monotonic() + window
        while not self.eof:
            left = end - time.monotonic()
            if left <= 0 or not self._readable(left):
                break
            data = self._recv()
            if data:
                self._add(data)
        return True

    def sleep(self, seconds):
        """Sleep, but keep reading (early talkers, EOF) meanwhile."""
        end = time.monotonic() + seconds
        while not self.eof:
            left = end - time.monotonic()
            if left <= 0:
                return
            self.pump(min(left, 0.5), self.sc.window)
        raise Closed("eof while waiting")

    def next_line(self):
        """The next client line, waiting for it (flushing replies first)."""
        if not self.lines:
            self.flush()
            self.waits += 1
            if self.sc.wait_before_read > 0:
                self.sleep(self.sc.wait_before_read)
            while not self.lines:
                if self.eof:
                    if self.partial:
                        self.lines.append((self.flight, self.partial))
                        self.partial = b""
                        break
                    raise Closed("eof")
                self.pump(1.0, self.sc.window)
        return self.lines.popleft()

    # ---- output ----------------------------------------------------
    def send_now(self, data):
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as exc:
            raise Closed("send: %s" % exc)

    def flush(self):
        if self.out:
            data = b"".join(self.out)
            self.out = []
            self.send_now(data)

    def build(self, code, txt):
        eol = b"\n" if self.sc.bare_lf else b"\r\n"
        parts = txt.split("\\n") if txt else [""]
        out = b""
        for i, p in enumerate(parts):
            sep = " " if i == len(parts) - 1 else "-"
            out += unescape("%03d%s%s" % (code, sep, p)) + eol
        return out

    def reply(self, cmd, code, txt, nth=None):
        """Send the reply to cmd (after the script's overrides); returns
        the code that the state machine should act on."""
        sc = self.sc
        if nth is None:
            nth = self.rec.count(cmd)
        over = sc.replies.get((cmd, nth), sc.replies.get((cmd, 0)))
        if isinstance(over, tuple):
            code, txt = over
            over = None
        data = over if over is not None else self.build(code, txt)
        if over is not None:
            m = re.match(rb"(\d{3})", over)
            code = int(m.group(1)) if m else 0
        self.ev("reply", cmd=cmd, code=code, text=text(data[:300]))
        if cmd in sc.stall and sc.stall[cmd] in (0, nth):
            self.ev("stall", cmd=cmd)
            self.stalled = True
            return None
        if cmd == "GREETING" and cmd in sc.drop:
            self.ev("drop", at=cmd)
            self.drop_now(sc.drop[cmd][1])
        if cmd in sc.flood:
            self.flush()
            self.ev("flood", cmd=cmd)
            chunk = sc.flood[cmd] * 64
            while True:
                self.send_now(chunk)
        delay = sc.delays.get(cmd, sc.delays.get("*", 0))
        if delay > 0:
            self.flush()
            self.sleep(delay)
        drip = sc.drip.get(cmd, sc.drip.get("*"))
        if drip is not None:
            self.flush()
            self.ev("drip", cmd=cmd)
            for i in range(len(data)):
                self.send_now(data[i:i + 1])
                if i + 1 < len(data):
                    self.sleep(drip)
        else:
            self.out.append(data)
            if sc.per_write:
                self.flush()
        if cmd in sc.close_after or code == 421 or (cmd == "QUIT"
                                                    and code == 221):
            self.flush()
            raise Closed("closed after %s %d" % (cmd, code))
        return code

    def send_alert(self, kind, size):
        """tls-alert: a TLS alert in the middle of the message, then the
        connection ends.  close-notify: the proper, encrypted alert
        (unwrap); fatal: a cleartext fatal handshake_failure alert record
        written on the raw socket inside the encrypted stream."""
        self.ev("tls-alert", alert=kind, bytes=size)
        if kind == "close-notify":
            try:
                self.sock.settimeout(2)
                self.sock = self.sock.unwrap()
            except (ssl.SSLError, OSError):
                pass
        else:
            try:
                os.write(self.sock.fileno(), b"\x15\x03\x03\x00\x02\x02\x28")
            except OSError:
                pass
        raise Closed("tls alert mid-data")

    def drop_now(self, rst=False):
        if rst:
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     b"\x01\0\0\0\0\0\0\0")
            except OSError:
                pass
        raise Closed("dropped")

    # ---- TLS -------------------------------------------------------
    def context(self):
        sc = self.sc
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        base = os.path.join(self.srv.pki, sc.cert)
        ctx.load_cert_chain(base + ".pem", base + ".key")
        ctx.num_tickets = 0
        if sc.tls_versions:
            vmap = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                    "1.2": ssl.TLSVersion.TLSv1_2,
                    "1.3": ssl.TLSVersion.TLSv1_3}
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = vmap[sc.tls_versions[0]]
            ctx.maximum_version = vmap[sc.tls_versions[1]]
        if sc.client_cert:
            ctx.load_verify_locations(os.path.join(self.srv.pki, "ca.pem"))
            ctx.verify_mode = (ssl.CERT_REQUIRED if sc.client_cert == "require"
                               else ssl.CERT_OPTIONAL)

        def sni(sslsock, name, c):
            self.sni = name
        ctx.sni_callback = sni
        return ctx

    def handshake(self):
        if self.lines or self.partial:
            self.violation("client sent data before the TLS handshake")
            self.lines.clear()
            self.partial = b""
        raw = self.sock
        raw.settimeout(15)
        try:
            s = self.context().wrap_socket(raw, server_side=True,
                                           do_handshake_on_connect=False)
            self.sock = s
            s.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            self.ev("tls-fail", error=str(exc))
            raise Closed("handshake failed")
        self.tls = True
        cn = None
        cert = self.sock.getpeercert()
        if cert:
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        cn = v
        self.client_cn = cn
        self.ev("tls", version=self.sock.version(),
                cipher=self.sock.cipher()[0], sni=self.sni, client_cert=cn)
        self.capa = []
        self.ehlo_seen = False
        self.authed = False
        self.reset_tx()
        if self.sc.plain_after is not None:
            self.ev("plaintext-after-handshake")
            try:
                os.write(self.sock.fileno(), self.sc.plain_after)
            except OSError:
                raise Closed("plaintext write failed")

    # ---- session ---------------------------------------------------
    def run(self):
        sc = self.sc
        try:
            if sc.mode == "implicit":
                self.handshake()
            if sc.greeting_delay > 0:
                self.sleep(sc.greeting_delay)
            if self.lines or self.partial:
                self.violation("client spoke before the greeting")
            g = sc.greeting if sc.greeting is not None else (
                220, "mx.test ESMTP outpost test server")
            if isinstance(g, bytes):
                sc.replies.setdefault(("GREETING", 0), g)
                g = (220, "")
            self.ev("greeting")
            code = self.reply("GREETING", g[0], g[1])
            if code is None:
                self.sink()
            self.no_service = code // 100 != 2
            while True:
                fl, line = self.next_line()
                if self.stalled:
                    self.record(fl, line)
                    continue
                self.command(fl, line)
        except Closed as exc:
            why = str(exc)
        except Exception as exc:    # a server bug: record it, never hang
            why = "server error: %r" % exc
            self.ev("server-error", error=repr(exc))
        try:
            self.flush()
        except Closed:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        self.ev("close", why=why, waits=self.waits, flights=self.flight)

    def sink(self):
        self.stalled = True
        while True:
            fl, line = self.next_line()
            self.record(fl, line)

    def record(self, fl, line, shown=None):
        if BINARY.search(line.rstrip(b"\r\n")):
            self.ev("cmd", line="<binary %d bytes>" % len(line), flight=fl,
                    tls=self.tls, ahead=len(self.lines), binary=True)
            return None
        if not line.endswith(b"\r\n"):
            self.violation("client line not ended by CRLF: %s"
                           % text(line[:80]))
        s = shown if shown is not None else text(line.rstrip(b"\r\n"))
        self.ev("cmd", line=s, flight=fl, tls=self.tls,
                ahead=len(self.lines))
        return s

    def check_pipelining(self, verb, fl, last_in_group=False):
        if not self.lines:
            return
        if "PIPELINING" not in [c.split()[0].upper() for c in self.capa]:
            self.violation("%s: next command sent before the reply "
                           "(no PIPELINING)" % verb)
        elif last_in_group:
            self.violation("%s: must be the last command of a group" % verb)

    def command(self, fl, line):
        s = line.rstrip(b"\r\n")
        if BINARY.search(s):
            # binary (e.g. a TLS ClientHello sent to a plaintext server):
            # recorded, answered 500, exempt from the line checks
            self.record(fl, line)
            self.reply("OTHER", 500, "5.5.2 Error: bad syntax")
            return
        verb = s.split(b" ", 1)[0].upper().decode("ascii", "replace")
        arg = s[len(verb) + 1:] if b" " in s else b""
        if verb == "AUTH":
            return self.do_auth(fl, line, arg)
        self.record(fl, line)
        cmd = verb if verb in CMDS else "OTHER"
        if self.no_service and cmd != "QUIT":
            self.reply("OTHER", 503, "5.5.1 Error: no SMTP service here")
            return
        if self.dropping(cmd):
            self.ev("drop", at=cmd)
            self.drop_now(self.sc.drop[cmd][1])
        fn = getattr(self, "do_" + cmd.lower(), None)
        self.check_pipelining(verb, fl, cmd in ("EHLO", "HELO", "STARTTLS",
                                               "DATA", "QUIT", "NOOP"))
        if fn is None or cmd in ("OTHER", "GREETING", "SASL", "DOT"):
            self.reply("OTHER", 502, "5.5.2 Error: command not recognized")
            return
        fn(arg)

    def do_ehlo(self, arg):
        name = text(arg).strip()
        if self.tls and self.sc.inject is not None and not self.ehlo_seen:
            # The oracle: a client that believed the forged lines sends its
            # next command without waiting for the real EHLO reply
            self.sleep(0.5)
            if self.lines:
                self.ev("desync", next=text(self.lines[0][1][:80]))
        for bad, code, txt in self.sc.reject_ehlo:
            if name.lower() == bad:
                self.reply("EHLO", code, txt)
                return
        if self.sc.mode == "starttls" and not self.tls:
            if self.sc.capa_pretls is not None:
                capa = list(self.sc.capa_pretls)
            else:
                capa = [c for c in self.post_capa()
                        if not c.upper().startswith("AUTH")]
                capa.append("STARTTLS")
            if self.sc.no_starttls:
                capa = [c for c in capa if c.upper() != "STARTTLS"]
        else:
            capa = self.post_capa()
        nth = self.rec.count("EHLO")
        over = self.sc.replies.get(("EHLO", nth),
                                   self.sc.replies.get(("EHLO", 0)))
        if isinstance(over, tuple):
            over = self.build(*over)
        if over is not None:
            # the keywords the override really advertises
            capa = [text(x)[4:].strip() for x in
                    over.replace(b"\r", b"").split(b"\n")[1:] if x]
        self.capa = capa
        self.ehlo_seen = True
        self.reset_tx()
        txt = "\\n".join(["mx.test Hello %s" % (name or "nobody")] + capa)
        self.reply("EHLO", 250, txt, nth)

    def post_capa(self):
        if self.sc.capa is not None:
            return list(self.sc.capa)
        capa = list(DEFAULT_CAPA)
        if self.sc.client_cert:
            capa[-1] += " EXTERNAL"
        return capa

    def do_helo(self, arg):
        self.capa = []
        self.ehlo_seen = True
        self.reset_tx()
        self.reply("HELO", 250, "mx.test")

    def do_starttls(self, arg):
        if self.tls:
            self.reply("STARTTLS", 503, "5.5.1 TLS already active")
            return
        if self.sc.mode != "starttls" or self.sc.no_starttls:
            self.reply("STARTTLS", 502, "5.5.1 STARTTLS not offered")
            return
        code = self.reply("STARTTLS", 220, "2.0.0 Ready to start TLS")
        if code != 220:
            return
        if self.sc.inject is not None:
            self.out.append(self.sc.inject)
            self.ev("inject", bytes=len(self.sc.inject))
        self.flush()
        self.handshake()

    def do_noop(self, arg):
        self.reply("NOOP", 250, "2.0.0 Ok")

    def do_rset(self, arg):
        self.reset_tx()
        self.reply("RSET", 250, "2.0.0 Ok")

    def do_quit(self, arg):
        self.reply("QUIT", 221, "2.0.0 Bye")

    def capa_has(self, kw):
        return kw in [c.split()[0].upper() for c in self.capa]

    def size_limit(self):
        for c in self.capa:
            w = c.split()
            if w[0].upper() == "SIZE" and len(w) > 1 and w[1].isdigit():
                return int(w[1])
        return 0

    def check_params(self, what, params, addr):
        need = {"SIZE": "SIZE", "BODY": "8BITMIME", "SMTPUTF8": "SMTPUTF8",
                "RET": "DSN", "ENVID": "DSN", "NOTIFY": "DSN", "ORCPT": "DSN",
                "AUTH": "AUTH"}
        bad = []
        for p in params:
            k, _, v = p.partition("=")
            kw = need.get(k.upper())
            if k.upper() == "BODY" and v.upper() == "BINARYMIME":
                kw = "BINARYMIME"
            if kw is None or not self.capa_has(kw):
                bad.append(p)
        if bad:
            self.violation("%s parameter(s) not advertised: %s"
                           % (what, " ".join(bad)))
        if not addr.isascii() and not (self.mail and self.mail["utf8"]):
            self.violation("%s: non-ASCII address without SMTPUTF8" % what)
        return bad

    @staticmethod
    def parse_path(arg, prefix):
        s = text(arg)
        if not s.upper().startswith(prefix):
            return None, []
        s = s[len(prefix):].lstrip()
        if s.startswith("<"):
            end = s.find(">")
            if end < 0:
                return None, []
            return s[1:end], s[end + 1:].split()
        w = s.split()
        return (w[0] if w else ""), w[1:]

    def do_mail(self, arg):
        addr, params = self.parse_path(arg, "FROM:")
        if addr is None:
            self.reply("MAIL", 501, "5.5.4 Syntax: MAIL FROM:<address>")
            return
        self.ev("mail", addr=addr, params=params)
        if self.mail is not None:
            self.reply("MAIL", 503, "5.5.1 Error: nested MAIL command")
            return
        if self.sc.require_auth and not self.authed:
            self.reply("MAIL", 530, "5.7.0 Authentication required")
            return
        utf8 = any(p.upper() == "SMTPUTF8" for p in params)
        self.mail = {"addr": addr, "params": params, "utf8": utf8}
        if self.check_params("MAIL", params, addr):
            self.mail = None
            self.reply("MAIL", 555, "5.5.4 Unsupported option")
            return
        lim = self.size_limit()
        for p in params:
            k, _, v = p.partition("=")
            if k.upper() == "SIZE" and lim and v.isdigit() and int(v) > lim:
                self.mail = None
                self.reply("MAIL", 552, "5.3.4 Message size exceeds fixed "
                           "maximum message size")
                return
        code = self.reply("MAIL", 250, "2.1.0 Ok")
        if code is None or code // 100 != 2:
            self.mail = None

    def do_rcpt(self, arg):
        addr, params = self.parse_path(arg, "TO:")
        if addr is None:
            self.reply("RCPT", 501, "5.5.4 Syntax: RCPT TO:<address>")
            return
        if self.mail is None:
            self.ev("rcpt", addr=addr, params=params, code=503)
            self.reply("RCPT", 503, "5.5.1 Error: need MAIL command")
            return
        self.check_params("RCPT", params, addr)
        over = self.sc.rcpt_replies.get(addr.lower())
        code, txt = over if over else (250, "2.1.5 Ok")
        if self.sc.rcpt_max and len(self.rcpts) >= self.sc.rcpt_max:
            code, txt = 452, "4.5.3 Error: too many recipients"
        code = self.reply("RCPT", code, txt)
        self.ev("rcpt", addr=addr, params=params, code=code)
        if code is not None and code // 100 == 2:
            self.rcpts.append(addr)

    def do_data(self, arg):
        if self.mail is None:
            self.reply("DATA", 503, "5.5.1 Error: need MAIL command")
            return
        if not self.rcpts:
            self.reply("DATA", 554, "5.5.1 Error: no valid recipients")
            return
        code = self.reply("DATA", 354, "End data with <CR><LF>.<CR><LF>")
        if code != 354:
            if code is not None:
                self.reset_tx()
            return
        if self.lines:
            self.violation("DATA: message content sent before the 354")
        self.flush()
        self.receive_data()

    def receive_data(self):
        sc = self.sc
        self.ntx += 1
        name = "data-%d-%d.eml" % (self.cid, self.ntx)
        drop = sc.drop.get("MID-DATA")
        size = 0
        lines = 0
        complete = False
        with open(os.path.join(self.rec.dir, name), "wb") as f:
            try:
                while True:
                    if not self.lines:
                        if self.eof:
                            raise Closed("eof in DATA")
                        self.pump(1.0, 0)
                        continue
                    _, line = self.lines.popleft()
                    if line == b".\r\n":
                        complete = True
                        break
                    if line.startswith(b"."):
                        line = line[1:]
                    f.write(line)
                    size += len(line)
                    lines += 1
                    if drop is not None and size >= drop[0]:
                        self.ev("drop", at="mid-data", bytes=size)
                        self.drop_now(drop[1])
                    if (sc.tls_alert is not None and self.tls and
                            size >= sc.tls_alert[0]):
                        self.send_alert(sc.tls_alert[1], size)
                    if sc.freeze is not None and size >= sc.freeze:
                        # stop reading for good: the client's writes
                        # block once the socket buffers are full
                        self.ev("frozen", bytes=size)
                        while True:
                            time.sleep(1)
            finally:
                f.flush()
                self.ev("data", file=name, bytes=size, complete=complete,
                        mail_from=self.mail["addr"], rcpts=self.rcpts,
                        delivered=False)
        self.ev("dot", flight=self.flight, tls=self.tls,
                ahead=len(self.lines))
        self.check_pipelining(".", self.flight, False)
        if self.dropping("DOT"):
            self.ev("drop", at="DOT")
            self.drop_now(sc.drop["DOT"][1])
        lim = self.size_limit()
        if lim and size > lim:
            code = self.reply("DOT", 552, "5.3.4 Message too big")
        else:
            code = self.reply("DOT", 250, "2.0.0 Ok: queued as TEST%d"
                              % self.ntx)
        if code is not None and code // 100 == 2:
            self.flush()
            self.ev("delivered", file=name, bytes=size,
                    mail_from=self.mail["addr"], rcpts=self.rcpts)
        self.reset_tx()

    def dropping(self, cmd):
        """drop CMD[#N]: is this occurrence of cmd (over the whole run)
        the one to drop at?"""
        if cmd not in self.sc.drop:
            return False
        nth = self.sc.drop[cmd][2]
        return nth == 0 or nth == self.rec.peek(cmd)

    # ---- AUTH --------------------------------------------------------
    def sasl_line(self, challenge):
        """Send a 334 challenge, read one response line (recorded
        redacted; the raw line goes to the private file)."""
        self.reply("SASL", 334, challenge)
        self.flush()
        fl, line = self.next_line()
        self.check_pipelining("SASL response", fl, True)
        self.record(fl, line, shown="<redacted>")
        raw = line.rstrip(b"\r\n")
        self.rec.secret(self.cid, kind="sasl-response", raw=text(raw))
        return raw

    def do_auth(self, fl, line, arg):
        words = arg.split()
        mech = words[0].upper().decode("ascii", "replace") if words else ""
        ir = words[1] if len(words) > 1 else None
        if mech == "EXTERNAL" or ir is None:
            shown = text(line.rstrip(b"\r\n"))
        else:
            shown = "AUTH %s <redacted>" % mech
        self.record(fl, line, shown=shown)
        self.rec.secret(self.cid, kind="auth-line",
                        raw=text(line.rstrip(b"\r\n")))
        if self.dropping("AUTH"):
            self.ev("drop", at="AUTH")
            self.drop_now(self.sc.drop["AUTH"][1])
        oneshot = mech in ("PLAIN", "EXTERNAL") and ir is not None
        self.check_pipelining("AUTH", fl, not oneshot)
        nth = self.rec.count("AUTH")
        if self.authed:
            self.reply("AUTH", 503, "5.5.1 Already authenticated", nth)
            return
        if (("AUTH", nth) in self.sc.replies
                or ("AUTH", 0) in self.sc.replies):
            self.ev("auth", mech=mech, ok=False, forced=True)
            self.reply("AUTH", 535, "", nth)
            return
        try:
            ok, info = self.sasl(mech, ir)
        except (ValueError, UnicodeDecodeError) as exc:
            self.ev("auth", mech=mech, ok=False, error=str(exc))
            self.reply("AUTH", 501, "5.5.2 Cannot decode response", nth)
            return
        if info is None:
            self.reply("AUTH", 504, "5.5.4 Unrecognized authentication "
                       "type", nth)
            return
        if info.get("cancelled"):
            self.ev("auth", mech=mech, ok=False, cancelled=True)
            self.reply("AUTH", 501, "5.7.0 Authentication cancelled", nth)
            return
        if self.sc.auth_reject:
            ok = False
        self.rec.secret(self.cid, kind="auth-decoded", mech=mech, ok=ok,
                        **info)
        public = {k: v for k, v in info.items() if k == "authzid"}
        self.ev("auth", mech=mech, ok=ok, initial_response=ir is not None,
                **public)
        if ok:
            self.authed = True
            self.reply("AUTH", 235, "2.7.0 Authentication successful", nth)
        elif self.sc.auth_reject:
            code, _, txt = self.sc.auth_reject.partition(" ")
            self.reply("AUTH", int(code), txt, nth)
        else:
            self.reply("AUTH", 535, "5.7.8 Authentication credentials "
                       "invalid", nth)

    @staticmethod
    def b64(raw):
        if raw == b"=":
            return b""
        return base64.b64decode(raw, validate=True)

    def sasl(self, mech, ir):
        """-> (ok, info) ; info None for an unknown mechanism."""
        if mech == "PLAIN":
            raw = ir if ir is not None else self.sasl_line("")
            if raw == b"*":
                return False, {"cancelled": True}
            dec = self.b64(raw)
            parts = dec.split(b"\0")
            info = {"decoded_hex": dec.hex(), "decoded": text(dec)}
            if len(parts) != 3:
                return False, info
            info.update(authzid=text(parts[0]), user=text(parts[1]),
                        password=text(parts[2]))
            return (parts[1] == self.sc.user.encode()
                    and parts[2] == self.sc.password.encode()), info
        if mech == "LOGIN":
            u = ir if ir is not None else self.sasl_line("VXNlcm5hbWU6")
            if u == b"*":
                return False, {"cancelled": True}
            p = self.sasl_line("UGFzc3dvcmQ6")
            if p == b"*":
                return False, {"cancelled": True}
            user, pw = self.b64(u), self.b64(p)
            info = {"user": text(user), "password": text(pw)}
            return (user == self.sc.user.encode()
                    and pw == self.sc.password.encode()), info
        if mech == "EXTERNAL":
            raw = ir if ir is not None else self.sasl_line("")
            if raw == b"*":
                return False, {"cancelled": True}
            authzid = text(self.b64(raw))
            info = {"authzid": authzid, "identity": self.client_cn}
            ok = self.client_cn is not None and authzid in ("",
                                                            self.client_cn)
            return ok, info
        if mech in ("XOAUTH2", "OAUTHBEARER"):
            return self.sasl_token(mech, ir)
        return False, None

    @staticmethod
    def token_fields(mech, dec):
        """-> (user, token) from a decoded XOAUTH2/OAUTHBEARER message,
        None for a malformed one (layouts in src/sasl.h)."""
        if mech == "XOAUTH2":
            f = dec.split(b"\x01")
            if (len(f) != 4 or f[2:] != [b"", b""]
                    or not f[0].startswith(b"user=")
                    or not f[1].startswith(b"auth=Bearer ")):
                return None
            return f[0][5:], f[1][12:]
        head, sep, rest = dec.partition(b",\x01")
        if not sep or not head.startswith(b"n,a=") or not rest.endswith(
                b"\x01\x01"):
            return None
        kv = dict(x.partition(b"=")[::2] for x in rest[:-2].split(b"\x01"))
        if not kv.get(b"auth", b"").startswith(b"Bearer "):
            return None
        user = head[4:].replace(b"=2C", b",").replace(b"=3D", b"=")
        return user, kv[b"auth"][7:]

    def sasl_token(self, mech, ir):
        """XOAUTH2 / OAUTHBEARER: a wrong token gets the 334 JSON error
        challenge, whose answer must be an empty line (XOAUTH2) or AQ==
        (OAUTHBEARER, RFC 7628 3.2.3); the caller then sends the 5xx."""
        raw = ir if ir is not None else self.sasl_line("")
        if raw == b"*":
            return False, {"cancelled": True}
        dec = self.b64(raw)
        info = {"decoded_hex": dec.hex(), "decoded": text(dec)}
        f = self.token_fields(mech, dec)
        if f is not None:
            info.update(user=text(f[0]), password=text(f[1]))
        tokens = self.sc.tokens or [self.sc.password]
        ok = (f is not None and f[0] == self.sc.user.encode()
              and text(f[1]) in tokens and not self.sc.auth_reject
              and self.cid <= self.sc.token_until.get(text(f[1]),
                                                      self.cid))
        if not ok:
            js = b'{"status":"401","schemes":"bearer",' \
                 b'"scope":"https://mail.google.com/"}'
            ack = self.sasl_line(text(base64.b64encode(js)))
            want = b"" if mech == "XOAUTH2" else b"AQ=="
            info["ack"] = text(ack)
            self.ev("sasl-ack", mech=mech, ok=ack == want)
            if ack != want:
                self.violation("answer to the %s error challenge was %r, "
                               "not %r" % (mech, text(ack), text(want)))
        return ok, info


class Server:
    def __init__(self, args):
        with open(args.script, encoding="utf-8") as f:
            self.script = Script(f.read())
        if args.lifetime:
            self.script.lifetime = args.lifetime
        self.pki = args.pki
        self.rec = Recorder(args.dir)
        self.ready = args.ready
        self.cid = 0
        self.cid_lock = threading.Lock()

    def listen(self, host, kind):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, 0))
        # refused: bound (the port stays ours) but not listening, so a
        # connect gets an RST; silent and blackhole listen but never
        # accept (the kernel completes the handshake of a silent port;
        # the runner drops the SYNs of a blackhole port)
        if kind != "refused":
            ls.listen(16)
        return ls

    def serve(self):
        sc = self.script
        ls = self.listen(sc.host, sc.mode)
        port = ls.getsockname()[1]
        self.rec.ev(0, "listen", host=sc.host, port=port, mode=sc.mode)
        lines = ["%d" % port]
        self.keep = []
        for name, kind, cert, host in sc.extra:
            xs = self.listen(host, kind)
            xport = xs.getsockname()[1]
            self.rec.ev(0, "listen", host=host, port=xport, mode=kind,
                        listener=name)
            lines.append("%s %d" % (name, xport))
            self.keep.append(xs)
            if kind in ("plain", "starttls", "implicit"):
                xsc = copy.copy(sc)
                xsc.mode, xsc.cert, xsc.host = kind, cert, host
                threading.Thread(target=self.accept_loop,
                                 args=(xs, xsc, name), daemon=True).start()
        tmp = self.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.rename(tmp, self.ready)
        self.accept_loop(ls, sc, "main")

    def accept_loop(self, ls, sc, name):
        while True:
            sock, peer = ls.accept()
            with self.cid_lock:
                self.cid += 1
                cid = self.cid
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(15)
            self.rec.ev(cid, "accept", peer=str(peer[0]), listener=name)
            t = threading.Thread(target=Session(self, sock, cid, sc).run,
                                 daemon=True)
            t.start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--script", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--pki", default="")
    ap.add_argument("--lifetime", type=float, default=0)
    args = ap.parse_args()
    srv = Server(args)

    def bye(*_):
        os._exit(0)
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    watchdog = threading.Timer(srv.script.lifetime, bye)
    watchdog.daemon = True
    watchdog.start()
    srv.serve()


if __name__ == "__main__":
    main()
