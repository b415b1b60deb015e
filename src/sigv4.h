/*
 * sigv4.h - AWS Signature Version 4 (header form), as a pure module:
 * the canonical request, the string to sign, the signing key and the
 * Authorization header value, for a request the caller describes.  No
 * clock, no I/O: the caller gives the time stamp, so the AWS test-suite
 * vectors check every step (tests/unit/t-sigv4.c).
 *
 * What is supported is what a POST to an AWS API needs: a path already
 * in canonical form (the caller's own, never user input), a query of
 * already-encoded "k=v" pairs (sorted here), headers whose names are
 * folded to lower case, values trimmed and inner runs of spaces
 * collapsed, and the payload's SHA-256 given as hex.
 */
#ifndef OUTPOST_SIGV4_H
#define OUTPOST_SIGV4_H

#include <stddef.h>

#define SIGV4_HDRS_MAX		16	/* signed headers of one request */
#define SIGV4_QUERY_MAX		16	/* query parameters */
#define SIGV4_CANON_MAX		8192	/* the canonical request */
#define SIGV4_STS_MAX		512	/* the string to sign */
#define SIGV4_HEX_LEN		64	/* a SHA-256 as hex */
#define SIGV4_AUTH_MAX		1024	/* the Authorization value */
#define SIGV4_DATE_LEN		16	/* 20150830T123600Z */

struct sigv4_hdr {
	const char	*name;		/* any case */
	const char	*value;
};

struct sigv4_req {
	const char		*method;	/* "POST" */
	const char		*path;		/* canonical already: "/" */
	const char		*query;		/* "k=v&k2=v2" encoded, or "" */
	const struct sigv4_hdr	*hdrs;		/* host and x-amz-date too */
	size_t			 nhdrs;
	const char		*payload_hash;	/* hex SHA-256 of the body */
	const char		*amz_date;	/* YYYYMMDDTHHMMSSZ */
	const char		*region;	/* "us-east-1" */
	const char		*service;	/* "ses" */
};

/* SHA-256 of n bytes as lower-case hex into out. */
void	sigv4_sha256_hex(const void *p, size_t n,
	    char out[SIGV4_HEX_LEN + 1]);
/* The canonical request into out (cap bytes); -1 when it does not fit. */
int	sigv4_canonical(const struct sigv4_req *, char *out, size_t cap);
/* The string to sign of a canonical request; -1 when it does not fit. */
int	sigv4_string_to_sign(const struct sigv4_req *, const char *canon,
	    char *out, size_t cap);
/* The signature (hex) of the request with the secret access key. */
int	sigv4_signature(const struct sigv4_req *, const char *secret,
	    size_t secret_len, char out[SIGV4_HEX_LEN + 1]);
/*
 * The Authorization header's value: "AWS4-HMAC-SHA256 Credential=...,
 * SignedHeaders=..., Signature=...".  -1 when it does not fit.
 */
int	sigv4_authorization(const struct sigv4_req *, const char *key_id,
	    const char *secret, size_t secret_len, char *out, size_t cap);

#endif
