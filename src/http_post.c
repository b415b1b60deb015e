/*
 * http_post.c - the HTTPS POST of the API transports (http_post.h).
 *
 * libcurl is loaded with dlopen() the first time an API account sends
 * (curl_fn.c): an SMTP send maps none of it.  The deadline of the
 * exchange is the account's timeout for the connection and the answer
 * plus the time the body takes at HTTP_MIN_RATE, so a large message is
 * not cut off on a slow line and a stalled one still ends.
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
#include "http_post.h"
#include "log.h"


/* One transfer's state, seen by the callbacks. */
struct hp_xfer {
	struct http_resp	*r;
	struct api_body		*body;
	struct err		 read_err;	/* the spool failed */
	bool			 over;		/* answer too long: cut */
};

static size_t
hp_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct hp_xfer *x = arg;
	ssize_t n = api_body_read(x->body, buf, size * nitems, &x->read_err);

	return n < 0 ? CURL_READFUNC_ABORT : (size_t)n;
}

static size_t
hp_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct hp_xfer *x = arg;
	size_t n = size * nmemb, room = HTTP_ANSWER_MAX - x->r->len;

	if (n > room) {
		x->over = true;
		n = room;	/* only the start is kept */
	}
	memcpy(x->r->answer + x->r->len, data, n);
	x->r->len += n;
	x->r->answer[x->r->len] = '\0';
	return size * nmemb;
}

/* Retry-After in seconds (an HTTP-date is not honoured: backoff). */
static size_t
hp_header(char *data, size_t size, size_t nitems, void *arg)
{
	struct hp_xfer *x = arg;
	size_t n = size * nitems, i;
	unsigned long v = 0;

	if (n > 12 && strncasecmp(data, "retry-after:", 12) == 0) {
		for (i = 12; i < n && (data[i] == ' ' || data[i] == '\t'); i++)
			continue;
		for (; i < n && data[i] >= '0' && data[i] <= '9'; i++)
			if ((v = v * 10 + (unsigned long)(data[i] - '0')) >
			    HTTP_RETRY_AFTER_MAX)
				v = HTTP_RETRY_AFTER_MAX;
		x->r->retry_after = (unsigned)v;
	}
	return n;
}

static CURLcode
hp_setup(CURL *c, const struct http_req *q, struct curl_slist *hdrs,
    struct hp_xfer *x, char *errbuf)
{
	curl_off_t len = q->body != NULL ?
	    (curl_off_t)api_body_len(q->body) : 0;
	long ms = (long)q->a->timeout * 1000;
	CURLcode rc;

	rc = curl_fn.setopt(c, CURLOPT_URL, q->url);
	if (rc == CURLE_OK)
		rc = curl_fn_secure(c, q->a->tls_trust_file);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_TIMEOUT_MS, 2 * ms +
		    (long)(len / HTTP_MIN_RATE) * 1000);
	if (rc == CURLE_OK && q->body == NULL) {
		rc = curl_fn.setopt(c, CURLOPT_HTTPGET, 1L);
		goto answer;
	}
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_POST, 1L);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, len);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_READFUNCTION, hp_read);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_READDATA, x);
answer:
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_WRITEFUNCTION, hp_write);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_WRITEDATA, x);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_HEADERFUNCTION, hp_header);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_HEADERDATA, x);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return rc;
}

/* No answer: 75 when a later try may do better, else 69. */
static int
hp_fail(const struct http_req *q, CURLcode rc, const char *errbuf,
    bool all_sent, struct err *e)
{
	const char *why = errbuf[0] != '\0' ? errbuf : curl_fn.strerror(rc);

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		return err_set(e, EX_UNAVAILABLE, "%s: TLS certificate not "
		    "trusted or handshake failed: %s", q->what, why);
	case CURLE_COULDNT_RESOLVE_HOST:
		err_set(e, EX_TEMPFAIL, "%s: %s", q->what, why);
		e->flags |= ERR_RESOLVE;
		return -1;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		err_set(e, EX_TEMPFAIL, "%s: %s", q->what, why);
		/* the API may have taken the message before it broke */
		if (all_sent)
			e->flags |= ERR_DUP_RISK;
		return -1;
	case CURLE_COULDNT_CONNECT:
		return err_set(e, EX_TEMPFAIL, "%s: %s", q->what, why);
	default:
		break;
	}
	return err_set(e, EX_UNAVAILABLE, "%s: %s", q->what, why);
}

/* The request headers as a list over the caller's lines (no copies). */
static void
hp_list(const struct http_req *q, struct curl_slist *l)
{
	size_t i;

	for (i = 0; i < q->nhdrs; i++) {
		l[i].data = (char *)(uintptr_t)q->hdrs[i];
		l[i].next = &l[i + 1];
	}
	/* no "Expect: 100-continue" round trip before the body */
	l[q->nhdrs].data = (char *)(uintptr_t)"Expect:";
	l[q->nhdrs].next = NULL;
}

int
http_post(const struct http_req *q, struct http_resp *r, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE], via[SOCKS5_NAME_MAX + 32];
	struct curl_slist list[HTTP_HDRS_MAX + 1];
	struct hp_xfer x;
	struct acct_via v;
	curl_off_t sent = 0;
	CURLcode rc;
	CURL *c;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	err_init(&x.read_err);
	x.r = r;
	x.body = q->body;
	errbuf[0] = '\0';
	if (q->nhdrs > HTTP_HDRS_MAX)
		return err_set(e, EX_SOFTWARE, "%s: too many headers", q->what);
	if (curl_fn_load("the API transports", e) == -1 ||
	    acct_via_open(q->a, &v, e) == -1)
		return -1;
	if ((c = curl_fn.init()) == NULL) {
		acct_via_close(&v);
		return err_set(e, EX_OSERR, "%s: cannot start libcurl",
		    q->what);
	}
	if (q->body != NULL)
		api_body_rewind(q->body);
	hp_list(q, list);
	rc = hp_setup(c, q, list, &x, errbuf);
	if (rc == CURLE_OK)
		rc = curl_fn_via(c, &v, via, sizeof(via));
	if (rc == CURLE_OK)
		rc = curl_fn.perform(c);
	curl_fn.getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_fn.getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent);
	curl_fn.cleanup(c);
	acct_via_close(&v);
	if (err_is_set(&x.read_err)) {
		*e = x.read_err;
		return -1;
	}
	if (rc != CURLE_OK || r->status == 0)
		return hp_fail(q, rc, errbuf, q->body != NULL && sent ==
		    (curl_off_t)api_body_len(q->body), e);
	log_debug("%s: HTTP %ld, %zu bytes of answer%s", q->what, r->status,
	    r->len, x.over ? " (cut)" : "");
	return 0;
}
