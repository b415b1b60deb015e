/*
 * http_post.h - one HTTPS POST of an API transport through libcurl, with
 * the trust settings and the way out (source_ip, proxy) of the SMTP side
 * and of the OAuth2 token endpoint: https only, no redirects, peer and
 * host verified (system CAs or the account's tls_trust_file), TLS 1.2 or
 * later, a deadline for the whole exchange.
 *
 * The body is streamed from an api_body; the answer is kept (at most
 * HTTP_ANSWER_MAX bytes) for the caller to look into but is never put
 * into a message or -v output: an API's error body may echo what it was
 * sent.  Header lines may hold a secret (Authorization): they are handed
 * to libcurl as a list that points into the caller's buffers, never
 * copied into lists of our own.
 */
#ifndef OUTPOST_HTTP_POST_H
#define OUTPOST_HTTP_POST_H

#include <stddef.h>

#include "api_body.h"
#include "cfg.h"
#include "err.h"

#define HTTP_ANSWER_MAX		(16 * 1024)	/* answer body kept */
#define HTTP_HDRS_MAX		8		/* request header lines */
#define HTTP_RETRY_AFTER_MAX	(24 * 3600)	/* Retry-After honoured */
#define HTTP_MIN_RATE		8192	/* bytes/s a body must move at */

struct http_req {
	const struct account	*a;
	const char		*what;		/* "mailgun": for messages */
	const char		*url;
	const char		*hdrs[HTTP_HDRS_MAX];	/* "Name: value" */
	size_t			 nhdrs;
	struct api_body		*body;		/* NULL: a GET (doctor) */
};

struct http_resp {
	long		 status;	/* 0: no answer */
	unsigned	 retry_after;	/* seconds; 0: none given */
	size_t		 len;
	char		 answer[HTTP_ANSWER_MAX + 1];	/* NUL-terminated */
};

/*
 * 0 when an answer came (any status: the caller maps it); -1 with e when
 * none did: 75 for what a later try may fix (ERR_DUP_RISK when the whole
 * body was sent), else 69 or 78.
 */
int	http_post(const struct http_req *, struct http_resp *, struct err *);

#endif
