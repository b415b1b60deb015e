"""caselib.py - helpers shared by run-case.py, smtpd-script.py and
bench/bench.py.

Python 3 standard library only.  unescape() turns the C-style escapes
used in case files into bytes; queue_clone() makes queue test data.
"""

import os
import re


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
