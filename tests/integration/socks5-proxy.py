#!/usr/bin/python3
"""socks5-proxy.py - a SOCKS5 proxy (RFC 1928, RFC 1929) for outpost's
tests, Python 3 standard library only.

    socks5-proxy.py --dir DIR [--auth FILE] [--map NAME=ADDR]...

Listens on an ephemeral port of 127.0.0.1 and writes it to DIR/ready (by
a rename).  --auth FILE: FILE holds "USER\\nPASSWORD" (a file, so the
password is in no argv); then username/password is the only method
accepted, else "no authentication" is.  --map NAME=ADDR: resolve NAME to
ADDR (a name only this proxy knows: the client cannot have resolved it
itself); other names go through getaddrinfo.  CONNECT only; the tunnel
relays bytes both ways until either side closes.

DIR/events.jsonl: one JSON object per line - hello (the methods offered),
auth (user, ok; never the password), connect (atyp: ipv4, ipv6 or name;
host; port; reply code), close.
"""

import argparse
import ipaddress
import json
import os
import select
import socket
import struct
import threading


class Proxy:
    def __init__(self, args):
        self.dir = args.dir
        self.user = self.password = None
        if args.auth:
            with open(args.auth, encoding="utf-8") as f:
                self.user, _, self.password = f.read().partition("\n")
        self.map = dict(m.split("=", 1) for m in args.map)
        self.lock = threading.Lock()
        self.cid = 0

    def ev(self, cid, kind, **kw):
        kw.update(conn=cid, ev=kind)
        with self.lock, open(os.path.join(self.dir, "events.jsonl"),
                             "a") as f:
            f.write(json.dumps(kw) + "\n")

    @staticmethod
    def recv_exact(s, n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def negotiate(self, cid, s):
        ver, n = self.recv_exact(s, 2)
        methods = list(self.recv_exact(s, n))
        self.ev(cid, "hello", version=ver, methods=methods)
        want = 2 if self.user is not None else 0
        if ver != 5 or want not in methods:
            s.sendall(b"\x05\xff")
            return False
        s.sendall(bytes([5, want]))
        if want == 0:
            return True
        ver, ulen = self.recv_exact(s, 2)
        user = self.recv_exact(s, ulen).decode("utf-8", "replace")
        plen = self.recv_exact(s, 1)[0]
        pw = self.recv_exact(s, plen).decode("utf-8", "replace")
        ok = ver == 1 and user == self.user and pw == self.password
        self.ev(cid, "auth", user=user, ok=ok)
        s.sendall(b"\x01\x00" if ok else b"\x01\x01")
        return ok

    def request(self, cid, s):
        ver, cmd, _, atyp = self.recv_exact(s, 4)
        if atyp == 1:
            host = str(ipaddress.IPv4Address(self.recv_exact(s, 4)))
            kind = "ipv4"
        elif atyp == 4:
            host = str(ipaddress.IPv6Address(self.recv_exact(s, 16)))
            kind = "ipv6"
        elif atyp == 3:
            host = self.recv_exact(s, self.recv_exact(s, 1)[0]).decode()
            kind = "name"
        else:
            s.sendall(b"\x05\x08\x00\x01" + bytes(6))
            return None
        port = struct.unpack("!H", self.recv_exact(s, 2))[0]
        code, up = 0, None
        if ver != 5 or cmd != 1:
            code = 7
        else:
            addr = self.map.get(host, host)
            try:
                up = socket.create_connection((addr, port), timeout=5)
            except socket.gaierror:
                code = 4
            except ConnectionRefusedError:
                code = 5
            except OSError:
                code = 1
        self.ev(cid, "connect", atyp=kind, host=host, port=port, reply=code)
        s.sendall(bytes([5, code, 0, 1]) + bytes(6))
        return up

    @staticmethod
    def relay(a, b):
        socks = [a, b]
        while True:
            r, _, _ = select.select(socks, [], [], 30)
            if not r:
                return
            for s in r:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)

    def handle(self, cid, s):
        up = None
        try:
            if self.negotiate(cid, s):
                up = self.request(cid, s)
                if up is not None:
                    up.settimeout(None)
                    self.relay(s, up)
        except (EOFError, OSError):
            pass
        finally:
            self.ev(cid, "close")
            for x in (s, up):
                if x is not None:
                    x.close()

    def serve(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(16)
        tmp = os.path.join(self.dir, "ready.tmp")
        with open(tmp, "w") as f:
            f.write(str(ls.getsockname()[1]))
        os.rename(tmp, os.path.join(self.dir, "ready"))
        while True:
            s, peer = ls.accept()
            self.cid += 1
            self.ev(self.cid, "accept", peer=peer[0])
            threading.Thread(target=self.handle, args=(self.cid, s),
                             daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--auth")
    ap.add_argument("--map", action="append", default=[])
    Proxy(ap.parse_args()).serve()


if __name__ == "__main__":
    main()
