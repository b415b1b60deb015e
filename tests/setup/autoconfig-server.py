#!/usr/bin/env python3
"""autoconfig-server.py - a local HTTPS server (test PKI) that plays a
mail domain's autoconfig host for tests/setup/t-setup.py.

The first path component picks the behaviour, the rest must be one of
Thunderbird's two document paths (/mail/config-v1.1.xml or
/.well-known/autoconfig/mail/config-v1.1.xml):

  good      a document naming localhost:--smtp-port, STARTTLS
  wk        404 on /mail/..., the good document on /.well-known/...
  foreign   the good document with the user %EMAILLOCALPART%@localhost
            (served for a domain other than localhost)
  huge      a well-formed document of 100 KiB
  deep      elements nested 40 deep
  redirect  302 to the same path over http://
  html      the good document as text/html
  plain     only an unencrypted outgoing server
  doctype   a document with a DTD and an entity
Every request line goes to DIR/requests.log; DIR/ready gets the port.

--route R serves the two document paths themselves as route R, the way
a real lookup asks for them (tests/package/t-package.sh: the package
build has no test hooks, so outpost asks https://localhost/.well-known/
... on --port 443).
"""
import argparse
import http.server
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
from caselib import serve_https  # noqa: E402

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="test">
    <domain>localhost</domain>
    <outgoingServer type="smtp">
      <hostname>{host}</hostname>
      <port>{port}</port>
      <socketType>{sock}</socketType>
      <username>{user}</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""


def make_handler(args):
    def doc(sock="STARTTLS", user="%EMAILADDRESS%"):
        return DOC.format(host="localhost", port=args.smtp_port, sock=sock,
                          user=user)

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="text/xml; charset=utf-8",
                 extra=None):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            with open(os.path.join(args.dir, "requests.log"), "a") as f:
                f.write(self.path + "\n")
            route, _, rest = self.path.lstrip("/").partition("/")
            rest = "/" + rest.split("?")[0]
            if args.route:
                route, rest = args.route, self.path.split("?")[0]
            wk = rest == "/.well-known/autoconfig/mail/config-v1.1.xml"
            if rest != "/mail/config-v1.1.xml" and not wk:
                return self.send(404, "no", "text/plain")
            if route == "good" or (route == "wk" and wk):
                return self.send(200, doc())
            if route == "foreign":
                return self.send(200, doc(user="%EMAILLOCALPART%@localhost"))
            if route == "huge":
                pad = "<!-- %s -->\n" % ("x" * 1000)
                body = doc().replace("</clientConfig>",
                                     pad * 100 + "</clientConfig>")
                return self.send(200, body)
            if route == "deep":
                body = doc().replace("<emailProvider id=\"test\">",
                                     "<emailProvider id=\"test\">" +
                                     "<a>" * 40 + "</a>" * 40)
                return self.send(200, body)
            if route == "redirect":
                return self.send(302, "", "text/plain", {
                    "Location": "http://localhost:%s%s" % (args.smtp_port,
                                                            self.path)})
            if route == "html":
                return self.send(200, doc(), "text/html")
            if route == "plain":
                return self.send(200, doc("plain"))
            if route == "doctype":
                body = doc().replace(
                    "<clientConfig", "<!DOCTYPE clientConfig [<!ENTITY a "
                    "\"aaaaaaaaaa\">]>\n<clientConfig", 1)
                return self.send(200, body)
            return self.send(404, "no", "text/plain")
    return H


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--pki", required=True)
    ap.add_argument("--smtp-port", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--route", default="")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                          make_handler(args))
    t = threading.Timer(args.lifetime, srv.shutdown)
    t.daemon = True
    t.start()
    serve_https(srv, args.pki, "server", args.dir)


if __name__ == "__main__":
    main()
