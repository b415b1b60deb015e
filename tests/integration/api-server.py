#!/usr/bin/env python3
"""api-server.py - local HTTPS stand-ins for the mail APIs outpost's
transport = graph | ses | mailgun talk to (Python stdlib: http.server,
ssl, the test PKI), started by run-case.py for an `api-server` line in
[client].  One server answers all three:

  POST /v3/DOMAIN/messages.mime           Mailgun: HTTP Basic api:KEY,
        multipart/form-data with "to" fields and the "message" file.
  POST /v2/email/outbound-emails          SES v2 SendEmail: the AWS
        Signature Version 4 is recomputed here from what arrived (the
        signed headers, the body's SHA-256, --key-id, --secret,
        --region, service ses) and must match; the JSON body must carry
        Destination.ToAddresses and Content.Raw.Data (base64 MIME).
  POST /v1.0/users/USER/sendMail          Microsoft Graph: Bearer TOKEN,
        Content-Type text/plain, a base64 MIME body.

GET requests are outpost doctor's probes, each checked with the same
credentials: GET /v3/domains/DOMAIN (Mailgun: 200), GET
/v2/email/account (SES, signed: 200), GET /v1.0/users/USER (Graph: 403,
as for an app that may send but not read users; 401 for a wrong token).
They are recorded with api "mailgun-probe", "ses-probe", "graph-probe".

Each POST gets the next status of --status (the last repeats); a
429 or 503 carries Retry-After: --retry-after.  Error answers echo the
credential back in their JSON body, as a careless API might: outpost
must never print an answer's body (the case's leak check sees it).

Every request is recorded in DIR/requests.jsonl (api, status, ok, why,
rcpts, from, user; no secret); the MIME message that arrived goes to
DIR/mime-N.eml; DIR/ready gets the port once listening.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import re
import sys
import threading

from caselib import serve_https


def sigv4(secret, region, amz_date, method, path, hdrs, signed, body):
    """The SigV4 signature (hex) of a request as AWS computes it."""
    canon = "\n".join([method, path, ""] +
                      ["%s:%s" % (h, " ".join(hdrs.get(h, "").split()))
                       for h in signed] +
                      ["", ";".join(signed),
                       hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/ses/aws4_request" % (amz_date[:8], region)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(canon.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, "ses", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest(), scope


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("api-server: " + (fmt % a) + "\n")

    def mailgun(self, body, rec):
        if self.mailgun_auth()[0] is not None:
            return "wrong Basic credentials", None
        m = re.match(r"multipart/form-data; boundary=(\S+)$",
                     self.headers.get("Content-Type", ""))
        if not m:
            return "not multipart/form-data", None
        parts = (b"\r\n" + body).split(b"\r\n--" + m.group(1).encode())
        if parts[0] != b"" or parts[-1] != b"--\r\n":
            return "bad multipart framing", None
        rec["rcpts"], mime = [], None
        for p in parts[1:-1]:
            head, _, val = p[2:].partition(b"\r\n\r\n")
            if b'name="to"' in head:
                rec["rcpts"].append(val.decode())
            elif b'name="message"' in head:
                mime = val
        if mime is None:
            return "no message part", None
        return None, mime

    def ses(self, body, rec, raw=True):
        a = self.server.args
        auth = self.headers.get("Authorization", "")
        m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\S+), "
                     r"SignedHeaders=(\S+), Signature=([0-9a-f]{64})$", auth)
        if not m:
            return "no SigV4 Authorization header", None
        date = self.headers.get("X-Amz-Date", "")
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        signed = m.group(3).split(";")
        sig, scope = sigv4(a.secret, a.region, date, self.command, self.path,
                           hdrs, signed, body)
        when = datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
        now = datetime.datetime.now(datetime.timezone.utc)
        if m.group(1) != a.key_id or m.group(2) != scope:
            return "wrong credential scope %s/%s" % (m.group(1),
                                                    m.group(2)), None
        if "host" not in signed or "x-amz-date" not in signed:
            return "host or x-amz-date not signed", None
        if abs((now - when).total_seconds()) > 900:
            return "x-amz-date too far off", None
        if not hmac.compare_digest(sig, m.group(4)):
            return "signature mismatch", None
        if not raw:
            return None, None
        j = json.loads(body)
        rec["rcpts"] = j["Destination"]["ToAddresses"]
        rec["from"] = j.get("FromEmailAddress")
        return None, base64.b64decode(j["Content"]["Raw"]["Data"],
                                      validate=True)

    def graph(self, body, rec):
        a = self.server.args
        if self.headers.get("Authorization") != "Bearer " + a.token:
            return "wrong Bearer token", None
        if self.headers.get("Content-Type") != "text/plain":
            return "Content-Type is not text/plain", None
        rec["user"] = self.path.split("/")[3]
        return None, base64.b64decode(body, validate=True)

    def do_GET(self):
        a = self.server.args
        rec, status = {}, 200
        if re.match(r"^/v3/domains/[^/]+$", self.path):
            api = "mailgun-probe"
            why, _ = self.mailgun_auth()
        elif self.path == "/v2/email/account":
            api = "ses-probe"
            why, _ = self.ses(b"", rec, raw=False)
        elif re.match(r"^/v1\.0/users/[^/]+$", self.path):
            api, status = "graph-probe", 403
            why = None if self.headers.get("Authorization") == \
                "Bearer " + a.token else "wrong Bearer token"
        else:
            api, why = self.path, "unknown path"
        if why is not None:
            status = 404 if why == "unknown path" else 401
        with self.server.lock, open(os.path.join(a.dir, "requests.jsonl"),
                                    "a", encoding="utf-8") as f:
            f.write(json.dumps({"api": api, "status": status,
                                "ok": why is None, "why": why}) + "\n")
        self.answer(status, api)

    def mailgun_auth(self):
        want = "Basic " + base64.b64encode(
            ("api:" + self.server.args.key).encode()).decode()
        if self.headers.get("Authorization") != want:
            return "wrong Basic credentials", None
        return None, None

    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with srv.lock:
            srv.n += 1
            n = srv.n
        status = srv.status[min(n, len(srv.status)) - 1]
        rec = {"n": n, "status": status}
        api = None
        if re.match(r"^/v3/[^/]+/messages\.mime$", self.path):
            api = "mailgun"
        elif self.path == "/v2/email/outbound-emails":
            api = "ses"
        elif re.match(r"^/v1\.0/users/[^/]+/sendMail$", self.path):
            api = "graph"
        rec["api"] = api or self.path
        why, mime = "unknown path", None
        try:
            if api is not None:
                why, mime = getattr(self, api)(body, rec)
        except (ValueError, KeyError, TypeError) as exc:
            why = "malformed request: %r" % exc
        if mime is not None:
            name = "mime-%d.eml" % n
            with open(os.path.join(srv.args.dir, name), "wb") as f:
                f.write(mime)
            rec["mime"] = name
        rec["ok"], rec["why"] = why is None, why
        if why is not None:
            status = 401 if "credential" in why or "Bearer" in why or \
                "SigV4" in why or "signature" in why else 400
            rec["status"] = status
        with srv.lock, open(os.path.join(srv.args.dir, "requests.jsonl"),
                            "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        self.answer(status, api)

    def answer(self, status, api):
        a = self.server.args
        if 200 <= status < 300:
            out = b"" if api == "graph" else json.dumps(
                {"id": "<20261207.1@api.test>", "message": "Queued"}).encode()
        else:
            # an answer that echoes what it was sent: never to be shown
            out = json.dumps({"message": "rejected request from %s %s %s" %
                              (a.key, a.secret, a.token)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        if status in (429, 503) and a.retry_after:
            self.send_header("Retry-After", a.retry_after)
        self.end_headers()
        self.wfile.write(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--pki", required=True)
    p.add_argument("--cert", default="good")
    p.add_argument("--status", default="200")
    p.add_argument("--retry-after", default="")
    p.add_argument("--key", default="key-3ax6xnjp29jd6fds4gc373sgvjxteol0")
    p.add_argument("--key-id", default="AKIDEXAMPLE")
    p.add_argument("--secret",
                   default="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    p.add_argument("--region", default="eu-west-1")
    p.add_argument("--token", default="eyJ0eXAi.graph-access-token")
    args = p.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.args = args
    srv.status = [int(s) for s in args.status.split(",")]
    srv.n = 0
    srv.lock = threading.Lock()
    serve_https(srv, args.pki, args.cert, args.dir)


if __name__ == "__main__":
    main()
