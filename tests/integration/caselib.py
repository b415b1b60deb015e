"""caselib.py - helpers shared by run-case.py, smtpd-script.py and
bench/bench.py.

Python 3 standard library only.  unescape() turns the C-style escapes
used in case files into bytes; queue_clone() makes queue test data;
serve_https() runs the fake HTTPS endpoints (api-server.py,
oauth-server.py, tests/setup/autoconfig-server.py) on the test PKI.
"""

import os
import re
import ssl

# a fake endpoint's --cert: which certificate of the test PKI it shows
CERTS = {"good": "server", "server": "server", "expired": "expired",
         "wronghost": "wronghost", "selfsigned": "selfsigned"}


def serve_https(srv, pki, cert, ready_dir):
    """srv (an http.server on its socket) over TLS with the test PKI's
    certificate named cert (a CERTS key); its port goes to
    ready_dir/ready, atomically, once it listens; serves until shut
    down."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    name = CERTS[cert]
    ctx.load_cert_chain(os.path.join(pki, name + ".pem"),
                        os.path.join(pki, name + ".key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = os.path.join(ready_dir, "ready.tmp")
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, os.path.join(ready_dir, "ready"))
    srv.serve_forever()


def unescape(s):
    """C-style escapes -> bytes: \\r \\n \\t \\e \\0 \\xHH \\\\ \\" \\s."""
    out = bytearray()
    i = 0
    simple = {"r": b"\r", "n": b"\n", "t": b"\t", "e": b"\x1b",
              "0": b"\0", "\\": b"\\", '"': b'"', "s": b" ", "'": b"'"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n in simple:
                out += simple[n]
                i += 2
                continue
            if n == "x" and re.match(r"[0-9a-fA-F]{2}", s[i + 2:i + 4]):
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
        out += c.encode("utf-8", "surrogateescape")
        i += 1
    return bytes(out)


def queue_clone(q, qid, n):
    """Copy entry qid of the queue directory q (its q/ subdirectory) until
    there are n, each with fresh ids: test data, as if n messages had been
    queued (the on-disk format is src/queue.h's)."""
    with open(os.path.join(q, qid + ".env")) as f:
        env = f.read()
    with open(os.path.join(q, qid + ".msg"), "rb") as f:
        msg = f.read()
    for _ in range(n - 1):
        new = os.urandom(16).hex()
        for ext, data in (("msg", msg),
                          ("env", env.replace(qid, new).encode())):
            fd = os.open(os.path.join(q, new + "." + ext),
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, data)
            os.close(fd)


def _der_tlv(b, i):
    """One DER element at b[i]: (start of its content, end of it)."""
    n = b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return i, i + n


def cert_pins(pem_path):
    """The pins of a PEM certificate for tls_fingerprint cases: a dict
    with PIN (sha256:AB:... over the certificate's DER), MSMTP_PIN (the
    same as msmtp writes it: bare colon hex), SPKI (sha256: over the
    SubjectPublicKeyInfo DER) and SHA1 (msmtp's SHA-1 form)."""
    import base64
    import hashlib
    with open(pem_path) as f:
        body = "".join(ln for ln in f.read().splitlines()
                       if ln and not ln.startswith("-----"))
    der = base64.b64decode(body)
    _, end = _der_tlv(der, 0)
    tbs, _ = _der_tlv(der, _der_tlv(der, 0)[0])   # tbsCertificate
    i = tbs
    if der[i] == 0xa0:                            # [0] version
        i = _der_tlv(der, i)[1]
    for _ in range(5):     # serial, signature, issuer, validity, subject
        i = _der_tlv(der, i)[1]
    spki = der[i:_der_tlv(der, i)[1]]

    def colon(d):
        return ":".join("%02X" % x for x in d)
    return {"PIN": "sha256:" + colon(hashlib.sha256(der).digest()),
            "MSMTP_PIN": colon(hashlib.sha256(der).digest()),
            "SPKI": "sha256:" + colon(hashlib.sha256(spki).digest()),
            "SHA1": colon(hashlib.sha1(der).digest())}
