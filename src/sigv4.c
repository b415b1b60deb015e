/*
 * sigv4.c - AWS Signature Version 4 (sigv4.h): pure string building over
 * GnuTLS's SHA-256 and HMAC.
 *
 * Everything is written into caller buffers through sigv4_put(), which
 * stops at the first thing that does not fit: a request too large to
 * describe is refused, never signed over a truncated canonical form.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"

#define SIGV4_ALGO	"AWS4-HMAC-SHA256"
#define SIGV4_KEY_MAX	(4 + 512)	/* "AWS4" + a secret access key */

/* An output buffer that remembers running out of room. */
struct sigv4_out {
	char	*p;
	size_t	 len;
	size_t	 cap;
	bool	 over;
};

static void
sigv4_put(struct sigv4_out *o, const char *s, size_t n)
{
	if (o->over || n >= o->cap - o->len) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
sigv4_puts(struct sigv4_out *o, const char *s)
{
	sigv4_put(o, s, strlen(s));
}

static void
sigv4_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
sigv4_sha256_hex(const void *p, size_t n, char out[SIGV4_HEX_LEN + 1])
{
	unsigned char d[32];

	gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, d);
	sigv4_hex(d, sizeof(d), out);
}

/* Header order: by name, case folded (SigV4 signs lower-case names). */
static int
sigv4_hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *x = *(const struct sigv4_hdr *const *)a;
	const struct sigv4_hdr *y = *(const struct sigv4_hdr *const *)b;

	return strcasecmp(x->name, y->name);
}

static void
sigv4_put_lower(struct sigv4_out *o, const char *s)
{
	char ch;

	for (; *s != '\0'; s++) {
		ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		sigv4_put(o, &ch, 1);
	}
}

/* A value trimmed, each inner run of spaces one space. */
static void
sigv4_put_value(struct sigv4_out *o, const char *v)
{
	bool space = false;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t') {
			space = true;
			continue;
		}
		if (space)
			sigv4_put(o, " ", 1);
		space = false;
		sigv4_put(o, v, 1);
	}
}

/* The headers sorted: sorted[] gets pointers into r->hdrs. */
static int
sigv4_sorted(const struct sigv4_req *r,
    const struct sigv4_hdr *sorted[SIGV4_HDRS_MAX])
{
	size_t i;

	if (r->nhdrs > SIGV4_HDRS_MAX)
		return -1;
	for (i = 0; i < r->nhdrs; i++)
		sorted[i] = &r->hdrs[i];
	qsort(sorted, r->nhdrs, sizeof(sorted[0]), sigv4_hdr_cmp);
	return 0;
}

static void
sigv4_put_signed(struct sigv4_out *o, const struct sigv4_hdr *const *h,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			sigv4_put(o, ";", 1);
		sigv4_put_lower(o, h[i]->name);
	}
}

/* One query parameter: where it starts in the query, how long. */
struct sigv4_param {
	const char	*p;
	size_t		 len;
};

/* By name, then by value (the test suite's get-vanilla-query-order). */
static int
sigv4_param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *x = a, *y = b;
	size_t kx = strcspn(x->p, "=&"), ky = strcspn(y->p, "=&");
	size_t n = kx < ky ? kx : ky;
	int c;

	if (kx > x->len)
		kx = x->len;
	if (ky > y->len)
		ky = y->len;
	if ((c = memcmp(x->p, y->p, n)) != 0 || kx != ky)
		return c != 0 ? c : (kx < ky ? -1 : 1);
	n = x->len < y->len ? x->len : y->len;
	if ((c = memcmp(x->p, y->p, n)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int
sigv4_put_query(struct sigv4_out *o, const char *q)
{
	struct sigv4_param ps[SIGV4_QUERY_MAX];
	size_t n = 0, i;

	while (q != NULL && *q != '\0') {
		if (n == SIGV4_QUERY_MAX)
			return -1;
		ps[n].p = q;
		ps[n].len = strcspn(q, "&");
		q += ps[n++].len;
		if (*q == '&')
			q++;
	}
	qsort(ps, n, sizeof(ps[0]), sigv4_param_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sigv4_put(o, "&", 1);
		sigv4_put(o, ps[i].p, ps[i].len);
	}
	return 0;
}

int
sigv4_canonical(const struct sigv4_req *r, char *out, size_t cap)
{
	const struct sigv4_hdr *h[SIGV4_HDRS_MAX];
	struct sigv4_out o = { out, 0, cap, cap == 0 };
	size_t i;

	if (cap > 0)
		out[0] = '\0';
	if (sigv4_sorted(r, h) == -1)
		return -1;
	sigv4_puts(&o, r->method);
	sigv4_puts(&o, "\n");
	sigv4_puts(&o, r->path);
	sigv4_puts(&o, "\n");
	if (sigv4_put_query(&o, r->query) == -1)
		return -1;
	sigv4_puts(&o, "\n");
	for (i = 0; i < r->nhdrs; i++) {
		sigv4_put_lower(&o, h[i]->name);
		sigv4_puts(&o, ":");
		sigv4_put_value(&o, h[i]->value);
		sigv4_puts(&o, "\n");
	}
	sigv4_puts(&o, "\n");
	sigv4_put_signed(&o, h, r->nhdrs);
	sigv4_puts(&o, "\n");
	sigv4_puts(&o, r->payload_hash);
	return o.over ? -1 : 0;
}

/* "20150830/us-east-1/service/aws4_request" */
static void
sigv4_put_scope(struct sigv4_out *o, const struct sigv4_req *r)
{
	sigv4_put(o, r->amz_date, strnlen(r->amz_date, 8));
	sigv4_puts(o, "/");
	sigv4_puts(o, r->region);
	sigv4_puts(o, "/");
	sigv4_puts(o, r->service);
	sigv4_puts(o, "/aws4_request");
}

int
sigv4_string_to_sign(const struct sigv4_req *r, const char *canon,
    char *out, size_t cap)
{
	struct sigv4_out o = { out, 0, cap, cap == 0 };
	char hex[SIGV4_HEX_LEN + 1];

	if (strlen(r->amz_date) != SIGV4_DATE_LEN)
		return -1;
	sigv4_sha256_hex(canon, strlen(canon), hex);
	sigv4_puts(&o, SIGV4_ALGO "\n");
	sigv4_puts(&o, r->amz_date);
	sigv4_puts(&o, "\n");
	sigv4_put_scope(&o, r);
	sigv4_puts(&o, "\n");
	sigv4_puts(&o, hex);
	return o.over ? -1 : 0;
}

/* kSigning = HMAC chain over date, region, service, "aws4_request". */
static int
sigv4_key(const struct sigv4_req *r, const char *secret, size_t slen,
    unsigned char key[32])
{
	const char *parts[4] = { NULL, r->region, r->service,
	    "aws4_request" };
	unsigned char first[SIGV4_KEY_MAX];
	char date[9];
	size_t i;
	int rc = 0;

	if (slen > SIGV4_KEY_MAX - 4)
		return -1;
	memcpy(first, "AWS4", 4);
	memcpy(first + 4, secret, slen);
	snprintf(date, sizeof(date), "%.8s", r->amz_date);
	parts[0] = date;
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, first, slen + 4, parts[0],
	    strlen(parts[0]), key) < 0)
		rc = -1;
	for (i = 1; rc == 0 && i < 4; i++)
		if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, 32, parts[i],
		    strlen(parts[i]), key) < 0)
			rc = -1;
	explicit_bzero(first, sizeof(first));
	return rc;
}

int
sigv4_signature(const struct sigv4_req *r, const char *secret,
    size_t secret_len, char out[SIGV4_HEX_LEN + 1])
{
	char canon[SIGV4_CANON_MAX], sts[SIGV4_STS_MAX];
	unsigned char key[32], mac[32];
	int rc = -1;

	if (sigv4_canonical(r, canon, sizeof(canon)) == -1 ||
	    sigv4_string_to_sign(r, canon, sts, sizeof(sts)) == -1)
		return -1;
	if (sigv4_key(r, secret, secret_len, key) == 0 &&
	    gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, sizeof(key), sts,
	    strlen(sts), mac) >= 0) {
		sigv4_hex(mac, sizeof(mac), out);
		rc = 0;
	}
	explicit_bzero(key, sizeof(key));
	return rc;
}

int
sigv4_authorization(const struct sigv4_req *r, const char *key_id,
    const char *secret, size_t secret_len, char *out, size_t cap)
{
	const struct sigv4_hdr *h[SIGV4_HDRS_MAX];
	struct sigv4_out o = { out, 0, cap, cap == 0 };
	char sig[SIGV4_HEX_LEN + 1];

	if (sigv4_sorted(r, h) == -1 ||
	    sigv4_signature(r, secret, secret_len, sig) == -1)
		return -1;
	sigv4_puts(&o, SIGV4_ALGO " Credential=");
	sigv4_puts(&o, key_id);
	sigv4_puts(&o, "/");
	sigv4_put_scope(&o, r);
	sigv4_puts(&o, ", SignedHeaders=");
	sigv4_put_signed(&o, h, r->nhdrs);
	sigv4_puts(&o, ", Signature=");
	sigv4_puts(&o, sig);
	return o.over ? -1 : 0;
}
