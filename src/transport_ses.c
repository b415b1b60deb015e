/*
 * transport_ses.c - transport = ses: Amazon SES v2 SendEmail, POST
 * BASE/v2/email/outbound-emails with a JSON body: Content.Raw.Data (the
 * MIME message, base64), Destination.ToAddresses (the envelope
 * recipients; with raw content they are the envelope only, the message's
 * own To/Cc stay what readers see) and FromEmailAddress (the envelope
 * sender, unless it is the null sender).  Signed with AWS Signature
 * Version 4 (sigv4.c): user is the access key ID, the password the secret
 * access key; api_region the region.
 *
 * The signature covers the body's SHA-256, so the body is streamed twice:
 * once through the hash, once onto the wire.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "log.h"
#include "sigv4.h"
#include "transport.h"

#define SES_RCPTS_MAX	50	/* SES: recipients of one message */
#define SES_ADDR_JSON	(2 * 256 + 8)	/* one address as a JSON string */
#define SES_HEAD_MAX	((SES_RCPTS_MAX + 1) * SES_ADDR_JSON + 128)
#define SES_PATH	"/v2/email/outbound-emails"
#define SES_ACCOUNT_PATH "/v2/email/account"

/* s as a JSON string (quotes included) appended at h + *n. */
static void
ses_json_str(char *h, size_t cap, size_t *n, const char *s)
{
	if (*n < cap)
		h[(*n)++] = '"';
	for (; *s != '\0' && *n + 3 < cap; s++) {
		if (*s == '"' || *s == '\\')
			h[(*n)++] = '\\';
		h[(*n)++] = *s;
	}
	if (*n + 1 < cap)
		h[(*n)++] = '"';
	h[*n < cap ? *n : cap - 1] = '\0';
}

/* {"FromEmailAddress":..,"Destination":{"ToAddresses":[..]},... */
static int
ses_head(const struct transport_msg *m, char *h, size_t cap, size_t *len,
    struct err *e)
{
	size_t n = 0, i;

	if (m->env->nrcpts > SES_RCPTS_MAX)
		return err_set(e, EX_DATAERR, "ses: %zu recipients; SES takes "
		    "at most %d per message", m->env->nrcpts, SES_RCPTS_MAX);
	n += (size_t)snprintf(h + n, cap - n, "{");
	if (m->env->sender[0] != '\0') {
		n += (size_t)snprintf(h + n, cap - n, "\"FromEmailAddress\":");
		ses_json_str(h, cap, &n, m->env->sender);
		n += (size_t)snprintf(h + n, cap - n, ",");
	}
	n += (size_t)snprintf(h + n, cap - n, "\"Destination\":{"
	    "\"ToAddresses\":[");
	for (i = 0; i < m->env->nrcpts; i++) {
		if (i > 0)
			n += (size_t)snprintf(h + n, cap - n, ",");
		ses_json_str(h, cap, &n, m->env->rcpts[i]);
	}
	n += (size_t)snprintf(h + n, cap - n, "]},\"Content\":{\"Raw\":{"
	    "\"Data\":\"");
	if (n >= cap - 1)
		return err_set(e, EX_SOFTWARE, "ses: request too long");
	*len = n;
	return 0;
}

/* The body's SHA-256 as hex, read through once. */
static int
ses_hash(struct api_body *b, char hex[SIGV4_HEX_LEN + 1], struct err *e)
{
	unsigned char d[32];
	char buf[API_BODY_STAGE];
	gnutls_hash_hd_t h;
	ssize_t n;
	size_t i;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return err_set(e, EX_SOFTWARE, "ses: no SHA-256");
	api_body_rewind(b);
	while ((n = api_body_read(b, buf, sizeof(buf), e)) > 0)
		gnutls_hash(h, buf, (size_t)n);
	gnutls_hash_deinit(h, d);
	if (n < 0)
		return -1;
	for (i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/*
 * The signed headers: host, x-amz-date (and content-type for a POST);
 * the Authorization line into auth.
 */
static int
ses_sign(const struct transport_msg *m, const char *path, const char *host,
    const char *hash, char *date, char *auth, size_t cap, struct err *e)
{
	struct sigv4_hdr h[3] = { { "Host", host }, { "X-Amz-Date", date },
	    { "Content-Type", "application/json" } };
	time_t now = time(NULL);
	struct sigv4_req r;
	struct tm tm;
	size_t n;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, SIGV4_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", &tm) == 0)
		return err_set(e, EX_OSERR, "ses: no clock");
	memset(&r, 0, sizeof(r));
	r.method = strcmp(path, SES_PATH) == 0 ? "POST" : "GET";
	r.path = path;
	r.query = "";
	r.hdrs = h;
	r.nhdrs = strcmp(path, SES_PATH) == 0 ? 3 : 2;
	r.payload_hash = hash;
	r.amz_date = date;
	r.region = m->a->api_region;
	r.service = "ses";
	n = (size_t)snprintf(auth, cap, "Authorization: ");
	if (sigv4_authorization(&r, m->a->user, m->cred->buf, m->cred->len,
	    auth + n, cap - n) == -1)
		return err_set(e, EX_CONFIG, "ses: the request cannot be "
		    "signed (access key ID or region too long)");
	return 0;
}

int
transport_ses_send(const struct transport_msg *m, struct http_resp *r,
    struct err *e)
{
	char url[TRANSPORT_URL_MAX], host[TRANSPORT_HOST_MAX];
	char hash[SIGV4_HEX_LEN + 1], date[SIGV4_DATE_LEN + 1];
	char auth[SIGV4_AUTH_MAX + 32], xdate[SIGV4_DATE_LEN + 16];
	struct http_req q;
	struct api_body b;
	char *head;
	int rc;

	if (m->cred == NULL || m->a->api_region == NULL)
		return err_set(e, EX_CONFIG, "account %s: ses needs the secret "
		    "access key as the password and api_region", m->a->name);
	if ((size_t)snprintf(url, sizeof(url), "%s%s", m->base, SES_PATH) >=
	    sizeof(url) || transport_url_host(m->base, host, sizeof(host),
	    true) == -1)
		return err_set(e, EX_CONFIG, "ses: bad URL %s", m->base);
	if ((head = malloc(SES_HEAD_MAX)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	memset(&b, 0, sizeof(b));
	b.head = head;
	b.fd = m->spool_fd;
	b.size = m->env->size;
	b.prefix = m->prefix;
	b.b64 = true;
	b.tail = "\"}}}";
	b.tail_len = 4;
	rc = ses_head(m, head, SES_HEAD_MAX, &b.head_len, e);
	if (rc == 0)
		rc = ses_hash(&b, hash, e);
	if (rc == 0)
		rc = ses_sign(m, SES_PATH, host, hash, date, auth,
		    sizeof(auth), e);
	if (rc == 0) {
		snprintf(xdate, sizeof(xdate), "X-Amz-Date: %s", date);
		memset(&q, 0, sizeof(q));
		q.a = m->a;
		q.what = "ses";
		q.url = url;
		q.hdrs[q.nhdrs++] = auth;
		q.hdrs[q.nhdrs++] = xdate;
		q.hdrs[q.nhdrs++] = "Content-Type: application/json";
		q.body = &b;
		log_debug("ses: POST %s (%zu recipients, %zu bytes)", url,
		    m->env->nrcpts, api_body_len(&b));
		rc = http_post(&q, r, e);
	}
	explicit_bzero(auth, sizeof(auth));
	free(head);
	return rc;
}

/* doctor: GetAccount, GET BASE/v2/email/account, signed the same way. */
int
transport_ses_probe(const struct transport_msg *m, struct http_resp *r,
    struct err *e)
{
	char url[TRANSPORT_URL_MAX], host[TRANSPORT_HOST_MAX];
	char hash[SIGV4_HEX_LEN + 1], date[SIGV4_DATE_LEN + 1];
	char auth[SIGV4_AUTH_MAX + 32], xdate[SIGV4_DATE_LEN + 16];
	struct http_req q;
	int rc;

	if (m->cred == NULL || m->a->api_region == NULL)
		return err_set(e, EX_CONFIG, "account %s: ses needs the secret "
		    "access key as the password and api_region", m->a->name);
	if ((size_t)snprintf(url, sizeof(url), "%s%s", m->base,
	    SES_ACCOUNT_PATH) >= sizeof(url) || transport_url_host(m->base,
	    host, sizeof(host), true) == -1)
		return err_set(e, EX_CONFIG, "ses: bad URL %s", m->base);
	sigv4_sha256_hex("", 0, hash);
	if (ses_sign(m, SES_ACCOUNT_PATH, host, hash, date, auth,
	    sizeof(auth), e) == -1)
		return -1;
	snprintf(xdate, sizeof(xdate), "X-Amz-Date: %s", date);
	memset(&q, 0, sizeof(q));
	q.a = m->a;
	q.what = "ses";
	q.url = url;
	q.hdrs[q.nhdrs++] = auth;
	q.hdrs[q.nhdrs++] = xdate;
	rc = http_post(&q, r, e);
	explicit_bzero(auth, sizeof(auth));
	return rc;
}
