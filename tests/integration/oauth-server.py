#!/usr/bin/env python3
"""oauth-server.py - a local HTTPS OAuth2 authorization server for the
integration cases (Python stdlib: http.server, ssl), started by
run-case.py for an `oauth-server` line in [client].

  POST /token   grant_type=refresh_token: checks client_id, client_secret
                (when one is set) and the refresh token (--refresh, or
                the --rotate one it hands out); answers the next
                access token of --access (the last one repeats), or the
                --refuse error (HTTP 400).  grant_type=authorization_code:
                checks the code, redirect_uri and the PKCE verifier
                against the challenge GET /auth recorded (RFC 7636 S256).
                grant_type=client_credentials: checks the client secret
                (required) and that a scope is sent; answers an access
                token and no refresh token.  grant_type=urn:ietf:params:
                oauth:grant-type:device_code (recorded as device_code):
                checks the device code; each poll gets the next answer of
                --device (ok, or an error such as authorization_pending,
                slow_down, expired_token, access_denied; the last repeats),
                with HTTP 400, or with --google-codes as Google does: 428
                for authorization_pending, 403 for slow_down and
                access_denied.
  POST /device  RFC 8628 3.1: checks client_id and that a scope is sent;
                answers device_code, user_code, verification_uri(_complete),
                expires_in (--device-ttl) and interval (--interval).
  GET /auth     what a browser does with the authorization URL: records
                state, challenge and redirect_uri and answers 302 to
                redirect_uri?code=CODE&state=STATE.

Every request is recorded in DIR/requests.jsonl (grant, ok, why, scope,
time; no secret); DIR/ready gets the port once listening.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

from caselib import serve_https


class State:
    def __init__(self, args):
        self.args = args
        self.access = args.access.split(",")
        self.n = 0
        self.polls = 0
        self.device = args.device.split(",")
        self.auth = None
        self.lock = threading.Lock()

    def record(self, **kw):
        kw["t"] = time.monotonic()
        with self.lock, open(os.path.join(self.args.dir, "requests.jsonl"),
                             "a", encoding="utf-8") as f:
            f.write(json.dumps(kw) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("oauth-server: " + (fmt % a) + "\n")

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server.st
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path != "/auth":
            self.send_json(404, {"error": "not_found"})
            return
        st.auth = q
        ok = (q.get("response_type") == "code"
              and q.get("client_id") == st.args.client_id
              and q.get("code_challenge_method") == "S256"
              and q.get("redirect_uri", "").startswith("http://127.0.0.1:"))
        st.record(grant="authorize", ok=ok, scope=q.get("scope"),
                  prompt=q.get("prompt"))
        if not ok:
            self.send_json(400, {"error": "invalid_request"})
            return
        loc = q["redirect_uri"] + "?" + urllib.parse.urlencode(
            {"code": st.args.code, "state": q.get("state", "")})
        self.send_response(302)
        self.send_header("Location", loc)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def check_code(self, f):
        st = self.server.st
        a = st.auth or {}
        want = base64.urlsafe_b64encode(hashlib.sha256(
            f.get("code_verifier", "").encode()).digest()).rstrip(b"=")
        if f.get("code") != st.args.code:
            return "wrong code"
        if f.get("redirect_uri") != a.get("redirect_uri"):
            return "redirect_uri differs from the authorization request"
        if want.decode() != a.get("code_challenge"):
            return "PKCE verifier does not match the challenge"
        return None

    def device_start(self, f):
        st = self.server.st
        ok = f.get("client_id") == st.args.client_id and bool(f.get("scope"))
        st.record(grant="device", ok=ok, scope=f.get("scope"))
        if not ok:
            self.send_json(400, {"error": "invalid_client"})
            return
        base = "https://127.0.0.1:%d/devicelogin" % self.server.server_port
        self.send_json(200, {
            "device_code": st.args.device_code, "user_code": "WDJB-MJHT",
            "verification_uri": base,
            "verification_uri_complete": base + "?code=WDJB-MJHT",
            "expires_in": st.args.device_ttl, "interval": st.args.interval})

    def device_poll(self, f):
        st = self.server.st
        if f.get("device_code") != st.args.device_code:
            return "wrong device code", "invalid_grant"
        ans = st.device[min(st.polls, len(st.device) - 1)]
        st.polls += 1
        if ans != "ok":
            return "device: " + ans, ans
        return None, None

    def do_POST(self):
        st = self.server.st
        n = int(self.headers.get("Content-Length", "0"))
        f = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
        grant = f.get("grant_type")
        why = None
        err = None
        if self.path == "/device":
            self.device_start(f)
            return
        if self.path != "/token":
            why = "not /token"
        elif f.get("client_id") != st.args.client_id:
            why = "wrong client_id"
        elif st.args.secret and f.get("client_secret") != st.args.secret:
            why = "wrong client_secret"
        elif grant == "refresh_token":
            # a rotated token is good from then on, as at real providers
            if f.get("refresh_token") not in (st.args.refresh,
                                              st.args.rotate or None):
                why = "wrong refresh token"
            elif st.args.refuse:
                why = "refused: " + st.args.refuse
        elif grant == "authorization_code":
            why = self.check_code(f)
        elif grant == "client_credentials":
            if not st.args.secret or not f.get("client_secret"):
                why = "client_credentials without a client secret"
            elif not f.get("scope"):
                why = "client_credentials without a scope"
            elif st.args.refuse:
                why = "refused: " + st.args.refuse
        elif grant == "urn:ietf:params:oauth:grant-type:device_code":
            grant = "device_code"
            why, err = self.device_poll(f)
        else:
            why = "unknown grant_type"
        st.record(grant=grant, ok=why is None, why=why,
                  scope=f.get("scope"))
        if why is not None:
            code = 400
            if st.args.google_codes and err in ("slow_down",
                                                "access_denied"):
                code = 403
            elif st.args.google_codes and err == "authorization_pending":
                code = 428
            self.send_json(code, {"error": err or st.args.refuse or
                                 "invalid_grant",
                                 "error_description": "Token has been "
                                 "expired or revoked."})
            return
        tok = st.access[min(st.n, len(st.access) - 1)]
        st.n += 1
        ans = {"access_token": tok, "expires_in": st.args.expires,
               "token_type": "Bearer", "scope": "https://mail.google.com/"}
        if grant in ("authorization_code", "device_code"):
            ans["refresh_token"] = st.args.refresh
        elif st.args.rotate:
            ans["refresh_token"] = st.args.rotate
        self.send_json(200, ans)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--pki", required=True)
    p.add_argument("--cert", default="good")
    p.add_argument("--client-id", default="outpost-test-client")
    p.add_argument("--secret", default="")
    p.add_argument("--refresh", default="1//refresh-token-for-tests")
    p.add_argument("--access", default="ya29.access-token-one")
    p.add_argument("--refuse", default="")
    p.add_argument("--rotate", default="")
    p.add_argument("--code", default="4/auth-code-for-tests")
    p.add_argument("--device", default="ok")
    p.add_argument("--device-code", default="GmRhmhcxhwAzkoEqiMEg_DnyEysNk")
    p.add_argument("--device-ttl", type=int, default=600)
    p.add_argument("--interval", type=int, default=1)
    p.add_argument("--expires", type=int, default=3599)
    p.add_argument("--google-codes", default="")
    args = p.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.st = State(args)
    serve_https(srv, args.pki, args.cert, args.dir)


if __name__ == "__main__":
    main()
