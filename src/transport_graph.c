/*
 * transport_graph.c - transport = graph: Microsoft Graph sendMail with
 * the MIME message, POST BASE/v1.0/users/USER/sendMail, the message
 * base64-encoded as text/plain, the account's OAuth2 access token as a
 * Bearer token (scope https://graph.microsoft.com/.default for client
 * credentials, or Mail.Send delegated).
 *
 * Graph takes the recipients from the message's To, Cc and Bcc headers,
 * not from an envelope.  outpost keeps the envelope's meaning:
 *   - an envelope recipient no To/Cc header names (a Bcc recipient - the
 *     spool has its Bcc header removed - or one given only on the
 *     command line) goes into a Bcc header added to the copy Graph gets;
 *     Exchange delivers to it and shows it to nobody else;
 *   - a To/Cc address that is not an envelope recipient cannot be
 *     expressed: Graph would send it a copy the envelope never asked
 *     for, so the message is refused (65) rather than sent there;
 *   - the envelope sender is the mailbox USER: Graph sends as it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "hdr.h"
#include "log.h"
#include "msg.h"
#include "transport.h"

#define GRAPH_USER_MAX	(3 * 256 + 1)	/* the mailbox, percent-encoded */

/* What the To/Cc check collects. */
struct graph_rcpts {
	const struct envelope	*env;
	bool			*named;	/* per envelope recipient */
	char			 stray[ADDR_MAX + 1];	/* not in it */
};

static int
graph_rcpt_cb(void *arg, const char *addr, size_t len)
{
	struct graph_rcpts *g = arg;
	size_t i;

	for (i = 0; i < g->env->nrcpts; i++)
		if (strlen(g->env->rcpts[i]) == len &&
		    strncasecmp(g->env->rcpts[i], addr, len) == 0) {
			g->named[i] = true;
			return 0;
		}
	if (g->stray[0] == '\0')
		snprintf(g->stray, sizeof(g->stray), "%.*s", (int)len, addr);
	return 0;
}

/* The header block (prefix lines, then the spool's) into a buffer. */
static char *
graph_headers(const struct transport_msg *m, size_t *len, struct err *e)
{
	size_t plen = m->prefix != NULL ? strlen(m->prefix) : 0, n = 0;
	size_t cap = plen + MSG_MAX_HEADER_BYTES + 1;
	ssize_t r;
	char *h, *end;

	if ((h = malloc(cap)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	memcpy(h, m->prefix != NULL ? m->prefix : "", plen);
	while (plen + n < cap - 1) {
		r = pread(m->spool_fd, h + plen + n, cap - 1 - plen - n,
		    (off_t)n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	h[plen + n] = '\0';
	end = strstr(h, "\r\n\r\n");
	*len = end != NULL ? (size_t)(end - h) + 2 : plen + n;
	return h;
}

/* Refuse a stray To/Cc; mark which envelope recipients are named. */
static int
graph_check(const struct transport_msg *m, bool *named, struct err *e)
{
	struct graph_rcpts g = { m->env, named, "" };
	struct hdr_field f;
	struct hdr_iter it;
	size_t len;
	char *h;

	if ((h = graph_headers(m, &len, e)) == NULL)
		return -1;
	hdr_iter_init(&it, h, len);
	while (hdr_next(&it, &f) == 1)
		if ((hdr_is(&f, "To") || hdr_is(&f, "Cc") ||
		    hdr_is(&f, "Bcc")) && addr_parse_list(f.value, f.valuelen,
		    graph_rcpt_cb, &g, e) == -1)
			break;
	free(h);
	if (err_is_set(e))
		return -1;
	if (g.stray[0] != '\0')
		return err_set(e, EX_DATAERR, "graph: the message's To/Cc "
		    "names <%s>, which is not a recipient: Graph sends to "
		    "every address in To/Cc, so it cannot send this message "
		    "(use transport = ses or mailgun, or -t)", g.stray);
	return 0;
}

/* The prefix Graph gets: the caller's lines and a Bcc of the rest. */
static char *
graph_prefix(const struct transport_msg *m, struct err *e)
{
	size_t cap = 16, i, n, nbcc = 0;
	bool *named;
	char *p = NULL;

	if ((named = calloc(m->env->nrcpts + 1, sizeof(*named))) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	if (graph_check(m, named, e) == -1)
		goto out;
	cap += m->prefix != NULL ? strlen(m->prefix) : 0;
	for (i = 0; i < m->env->nrcpts; i++)
		cap += strlen(m->env->rcpts[i]) + 8;
	if ((p = malloc(cap)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	n = (size_t)snprintf(p, cap, "%s", m->prefix != NULL ? m->prefix : "");
	for (i = 0; i < m->env->nrcpts; i++)
		if (!named[i])
			n += (size_t)snprintf(p + n, cap - n, "%s<%s>",
			    nbcc++ == 0 ? "Bcc: " : ",\r\n ", m->env->rcpts[i]);
	if (nbcc > 0)
		snprintf(p + n, cap - n, "\r\n");
	log_debug("graph: %zu recipient(s) only in the envelope: sent as "
	    "Bcc", nbcc);
out:
	free(named);
	return p;
}

/* The mailbox for the URL path: unreserved characters and '@' as is. */
static void
graph_user(const char *u, char out[GRAPH_USER_MAX])
{
	static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ0123456789-._~@";
	size_t n = 0;

	for (; *u != '\0' && n + 4 < GRAPH_USER_MAX; u++) {
		if (strchr(keep, *u) != NULL)
			out[n++] = *u;
		else
			n += (size_t)snprintf(out + n, 4, "%%%02X",
			    (unsigned char)*u);
	}
	out[n] = '\0';
}

int
transport_graph_send(const struct transport_msg *m, struct http_resp *r,
    struct err *e)
{
	char url[TRANSPORT_URL_MAX], user[GRAPH_USER_MAX];
	char auth[SECRET_MAX + 32];
	struct http_req q;
	struct api_body b;
	char *prefix;
	int rc;

	if (m->cred == NULL)
		return err_set(e, EX_CONFIG, "account %s: graph needs an "
		    "OAuth2 access token (oauth2_token_url)", m->a->name);
	graph_user(m->a->user, user);
	if ((size_t)snprintf(url, sizeof(url), "%s/v1.0/users/%s/sendMail",
	    m->base, user) >= sizeof(url))
		return err_set(e, EX_CONFIG, "graph: URL too long");
	if ((prefix = graph_prefix(m, e)) == NULL)
		return -1;
	memset(&b, 0, sizeof(b));
	b.fd = m->spool_fd;
	b.size = m->env->size;
	b.prefix = prefix;
	b.b64 = true;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", m->cred->buf);
	memset(&q, 0, sizeof(q));
	q.a = m->a;
	q.what = "graph";
	q.url = url;
	q.hdrs[q.nhdrs++] = auth;
	q.hdrs[q.nhdrs++] = "Content-Type: text/plain";
	q.body = &b;
	log_debug("graph: POST %s (%zu recipients, %zu bytes)", url,
	    m->env->nrcpts, api_body_len(&b));
	rc = http_post(&q, r, e);
	explicit_bzero(auth, sizeof(auth));
	free(prefix);
	return rc;
}

/*
 * doctor: GET BASE/v1.0/users/USER with the token.  Only whether Graph
 * answers and takes the token matters (401: it does not); reading the
 * user needs a permission a send-only app lacks (403 is fine here).
 */
int
transport_graph_probe(const struct transport_msg *m, struct http_resp *r,
    struct err *e)
{
	char url[TRANSPORT_URL_MAX], user[GRAPH_USER_MAX];
	char auth[SECRET_MAX + 32];
	struct http_req q;
	int rc;

	if (m->cred == NULL)
		return err_set(e, EX_CONFIG, "account %s: graph needs an "
		    "OAuth2 access token (oauth2_token_url)", m->a->name);
	graph_user(m->a->user, user);
	if ((size_t)snprintf(url, sizeof(url), "%s/v1.0/users/%s", m->base,
	    user) >= sizeof(url))
		return err_set(e, EX_CONFIG, "graph: URL too long");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", m->cred->buf);
	memset(&q, 0, sizeof(q));
	q.a = m->a;
	q.what = "graph";
	q.url = url;
	q.hdrs[q.nhdrs++] = auth;
	rc = http_post(&q, r, e);
	explicit_bzero(auth, sizeof(auth));
	return rc;
}
