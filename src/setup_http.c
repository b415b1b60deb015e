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

#include <curl/curl.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "setup.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif
#ifndef CURL_SONAME
#define CURL_SONAME "libcurl-gnutls.so.4"
#endif

static struct {
	CURL		*(*init)(void);
	CURLcode	 (*setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*perform)(CURL *);
	CURLcode	 (*getinfo)(CURL *, CURLINFO, ...);
	void		 (*cleanup)(CURL *);
	const char	*(*strerror)(CURLcode);
} sh_fn;

static int
sh_load(struct err *e)
{
	static const char *const names[] = { "curl_easy_init",
	    "curl_easy_setopt", "curl_easy_perform", "curl_easy_getinfo",
	    "curl_easy_cleanup", "curl_easy_strerror", "curl_global_init" };
	void *fns[sizeof(names) / sizeof(names[0])];
	CURLcode (*global_init)(long);
	void *h;
	size_t i;

	if (sh_fn.init != NULL)
		return 0;
	if ((h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(e, EX_UNAVAILABLE, "autoconfig needs libcurl: "
		    "%s", dlerror());
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((fns[i] = dlsym(h, names[i])) == NULL)
			return err_set(e, EX_UNAVAILABLE, "%s: no %s",
			    CURL_SONAME, names[i]);
	/* POSIX: a dlsym() result converts to a function pointer */
	memcpy(&sh_fn.setopt, &fns[1], sizeof(void *));
	memcpy(&sh_fn.perform, &fns[2], sizeof(void *));
	memcpy(&sh_fn.getinfo, &fns[3], sizeof(void *));
	memcpy(&sh_fn.cleanup, &fns[4], sizeof(void *));
	memcpy(&sh_fn.strerror, &fns[5], sizeof(void *));
	memcpy(&global_init, &fns[6], sizeof(void *));
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, EX_OSERR, "cannot initialise libcurl");
	memcpy(&sh_fn.init, &fns[0], sizeof(void *));
	return 0;
}

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
	CURLcode rc;

	rc = sh_fn.setopt(c, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_SSLVERSION,
		    (long)CURL_SSLVERSION_TLSv1_2);
#ifdef OUTPOST_TEST_HOOKS
	if (rc == CURLE_OK && getenv("OUTPOST_TEST_TRUST_BUNDLE") != NULL)
		rc = sh_fn.setopt(c, CURLOPT_CAINFO,
		    getenv("OUTPOST_TEST_TRUST_BUNDLE"));
#endif
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_TIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_USERAGENT,
		    "outpost/" PACKAGE_VERSION);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_WRITEFUNCTION, sh_write);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_WRITEDATA, b);
	if (rc == CURLE_OK)
		rc = sh_fn.setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return rc;
}

/* The answer's status and type: 0 when it is a document. */
static int
sh_check(CURL *c, struct err *e)
{
	const char *type = NULL;
	long status = 0;
	size_t n;

	if (sh_fn.getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	if (status >= 300 && status < 400)
		return err_set(e, EX_UNAVAILABLE, "redirect refused (HTTP "
		    "%ld): setup follows none", status);
	if (status != 200)
		return err_set(e, EX_UNAVAILABLE, "HTTP %ld", status);
	if (sh_fn.getinfo(c, CURLINFO_CONTENT_TYPE, &type) != CURLE_OK ||
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
	    sh_fn.strerror(rc));
}

char *
setup_http_get(const char *url, int timeout_ms, size_t *len, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE];
	struct sh_buf b;
	CURLcode rc;
	CURL *c;
	int ok;

	if (sh_load(e) == -1)
		return NULL;
	memset(&b, 0, sizeof(b));
	errbuf[0] = '\0';
	if ((b.p = malloc(SETUP_XML_MAX + 1)) == NULL ||
	    (c = sh_fn.init()) == NULL) {
		free(b.p);
		err_set(e, EX_OSERR, "out of memory");
		return NULL;
	}
	rc = sh_setup(c, url, timeout_ms, &b, errbuf);
	if (rc == CURLE_OK)
		rc = sh_fn.perform(c);
	ok = rc == CURLE_OK ? sh_check(c, e) : sh_fail(rc, &b, errbuf, e);
	sh_fn.cleanup(c);
	if (ok == -1) {
		free(b.p);
		return NULL;
	}
	b.p[b.len] = '\0';
	*len = b.len;
	return b.p;
}
