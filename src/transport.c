/*
 * transport.c - the session of an API account (transport.h): one POST
 * per message through the API's send function, the answer mapped by
 * transport_status(), each verdict handed to the pipeline like an SMTP
 * transaction's.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cred.h"
#include "log.h"
#include "transport.h"

static transport_send_fn *const transport_fns[] = {
	[TRANSPORT_GRAPH] = transport_graph_send,
	[TRANSPORT_SES] = transport_ses_send,
	[TRANSPORT_MAILGUN] = transport_mailgun_send
};

static transport_send_fn *const transport_probes[] = {
	[TRANSPORT_GRAPH] = transport_graph_probe,
	[TRANSPORT_SES] = transport_ses_probe,
	[TRANSPORT_MAILGUN] = transport_mailgun_probe
};

int
transport_probe(const struct account *a, const struct secret *cred,
    struct http_resp *r, struct err *e)
{
	char base[TRANSPORT_URL_MAX];
	struct transport_msg m;
	const char *why = NULL;

	if (a->transport == TRANSPORT_SMTP || (size_t)a->transport >=
	    sizeof(transport_probes) / sizeof(transport_probes[0]))
		return err_set(e, EX_SOFTWARE, "account %s: no API transport",
		    a->name);
	if (transport_base(a, base, sizeof(base), &why) == -1)
		return err_set(e, EX_CONFIG, "account %s: %s", a->name, why);
	memset(&m, 0, sizeof(m));
	m.a = a;
	m.cred = cred;
	m.base = base;
	return transport_probes[a->transport](&m, r, e);
}

/*
 * Where it went, for the log line: the API's host and port.  used->host
 * must outlive the session (the log line is written after it), hence
 * the static buffer: one session runs at a time.
 */
static void
transport_used(const struct deliver_req *dr, const char *base)
{
	static char host[TRANSPORT_HOST_MAX];
	char hp[TRANSPORT_HOST_MAX];
	const char *colon;

	if (dr->used == NULL)
		return;
	dr->used->account = dr->a->name;
	dr->used->host = dr->a->host;
	if (transport_url_host(base, host, sizeof(host), false) == 0)
		dr->used->host = host;
	dr->used->port = 443;
	if (transport_url_host(base, hp, sizeof(hp), true) == 0 &&
	    (colon = strrchr(hp, ':')) != NULL && strchr(colon, ']') == NULL)
		dr->used->port = (int)strtol(colon + 1, NULL, 10);
	/* a host name longer than an address stays out of the log line */
	if (strlen(hp) < sizeof(dr->used->addr))
		memcpy(dr->used->addr, hp, strlen(hp) + 1);
}

/*
 * One message: the dot hook, the POST, the answer.  Returns its class;
 * e set unless TRANSPORT_OK.
 */
static enum transport_class
transport_one(const struct deliver_req *dr, const struct smtp_params *p,
    const char *base, struct err *e)
{
	struct transport_msg m;
	struct http_resp *r;
	enum transport_class c;

	if (dr->before_dot != NULL && dr->before_dot(dr->dot_arg, e) == -1)
		return TRANSPORT_SESSION;
	if ((r = malloc(sizeof(*r))) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return TRANSPORT_SESSION;
	}
	memset(&m, 0, sizeof(m));
	m.a = dr->a;
	m.env = &p->env;
	m.spool_fd = p->spool_fd;
	m.prefix = p->prefix;
	m.cred = dr->pw;
	m.base = base;
	if (transport_fns[dr->a->transport](&m, r, e) == -1)
		c = TRANSPORT_SESSION;
	else
		c = transport_status(transport_name(dr->a->transport),
		    r->status, r->retry_after, e);
	if (c == TRANSPORT_SESSION && r->status == 401 &&
	    dr->a->transport == TRANSPORT_GRAPH)
		e->flags |= ERR_AUTH_TOKEN;	/* refresh once, retry */
	/* which user and which password source were refused, as for AUTH */
	if (c == TRANSPORT_SESSION && (e->flags & ERR_AUTH) != 0)
		cred_auth_explain(dr->a, dr->used != NULL &&
		    dr->used->host != NULL ? dr->used->host : dr->a->host,
		    dr->used != NULL ? dr->used->port : 443, e);
	explicit_bzero(r, sizeof(*r));
	free(r);
	return c;
}

int
transport_deliver(const struct deliver_req *dr, struct err *e)
{
	char base[TRANSPORT_URL_MAX];
	const char *why = NULL;
	enum transport_class c;
	struct smtp_params p;
	struct err me;

	if ((size_t)dr->a->transport >= sizeof(transport_fns) /
	    sizeof(transport_fns[0]) || transport_fns[dr->a->transport] ==
	    NULL)
		return err_set(e, EX_SOFTWARE, "account %s: no such transport",
		    dr->a->name);
	if (dr->used != NULL)
		memset(dr->used, 0, sizeof(*dr->used));
	if (dr->a->hold) {
		err_set(e, EX_TEMPFAIL, "account %s is on hold (hold = on in "
		    "the configuration)", dr->a->name);
		e->flags |= ERR_HOLD;
		return -1;
	}
	if (transport_base(dr->a, base, sizeof(base), &why) == -1)
		return err_set(e, EX_CONFIG, "account %s: %s", dr->a->name,
		    why);
	transport_used(dr, base);
	memset(&p, 0, sizeof(p));
	p.env = *dr->env;
	p.spool_fd = dr->spool_fd;
	p.prefix = dr->prefix;
	p.more = dr->more;
	for (;;) {
		err_init(&me);
		c = transport_one(dr, &p, base, &me);
		if (c == TRANSPORT_SESSION || (dr->next == NULL &&
		    c == TRANSPORT_REFUSED)) {
			*e = me;
			return -1;
		}
		if (dr->next == NULL)
			return 0;
		if (dr->next(dr->next_arg, &p, c == TRANSPORT_OK ? NULL : &me,
		    true) == 0)
			return 0;
	}
}
