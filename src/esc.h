/*
 * esc.h - text that came from a caller or a server, made safe to print
 * on a terminal (mailq, -v, error lines): a crafted address or reply
 * must not move the cursor, retitle the window, hide text or reorder
 * what root reads.
 *
 * esc_str() is pure.  It writes \xNN for C0 controls, DEL and every
 * byte that is not part of valid UTF-8 (overlong forms and surrogates
 * included), and \u{NNNN} for the C1 controls, the bidirectional
 * controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and
 * the line and paragraph separators (U+2028, U+2029).  All else, valid
 * UTF-8 included, is copied.  The result is cut at a character boundary
 * when out is too small; it is always NUL-terminated.
 */
#ifndef OUTPOST_ESC_H
#define OUTPOST_ESC_H

#include <stddef.h>

/* Room for any text of n bytes, escaped: each byte at most 4. */
#define ESC_MAX(n)	((n) * 4 + 1)

/* Escape in into out (cap > 0 bytes); returns out. */
const char *esc_str(const char *in, char *out, size_t cap);

#endif
