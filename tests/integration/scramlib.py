"""scramlib.py - the server side of SCRAM-SHA-256 (RFC 5802, RFC 7677)
for smtpd-script.py, Python 3 standard library only.

ScramServer takes the client-first-message, answers with the
server-first-message, checks the client-final-message's proof and makes
the server-final-message.  Channel binding: Python's ssl module cannot
export keying material, so the tls-exporter data of a -PLUS client is
checked for its form only (32 bytes behind "p=tls-exporter,,"), not for
its value; that "y" (the client could bind) is refused when the server
offered -PLUS is checked (RFC 5802 6).  self_test() replays RFC 7677
section 3's example exchange; the server runs it before it listens.
"""

import base64
import hashlib
import hmac
import os

RFC7677 = {
    "user": "user", "password": "pencil",
    "cnonce": "rOprNGfwEbeRWgbNEkqO",
    "snonce": "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    "salt": base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="), "iter": 4096,
    "client_first": "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "server_first": "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "client_final": "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
                    "hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "server_final": "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
}


class ScramError(Exception):
    """The exchange failed; str() is the e= value to send."""


def _hmac(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


class ScramServer:
    def __init__(self, user, password, salt=None, iters=4096,
                 plus_offered=False, snonce=None):
        self.user = user
        self.password = password
        self.salt = salt if salt is not None else os.urandom(16)
        self.iters = iters
        self.plus_offered = plus_offered
        self.snonce = snonce or base64.b64encode(os.urandom(18)).decode()
        self.cbflag = None       # "n", "y" or "p=tls-exporter"
        self.cbdata = b""
        self.authzid = ""
        self.name = None

    def first(self, msg):
        """client-first-message -> server-first-message."""
        flag, _, rest = msg.partition(",")
        authz, _, bare = rest.partition(",")
        if flag not in ("n", "y") and not flag.startswith("p="):
            raise ScramError("other-error")
        if authz and not authz.startswith("a="):
            raise ScramError("other-error")
        self.cbflag, self.authzid = flag, authz[2:]
        self.gs2 = flag + "," + authz + ","
        attrs = bare.split(",")
        if len(attrs) < 2 or not attrs[0].startswith("n=") or \
                not attrs[1].startswith("r="):
            raise ScramError("other-error")
        self.name = attrs[0][2:].replace("=2C", ",").replace("=3D", "=")
        self.cnonce = attrs[1][2:]
        self.bare = bare
        self.nonce = self.cnonce + self.snonce
        self.sfirst = "r=%s,s=%s,i=%d" % (
            self.nonce, base64.b64encode(self.salt).decode(), self.iters)
        return self.sfirst

    def final(self, msg):
        """client-final-message -> server-final-message (v=...); raises
        ScramError for a wrong proof, nonce or channel binding."""
        without, sep, proof = msg.rpartition(",p=")
        if not sep:
            raise ScramError("other-error")
        attrs = dict(a.split("=", 1) for a in without.split(",")
                     if "=" in a)
        if attrs.get("r") != self.nonce:
            raise ScramError("other-error")
        bind = base64.b64decode(attrs.get("c", ""), validate=True)
        if not bind.startswith(self.gs2.encode()):
            raise ScramError("channel-bindings-dont-match")
        self.cbdata = bind[len(self.gs2):]
        if self.cbflag == "y" and self.plus_offered:
            raise ScramError("server-does-support-channel-binding")
        if self.cbflag.startswith("p="):
            if self.cbflag != "p=tls-exporter":
                raise ScramError("unsupported-channel-binding-type")
            if len(self.cbdata) != 32:
                raise ScramError("channel-bindings-dont-match")
        elif self.cbdata:
            raise ScramError("channel-bindings-dont-match")
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(),
                                     self.salt, self.iters)
        ckey = _hmac(salted, b"Client Key")
        stored = hashlib.sha256(ckey).digest()
        auth = ("%s,%s,%s" % (self.bare, self.sfirst, without)).encode()
        sig = _hmac(stored, auth)
        got = base64.b64decode(proof, validate=True)
        if len(got) != 32:
            raise ScramError("invalid-proof")
        if self.name != self.user or hashlib.sha256(
                bytes(a ^ b for a, b in zip(got, sig))).digest() != stored:
            raise ScramError("invalid-proof")
        skey = _hmac(salted, b"Server Key")
        return "v=" + base64.b64encode(_hmac(skey, auth)).decode()


def self_test():
    """RFC 7677's example through ScramServer: True when it matches."""
    v = RFC7677
    s = ScramServer(v["user"], v["password"], v["salt"], v["iter"],
                    snonce=v["snonce"])
    if s.first(v["client_first"]) != v["server_first"]:
        return False
    return s.final(v["client_final"]) == v["server_final"]
