/*
 * transport_mailgun.c - transport = mailgun: POST BASE/v3/DOMAIN/
 * messages.mime, a multipart/form-data body with one "to" field per
 * envelope recipient and the message as the "message" file, HTTP Basic
 * authentication as user (Mailgun's is "api") with the API key as password.
 *
 * The recipients Mailgun delivers to are the "to" fields: the envelope,
 * so Bcc and envelope-only recipients reach their mailboxes and nobody
 * else does.  The envelope sender cannot be set: Mailgun uses its own
 * bounce address for the domain (outpost.conf(5)).
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

#include "b64.h"
#include "log.h"
#include "transport.h"

#define MG_BOUNDARY_LEN	32	/* hex characters of the part boundary */
#define MG_FIELD_MAX	160	/* one part's framing, besides its value */

/* "Authorization: Basic base64(user:key)" into out (wiped by caller). */
static int
mg_auth(const struct transport_msg *m, char *out, size_t cap,
    struct err *e)
{
	const char *user = m->a->user;
	char plain[SOCKS5_NAME_MAX + 1 + SECRET_MAX + 1];
	size_t n;
	int w;

	if (m->cred == NULL)
		return err_set(e, EX_CONFIG, "account %s: mailgun needs the "
		    "API key as the password", m->a->name);
	w = snprintf(plain, sizeof(plain), "%s:%s", user, m->cred->buf);
	if (w < 0 || (size_t)w >= sizeof(plain) ||
	    B64_ENCODED_SIZE((size_t)w) + 22 > cap) {
		explicit_bzero(plain, sizeof(plain));
		return err_set(e, EX_CONFIG, "account %s: user or API key too "
		    "long", m->a->name);
	}
	n = (size_t)snprintf(out, cap, "Authorization: Basic ");
	b64_encode(plain, (size_t)w, out + n);
	explicit_bzero(plain, sizeof(plain));
	return 0;
}

/* The parts before the message: the "to" fields, the file's framing. */
static char *
mg_head(const struct transport_msg *m, const char *bnd, size_t *len,
    struct err *e)
{
	size_t cap = MG_FIELD_MAX * 2, i, n = 0;
	char *h;

	for (i = 0; i < m->env->nrcpts; i++)
		cap += MG_FIELD_MAX + strlen(m->env->rcpts[i]);
	if ((h = malloc(cap)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	for (i = 0; i < m->env->nrcpts; i++)
		n += (size_t)snprintf(h + n, cap - n, "--%s\r\nContent-"
		    "Disposition: form-data; name=\"to\"\r\n\r\n%s\r\n", bnd,
		    m->env->rcpts[i]);
	n += (size_t)snprintf(h + n, cap - n, "--%s\r\nContent-Disposition: "
	    "form-data; name=\"message\"; filename=\"message.mime\"\r\n"
	    "Content-Type: message/rfc822\r\n\r\n", bnd);
	*len = n;
	return h;
}

int
transport_mailgun_send(const struct transport_msg *m, struct http_resp *r,
    struct err *e)
{
	char url[TRANSPORT_URL_MAX], bnd[MG_BOUNDARY_LEN + 1];
	char ctype[MG_BOUNDARY_LEN + 64], tail[MG_BOUNDARY_LEN + 16];
	char auth[TRANSPORT_AUTH_MAX];
	unsigned char rnd[MG_BOUNDARY_LEN / 2];
	struct http_req q;
	struct api_body b;
	size_t i;
	int rc;

	if ((size_t)snprintf(url, sizeof(url), "%s/v3/%s/messages.mime",
	    m->base, m->a->api_domain) >= sizeof(url))
		return err_set(e, EX_CONFIG, "mailgun: URL too long");
	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
		return err_set(e, EX_OSERR, "no random bytes for a boundary");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(bnd + 2 * i, 3, "%02x", rnd[i]);
	snprintf(ctype, sizeof(ctype), "Content-Type: multipart/form-data; "
	    "boundary=%s", bnd);
	snprintf(tail, sizeof(tail), "\r\n--%s--\r\n", bnd);
	if (mg_auth(m, auth, sizeof(auth), e) == -1)
		return -1;
	memset(&b, 0, sizeof(b));
	b.fd = m->spool_fd;
	b.size = m->env->size;
	b.prefix = m->prefix;
	b.tail = tail;
	b.tail_len = strlen(tail);
	if ((b.head = mg_head(m, bnd, &b.head_len, e)) == NULL) {
		explicit_bzero(auth, sizeof(auth));
		return -1;
	}
	memset(&q, 0, sizeof(q));
	q.a = m->a;
	q.what = "mailgun";
	q.url = url;
	q.hdrs[q.nhdrs++] = auth;
	q.hdrs[q.nhdrs++] = ctype;
	q.hdrs[q.nhdrs++] = "Accept: application/json";
	q.body = &b;
	log_debug("mailgun: POST %s (%zu recipients, %zu bytes)", url,
	    m->env->nrcpts, api_body_len(&b));
	rc = http_post(&q, r, e);
	explicit_bzero(auth, sizeof(auth));
	free((char *)(uintptr_t)b.head);
	return rc;
}

/* doctor: the domain, GET BASE/v3/domains/DOMAIN with the same key. */
int
transport_mailgun_probe(const struct transport_msg *m, struct http_resp *r,
    struct err *e)
{
	char url[TRANSPORT_URL_MAX], auth[TRANSPORT_AUTH_MAX];
	struct http_req q;
	int rc;

	if ((size_t)snprintf(url, sizeof(url), "%s/v3/domains/%s", m->base,
	    m->a->api_domain) >= sizeof(url))
		return err_set(e, EX_CONFIG, "mailgun: URL too long");
	if (mg_auth(m, auth, sizeof(auth), e) == -1)
		return -1;
	memset(&q, 0, sizeof(q));
	q.a = m->a;
	q.what = "mailgun";
	q.url = url;
	q.hdrs[q.nhdrs++] = auth;
	rc = http_post(&q, r, e);
	explicit_bzero(auth, sizeof(auth));
	return rc;
}
