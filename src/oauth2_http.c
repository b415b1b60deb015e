/*
 * oauth2_http.c - the one HTTPS POST to a token endpoint, through libcurl
 * (built on GnuTLS), with the trust settings of the SMTP side.
 *
 * Invariants: https only (no redirects, no other protocol, no .netrc),
 * peer and host name verified against the system CAs or the account's
 * tls_trust_file alone, TLS 1.2 or later, the account's timeout for the
 * whole exchange, at most OAUTH2_BODY_MAX bytes of answer.  An error
 * answer is JSON with 400 or 401 (RFC 6749 5.2), and from Google's device
 * endpoint also 403 (slow_down, access_denied) and 428
 * (authorization_pending).  The request
 * body (it holds the refresh token and client secret) is never copied by
 * libcurl and the answer buffer is wiped before it is freed.
 *
 * libcurl is loaded with dlopen() on the first request (curl_fn.c): a
 * send that needs no token does not map it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "acct_via.h"
#include "curl_fn.h"
#include "log.h"
#include "oauth2.h"


struct http_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	bool	 over;
};

static size_t
http_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_buf *b = arg;
	size_t n = size * nmemb;

	if (n > b->cap - b->len) {
		b->over = true;
		return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return n;
}

static CURLcode
http_setup(CURL *c, const struct account *a, const char *url,
    const char *form, struct curl_slist *hdrs, struct http_buf *b,
    char *errbuf)
{
	long ms = (long)a->timeout * 1000;
	CURLcode rc;

	rc = curl_fn.setopt(c, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_fn_secure(c, a->tls_trust_file);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_TIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_POSTFIELDS, form);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_WRITEFUNCTION, http_write);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_WRITEDATA, b);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return rc;
}

/* A failed transfer -> exit code and one line. */
static int
http_fail(CURLcode rc, const struct http_buf *b, const char *errbuf,
    struct err *e)
{
	const char *why = errbuf[0] != '\0' ? errbuf : curl_fn.strerror(rc);

	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (b->over)
			return err_set(e, EX_PROTOCOL, "token endpoint: answer "
			    "larger than %d bytes", OAUTH2_BODY_MAX);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		return err_set(e, EX_UNAVAILABLE, "token endpoint: TLS "
		    "certificate not trusted or handshake failed: %s", why);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return err_set(e, EX_CONFIG, "token endpoint: %s", why);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return err_set(e, EX_TEMPFAIL, "token endpoint: %s", why);
	default:
		break;
	}
	return err_set(e, EX_UNAVAILABLE, "token endpoint: %s", why);
}

/* The transfer itself; b filled, *status the HTTP status. */
static int
http_run(const struct account *a, const char *url, const char *form,
    struct http_buf *b, long *status, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE], via[SOCKS5_NAME_MAX + 32];
	struct curl_slist *hdrs;
	struct acct_via v;
	CURLcode rc;
	CURL *c;

	errbuf[0] = '\0';
	if (acct_via_open(a, &v, e) == -1) {
		acct_via_close(&v);
		return -1;
	}
	if ((c = curl_fn.init()) == NULL) {
		acct_via_close(&v);
		return err_set(e, EX_OSERR, "token endpoint: cannot start "
		    "libcurl");
	}
	hdrs = curl_fn.slist_append(NULL, "Accept: application/json");
	if (hdrs == NULL) {
		curl_fn.cleanup(c);
		acct_via_close(&v);
		return err_set(e, EX_OSERR, "out of memory");
	}
	rc = http_setup(c, a, url, form, hdrs, b, errbuf);
	if (rc == CURLE_OK)
		rc = curl_fn_via(c, &v, via, sizeof(via));
	if (rc == CURLE_OK)
		rc = curl_fn.perform(c);
	if (rc == CURLE_OK)
		rc = curl_fn.getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_fn.cleanup(c);
	curl_fn.slist_free_all(hdrs);
	acct_via_close(&v);
	if (rc != CURLE_OK)
		return http_fail(rc, b, errbuf, e);
	return 0;
}

int
oauth2_http_post(const struct account *a, const char *url,
    const char *form, struct oauth2_resp *r, long *status, struct err *e)
{
	struct http_buf b = { NULL, 0, OAUTH2_BODY_MAX, false };
	int rc;

	if (strncasecmp(url, "https://", 8) != 0)
		return err_set(e, EX_CONFIG, "oauth2_token_url must be an "
		    "https:// URL");
	if (curl_fn_load("OAuth2", e) == -1)
		return -1;
	if ((b.p = malloc(b.cap)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	*status = 0;
	rc = http_run(a, url, form, &b, status, e);
	if (rc == 0)
		log_debug("token endpoint: HTTP %ld, %zu bytes", *status,
		    b.len);
	if (rc == 0 && *status >= 500)
		rc = err_set(e, EX_TEMPFAIL, "token endpoint: HTTP %ld",
		    *status);
	else if (rc == 0 && *status != 200 && *status != 400 &&
	    *status != 401 && *status != 403 && *status != 428)
		rc = err_set(e, EX_PROTOCOL, "token endpoint: unexpected "
		    "HTTP %ld", *status);
	if (rc == 0)
		rc = oauth2_json_parse(b.p, b.len, r, e);
	explicit_bzero(b.p, b.cap);
	free(b.p);
	return rc;
}
