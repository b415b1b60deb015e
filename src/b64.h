/*
 * b64.h - pure base64 (RFC 4648), no GLib in the core.
 */
#ifndef OUTPOST_B64_H
#define OUTPOST_B64_H

#include <stddef.h>

/* Size of the encoding of n bytes, including the terminating NUL. */
#define B64_ENCODED_SIZE(n)	((((n) + 2) / 3) * 4 + 1)

/* Encode n bytes into out (B64_ENCODED_SIZE(n) bytes); returns strlen. */
size_t	b64_encode(const void *in, size_t n, char *out);
/*
 * Decode len chars (padding required, no whitespace) into out (cap bytes).
 * Returns 0 and sets *outlen, or -1 on invalid input or overflow.
 */
int	b64_decode(const char *in, size_t len, unsigned char *out, size_t cap,
	    size_t *outlen);

#endif
