/*
 * esc.c - terminal-safe text (esc.h).  A table-free decoder: each
 * character is decoded strictly (RFC 3629 ranges), then either copied
 * or escaped; nothing is ever written past cap.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esc.h"

/* Code points printed as \u{NNNN} although they are valid. */
static bool
esc_invisible(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e ||
	    c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

/*
 * The length of the valid UTF-8 character at p (1-4) and its code point,
 * or 0 when p does not start one.
 */
static size_t
esc_utf8(const unsigned char *p, uint32_t *cp)
{
	size_t n, i;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, c = p[0] & 0x1f, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, c = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, c = p[0] & 0x07, min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;	/* the NUL byte stops here too */
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

const char *
esc_str(const char *in, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	char tmp[16];
	size_t o = 0, n, k;
	uint32_t c;

	while (*p != '\0') {
		n = esc_utf8(p, &c);
		if (n == 0) {
			snprintf(tmp, sizeof(tmp), "\\x%02X", p[0]);
			n = 1;
		} else if (c < 0x20 || c == 0x7f)
			snprintf(tmp, sizeof(tmp), "\\x%02X", (unsigned)c);
		else if (esc_invisible(c))
			snprintf(tmp, sizeof(tmp), "\\u{%04X}", (unsigned)c);
		else {
			memcpy(tmp, p, n);
			tmp[n] = '\0';
		}
		k = strlen(tmp);
		if (o + k + 1 > cap)
			break;
		memcpy(out + o, tmp, k);
		o += k;
		p += n;
	}
	out[o] = '\0';
	return out;
}
