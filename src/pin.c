/*
 * pin.c - tls_fingerprint values (pin.h): the accepted spellings, one
 * output form, a comparison that takes the same time for every input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pin.h"

static const struct {
	const char	*name;
	enum pin_alg	 alg;
	size_t		 len;
} pin_algs[] = {
	{ "sha256", PIN_SHA256, 32 },
	{ "sha1", PIN_SHA1, 20 },
	{ "md5", PIN_MD5, 16 },
};

#define NALGS	(sizeof(pin_algs) / sizeof(pin_algs[0]))

const char *
pin_alg_name(enum pin_alg alg)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if (pin_algs[i].alg == alg)
			return pin_algs[i].name;
	return "?";
}

size_t
pin_alg_len(enum pin_alg alg)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if (pin_algs[i].alg == alg)
			return pin_algs[i].len;
	return 0;
}

static int
pin_nibble(int ch)
{
	if (isdigit(ch))
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Hex with an optional ':' between every two digits (all or none). */
static int
pin_hex(const char *s, struct pin *p)
{
	bool colons = strchr(s, ':') != NULL;
	int hi, lo;

	p->len = 0;
	while (*s != '\0') {
		if (p->len == PIN_MAX)
			return -1;
		if ((hi = pin_nibble((unsigned char)s[0])) == -1 ||
		    (lo = pin_nibble((unsigned char)s[1])) == -1)
			return -1;
		p->d[p->len++] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (colons && *s == ':' && s[1] != '\0')
			s++;
		else if (*s != '\0' && colons)
			return -1;
	}
	return 0;
}

int
pin_parse(const char *s, struct pin *p, const char **why)
{
	const char *colon = strchr(s, ':');
	size_t i, n;

	memset(p, 0, sizeof(*p));
	*why = "sha256: and 64 hex digits, colons between the bytes allowed";
	for (i = 0; colon != NULL && i < NALGS; i++) {
		n = strlen(pin_algs[i].name);
		if ((size_t)(colon - s) == n &&
		    strncasecmp(s, pin_algs[i].name, n) == 0)
			break;
	}
	if (colon != NULL && i < NALGS) {
		if (pin_hex(colon + 1, p) == -1 || p->len != pin_algs[i].len)
			return -1;
		p->alg = pin_algs[i].alg;
		return 0;
	}
	/* msmtp's form: the length tells the digest */
	if (pin_hex(s, p) == -1)
		return -1;
	for (i = 0; i < NALGS; i++)
		if (p->len == pin_algs[i].len) {
			p->alg = pin_algs[i].alg;
			return 0;
		}
	return -1;
}

void
pin_format(enum pin_alg alg, const unsigned char *d, size_t len, char *out,
    size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *name = pin_alg_name(alg);
	size_t i, o;

	if (cap < strlen(name) + 2 + 3 * len) {
		if (cap > 0)
			out[0] = '\0';
		return;
	}
	o = (size_t)snprintf(out, cap, "%s:", name);
	for (i = 0; i < len; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[d[i] >> 4];
		out[o++] = hex[d[i] & 0xf];
	}
	out[o] = '\0';
}

bool
pin_equal(const struct pin *p, const unsigned char *d, size_t len)
{
	unsigned char diff = 0;
	size_t i;

	if (len != p->len)
		return false;
	for (i = 0; i < len; i++)
		diff |= (unsigned char)(p->d[i] ^ d[i]);
	return diff == 0;
}
