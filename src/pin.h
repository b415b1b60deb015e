/*
 * pin.h - tls_fingerprint values: parse, compare, format (pure).
 *
 * A pin is the SHA-256 of the server's certificate (DER) or of its
 * public key (SubjectPublicKeyInfo, DER), written "sha256:HEX" with or
 * without a colon between the bytes, or as msmtp writes it: bare
 * colon-separated hex, whose length says the digest (32 bytes SHA-256,
 * 20 SHA-1, 16 MD5).  SHA-1 and MD5 pins parse (so the user can be told
 * which SHA-256 pin to write instead) but are never accepted as trust.
 */
#ifndef OUTPOST_PIN_H
#define OUTPOST_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_MAX		32	/* bytes of the longest digest */
/* "sha256:" + 32 colon-separated bytes + NUL */
#define PIN_TEXT_MAX	(8 + 3 * PIN_MAX)

enum pin_alg {
	PIN_SHA256 = 1,
	PIN_SHA1,
	PIN_MD5
};

struct pin {
	enum pin_alg	 alg;
	size_t		 len;
	unsigned char	 d[PIN_MAX];
};

/* 0, or -1 with *why saying what was expected. */
int	pin_parse(const char *, struct pin *, const char **why);
/* "sha256", "sha1", "md5" */
const char *pin_alg_name(enum pin_alg);
/* The digest length of alg. */
size_t	pin_alg_len(enum pin_alg);
/* "sha256:AB:CD:..." (msmtp's colon form with our prefix). */
void	pin_format(enum pin_alg, const unsigned char *d, size_t len,
	    char *out, size_t cap);
/* Constant-time comparison of the pin with a digest of the same alg. */
bool	pin_equal(const struct pin *, const unsigned char *d, size_t len);

#endif
