/*
 * setup_http.c - the one HTTPS GET of setup: a domain's autoconfig
 * document, through libcurl (dlopen()ed as oauth2_http.c does, so a
 * plain send never maps it).
 *
 * Invariants: https only and no redirect followed (a 3xx is a refusal:
 * Thunderbird's lookup may follow one to http, which would let the
 * network choose the server), peer and host name verified against the
 * system CAs, TLS 1.2 or later, one deadline for the whole transfer, at
 * most SETUP_XML_MAX bytes, and a Content-Type of text/xml or
 * application/xml (a captive portal's HTML page is not a document).
 * Test builds: OUTPOST_TEST_TRUST_BUNDLE stands in for the system CAs,
 * as in tls_trust.c.
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

#include "curl_fn.h"
#include "setup.h"


struct sh_buf {
	char	*p;
	size_t	 len;
	bool	 over;
};

static size_t
sh_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sh_buf *b = arg;
	size_t n = size * nmemb;

	if (n > SETUP_XML_MAX - b->len) {
		b->over = true;
		return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return n;
}

static CURLcode
sh_setup(CURL *c, const char *url, long ms, struct sh_buf *b, char *errbuf)
{
	const char *trust = NULL;
	CURLcode rc;

#ifdef OUTPOST_TEST_HOOKS
	trust = getenv("OUTPOST_TEST_TRUST_BUNDLE");
#endif
	rc = curl_fn.setopt(c, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_fn_secure(c, trust);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_TIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_WRITEFUNCTION, sh_write);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_WRITEDATA, b);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return rc;
}

/* The answer's status and type: 0 when it is a document. */
static int
sh_check(CURL *c, struct err *e)
{
	const char *type = NULL;
	long status = 0;
	size_t n;

	if (curl_fn.getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	if (status >= 300 && status < 400)
		return err_set(e, EX_UNAVAILABLE, "redirect refused (HTTP "
		    "%ld): setup follows none", status);
	if (status != 200)
		return err_set(e, EX_UNAVAILABLE, "HTTP %ld", status);
	if (curl_fn.getinfo(c, CURLINFO_CONTENT_TYPE, &type) != CURLE_OK ||
	    type == NULL)
		return err_set(e, EX_DATAERR, "no Content-Type: not an XML "
		    "document");
	n = strcspn(type, "; ");
	if ((n != 8 || strncasecmp(type, "text/xml", n) != 0) &&
	    (n != 15 || strncasecmp(type, "application/xml", n) != 0))
		return err_set(e, EX_DATAERR, "Content-Type %.*s: not an XML "
		    "document", (int)(n < 64 ? n : 64), type);
	return 0;
}

static int
sh_fail(CURLcode rc, const struct sh_buf *b, const char *errbuf,
    struct err *e)
{
	if (rc == CURLE_WRITE_ERROR && b->over)
		return err_set(e, EX_DATAERR, "document larger than %d "
		    "bytes refused", SETUP_XML_MAX);
	return err_set(e, rc == CURLE_OPERATION_TIMEDOUT ||
	    rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ?
	    EX_TEMPFAIL : EX_UNAVAILABLE, "%s", errbuf[0] != '\0' ? errbuf :
	    curl_fn.strerror(rc));
}

char *
setup_http_get(const char *url, int timeout_ms, size_t *len, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE];
	struct sh_buf b;
	CURLcode rc;
	CURL *c;
	int ok;

	if (curl_fn_load("autoconfig", e) == -1)
		return NULL;
	memset(&b, 0, sizeof(b));
	errbuf[0] = '\0';
	if ((b.p = malloc(SETUP_XML_MAX + 1)) == NULL ||
	    (c = curl_fn.init()) == NULL) {
		free(b.p);
		err_set(e, EX_OSERR, "out of memory");
		return NULL;
	}
	rc = sh_setup(c, url, timeout_ms, &b, errbuf);
	if (rc == CURLE_OK)
		rc = curl_fn.perform(c);
	ok = rc == CURLE_OK ? sh_check(c, e) : sh_fail(rc, &b, errbuf, e);
	curl_fn.cleanup(c);
	if (ok == -1) {
		free(b.p);
		return NULL;
	}
	b.p[b.len] = '\0';
	*len = b.len;
	return b.p;
}
