/*
 * b64.c - pure base64 (RFC 4648 section 4, standard alphabet, padded).
 *
 * Owns: encoding for SASL client messages and strict decoding of server
 * challenges.  The decoder accepts only complete quartets of alphabet
 * characters, '=' only as the last one or two characters of the input,
 * no whitespace; it checks the output size against cap before writing.
 * Neither function allocates; callers own and wipe their buffers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "b64.h"

/* Marks a byte outside the alphabet in b64_value(). */
#define B64_BAD		64

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static unsigned	b64_value(char);

size_t
b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 0x3f];
		out[o++] = b64_alphabet[v >> 12 & 0x3f];
		out[o++] = b64_alphabet[v >> 6 & 0x3f];
		out[o++] = b64_alphabet[v & 0x3f];
	}
	if (i < n) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 0x3f];
		out[o++] = b64_alphabet[v >> 12 & 0x3f];
		out[o++] = i + 1 < n ? b64_alphabet[v >> 6 & 0x3f] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static unsigned
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a') + 26;
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0') + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return B64_BAD;
}

int
b64_decode(const char *in, size_t len, unsigned char *out, size_t cap,
    size_t *outlen)
{
	size_t i, j, pad = 0, n, o = 0;
	unsigned long v;
	unsigned d;

	if (len % 4 != 0)
		return -1;
	if (len > 0 && in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (n > cap)
		return -1;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (j = 0; j < 4; j++) {
			if (i + j >= len - pad)
				d = 0;	/* trailing padding, checked above */
			else if ((d = b64_value(in[i + j])) == B64_BAD)
				return -1;
			v = v << 6 | d;
		}
		out[o++] = (unsigned char)(v >> 16);
		if (o < n)
			out[o++] = (unsigned char)(v >> 8 & 0xff);
		if (o < n)
			out[o++] = (unsigned char)(v & 0xff);
	}
	*outlen = n;
	return 0;
}
