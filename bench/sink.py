#!/usr/bin/env python3
"""sink.py - a minimal SMTP sink for the queue flush throughput rows.

usage: sink.py CERT KEY READY

The scripted test server (tests/integration/smtpd-script.py) records
every command, reply and message to disk, which costs it more per
message than the client it measures; this one only answers: greeting,
EHLO (PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, STARTTLS before
TLS, AUTH PLAIN after), STARTTLS, AUTH PLAIN (any credentials), MAIL,
RCPT, DATA, the body up to the final dot, RSET, NOOP, QUIT.  Replies to
what arrived in one read leave in one write.  Per connection it counts
messages taken and "waits": how often it had to wait for the client with
nothing left to answer - the round trips the client cost.  On each
close it appends {"messages": N, "waits": W} as a line to READY's
directory's closes.jsonl.  Writes READY (the port) when listening; runs
until killed.  Not a test server: it checks nothing.
"""
import json
import os
import socket
import ssl
import sys
import threading


def serve(conn, ctx, log):
    sock, buf, out = conn, b"", []
    msgs = waits = 0
    data = tls = False
    sock.sendall(b"220 sink ESMTP\r\n")
    try:
        while True:
            if out:
                sock.sendall(b"".join(out))
                out = []
            waits += 1
            chunk = sock.recv(65536)
            if not chunk:
                return
            buf += chunk
            while True:
                if data:
                    end = buf.find(b"\r\n.\r\n")
                    if end < 0:
                        buf = buf[-4:]
                        break
                    buf = buf[end + 5:]
                    data = False
                    msgs += 1
                    out.append(b"250 2.0.0 ok\r\n")
                    continue
                nl = buf.find(b"\r\n")
                if nl < 0:
                    break
                line, buf = buf[:nl], buf[nl + 2:]
                verb = line[:4].upper()
                if verb == b"EHLO":
                    out.append(b"250-sink\r\n250-PIPELINING\r\n250-SIZE "
                               b"314572800\r\n250-8BITMIME\r\n"
                               b"250-ENHANCEDSTATUSCODES\r\n" +
                               (b"250 AUTH PLAIN\r\n" if tls else
                                b"250 STARTTLS\r\n"))
                elif verb == b"STAR":
                    sock.sendall(b"220 2.0.0 go\r\n")
                    sock = ctx.wrap_socket(sock, server_side=True)
                    tls, buf = True, b""
                elif verb == b"AUTH":
                    out.append(b"235 2.7.0 ok\r\n")
                elif verb == b"DATA":
                    out.append(b"354 go\r\n")
                    data = True
                    buf = b"\r\n" + buf
                elif verb == b"QUIT":
                    sock.sendall(b"".join(out) + b"221 2.0.0 bye\r\n")
                    return
                else:
                    out.append(b"250 2.0.0 ok\r\n")
    except OSError:
        return
    finally:
        with open(log, "a") as f:
            f.write(json.dumps({"messages": msgs, "waits": waits}) + "\n")
        sock.close()


def main():
    cert, key, ready = sys.argv[1:4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    log = os.path.join(os.path.dirname(os.path.abspath(ready)),
                       "closes.jsonl")
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(ready + ".tmp", ready)
    while True:
        c, _ = ls.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(c, ctx, log),
                         daemon=True).start()


if __name__ == "__main__":
    main()
