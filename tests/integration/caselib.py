"""caselib.py - helpers shared by run-case.py and smtpd-script.py.

Python 3 standard library only.  unescape() turns the C-style escapes
used in case files into bytes.
"""

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
