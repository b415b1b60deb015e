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
 * libcurl is loaded with dlopen() on the first request (CURL_SONAME from
 * configure): a send that needs no token does not map it and the thirty
 * libraries behind it.  Its functions are called through http_fn only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <curl/curl.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "log.h"
#include "oauth2.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif
#ifndef CURL_SONAME
#define CURL_SONAME "libcurl-gnutls.so.4"
#endif

/* The libcurl functions used, from the loaded library. */
static struct {
	CURLcode	 (*global_init)(long);
	CURL		*(*init)(void);
	CURLcode	 (*setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*perform)(CURL *);
	CURLcode	 (*getinfo)(CURL *, CURLINFO, ...);
	void		 (*cleanup)(CURL *);
	const char	*(*strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
} http_fn;

/* Load libcurl once; -1 with e when it is not installed. */
static int
http_load(struct err *e)
{
	static const char *const names[] = { "curl_global_init",
	    "curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
	    "curl_easy_getinfo", "curl_easy_cleanup", "curl_easy_strerror",
	    "curl_slist_append", "curl_slist_free_all" };
	void *fns[sizeof(names) / sizeof(names[0])];
	void *h;
	size_t i;

	if (http_fn.init != NULL)
		return 0;
	if ((h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(e, EX_UNAVAILABLE, "OAuth2 needs libcurl: %s",
		    dlerror());
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((fns[i] = dlsym(h, names[i])) == NULL)
			return err_set(e, EX_UNAVAILABLE, "%s: no %s",
			    CURL_SONAME, names[i]);
	/* POSIX: a dlsym() result converts to a function pointer */
	memcpy(&http_fn.global_init, &fns[0], sizeof(void *));
	memcpy(&http_fn.setopt, &fns[2], sizeof(void *));
	memcpy(&http_fn.perform, &fns[3], sizeof(void *));
	memcpy(&http_fn.getinfo, &fns[4], sizeof(void *));
	memcpy(&http_fn.cleanup, &fns[5], sizeof(void *));
	memcpy(&http_fn.strerror, &fns[6], sizeof(void *));
	memcpy(&http_fn.slist_append, &fns[7], sizeof(void *));
	memcpy(&http_fn.slist_free_all, &fns[8], sizeof(void *));
	if (http_fn.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, EX_OSERR, "cannot initialise libcurl");
	memcpy(&http_fn.init, &fns[1], sizeof(void *));
	return 0;
}

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

	rc = http_fn.setopt(c, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_SSLVERSION,
		    (long)CURL_SSLVERSION_TLSv1_2);
	if (rc == CURLE_OK && a->tls_trust_file != NULL) {
		rc = http_fn.setopt(c, CURLOPT_CAINFO, a->tls_trust_file);
		if (rc == CURLE_OK)
			rc = http_fn.setopt(c, CURLOPT_CAPATH, NULL);
	}
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_TIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_NETRC,
		    (long)CURL_NETRC_IGNORED);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_POSTFIELDS, form);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_USERAGENT,
		    "outpost/" PACKAGE_VERSION);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_WRITEFUNCTION, http_write);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_WRITEDATA, b);
	if (rc == CURLE_OK)
		rc = http_fn.setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return rc;
}

/* A failed transfer -> exit code and one line. */
static int
http_fail(CURLcode rc, const struct http_buf *b, const char *errbuf,
    struct err *e)
{
	const char *why = errbuf[0] != '\0' ? errbuf : http_fn.strerror(rc);

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
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs;
	CURLcode rc;
	CURL *c;

	errbuf[0] = '\0';
	if ((c = http_fn.init()) == NULL)
		return err_set(e, EX_OSERR, "token endpoint: cannot start "
		    "libcurl");
	hdrs = http_fn.slist_append(NULL, "Accept: application/json");
	if (hdrs == NULL) {
		http_fn.cleanup(c);
		return err_set(e, EX_OSERR, "out of memory");
	}
	rc = http_setup(c, a, url, form, hdrs, b, errbuf);
	if (rc == CURLE_OK)
		rc = http_fn.perform(c);
	if (rc == CURLE_OK)
		rc = http_fn.getinfo(c, CURLINFO_RESPONSE_CODE, status);
	http_fn.cleanup(c);
	http_fn.slist_free_all(hdrs);
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
	if (http_load(e) == -1)
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
