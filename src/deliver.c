/*
 * deliver.c - the account's hosts in order, for each a race over its
 * ports and addresses, TLS when implicit, the SMTP session.
 *
 * Security never depends on which endpoint won: every port carries the
 * TLS mode the config resolved for it, and TLS verifies against the host
 * name actually connected to.  The remembered endpoint (route.h) only
 * reorders configured candidates.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "acct_via.h"
#include "conn.h"
#include "cred.h"
#include "deliver.h"
#include "log.h"
#include "route.h"
#include "smtp.h"
#include "tls.h"

#define DELIVER_NOCONN	(-2)	/* no candidate of the host answered */

/*
 * The account's ports in order (cfg resolved each one's TLS mode), the
 * remembered one first when it is remembered for this host.
 */
static size_t
deliver_plan(const struct account *a, const char *host,
    const struct route *rt, struct cfg_port *plan)
{
	size_t n = a->nports, i, k = 0;

	for (i = 0; rt != NULL && i < n; i++)
		if (strcasecmp(rt->host, host) == 0 &&
		    a->ports[i].port == rt->port)
			plan[k++] = a->ports[i];
	for (i = 0; i < n; i++)
		if (k == 0 || a->ports[i].port != plan[0].port)
			plan[k++] = a->ports[i];
	return n;
}

/* RFC 5321 4.1.3 address literal of our end of the connection. */
static void
deliver_literal(const struct conn *c, char *out, size_t cap)
{
	if (c->local_family == AF_INET6)
		snprintf(out, cap, "[IPv6:%s]", c->local);
	else
		snprintf(out, cap, "[%s]", c->local);
}

static void
deliver_params(const struct deliver_req *r, const char *host,
    const struct cfg_port *ep, struct smtp_params *p)
{
	const struct account *a = r->a;

	memset(p, 0, sizeof(*p));
	p->tls = ep->tls;
	p->tls_opts.host = host;
	p->tls_opts.trust_file = a->tls_trust_file;
	p->tls_opts.cert_file = a->tls_cert_file;
	p->tls_opts.key_file = a->tls_key_file;
	p->tls_opts.pin = a->tls_fingerprint;
	p->auth = a->auth;
	p->user = a->user;
	p->password = r->pw != NULL ? r->pw->buf : NULL;
	p->timeout = a->timeout;
	p->env = *r->env;
	p->spool_fd = r->spool_fd;
	p->prefix = r->prefix;
	p->before_dot = r->before_dot;
	p->dot_arg = r->dot_arg;
	p->more = r->more;
	p->next = r->next;
	p->ahead = r->ahead;
	p->next_arg = r->next_arg;
}

static int
deliver_one(const struct deliver_req *r, const char *host,
    const struct cfg_port *ep, struct conn *c, struct err *e)
{
	struct smtp_params p;
	char literal[CONN_ADDR_MAX + 8], desc[128];
	deadline_t d = deadline_in((int64_t)r->a->timeout * 1000);

	deliver_params(r, host, ep, &p);
	if (r->ehlo_name != NULL) {
		p.ehlo_name = r->ehlo_name;
	} else {
		deliver_literal(c, literal, sizeof(literal));
		p.ehlo_name = literal;
	}
	if (ep->tls == TLS_MODE_IMPLICIT) {
		if (tls_start(c, &p.tls_opts, d, e) == -1)
			return -1;
		log_debug("TLS: %s", tls_describe(c, desc, sizeof(desc)));
	}
	if (smtp_submit(c, &p, e) == 0)
		return 0;
	cred_auth_explain(r->a, host, ep->port, e);
	return -1;
}

static void
deliver_note(const struct deliver_req *r, const char *host,
    const struct cfg_port *ep, const struct conn *c)
{
	log_debug("connected to %s (account %s, host %s, port %d, %s)",
	    c->addr, r->a->name, host, ep->port, ep->tls ==
	    TLS_MODE_IMPLICIT ? "implicit TLS" : ep->tls ==
	    TLS_MODE_STARTTLS ? "STARTTLS" : "no TLS");
	if (r->used == NULL)
		return;
	r->used->account = r->a->name;
	r->used->host = host;
	r->used->port = ep->port;
	snprintf(r->used->addr, sizeof(r->used->addr), "%s", c->addr);
}

/*
 * One host: race its candidates, run the session on the winner.  0 sent,
 * -1 the server's verdict (or TLS) failed it, DELIVER_NOCONN nothing
 * answered.  rt: the remembered endpoint, or NULL when not remembering.
 */
static int
deliver_host(const struct deliver_req *r, const char *host,
    const struct route *rt, bool remember, const struct conn_via *via,
    struct err *e)
{
	struct cfg_port plan[CFG_MAX_PORTS];
	struct conn_cand cand[CFG_MAX_PORTS];
	struct route now;
	struct conn *c;
	size_t n, i, won = 0;
	bool first;
	int rc;

	n = deliver_plan(r->a, host, rt, plan);
	for (i = 0; i < n; i++) {
		cand[i].port = plan[i].port;
		cand[i].greet = plan[i].tls != TLS_MODE_IMPLICIT;
	}
	/* is the remembered endpoint the one tried first? */
	first = rt != NULL && strcasecmp(rt->host, host) == 0 &&
	    plan[0].port == rt->port;
	c = conn_open_race(host, cand, n, via, deadline_in((int64_t)
	    r->a->timeout * 1000), &won, e);
	if (c == NULL || (first && won != 0)) {
		if (first)
			log_debug("forgetting port %d of %s", rt->port, host);
		if (first)
			route_store(r->a->name, NULL);
		first = false;
	}
	if (c == NULL)
		return DELIVER_NOCONN;
	deliver_note(r, host, &plan[won], c);
	rc = deliver_one(r, host, &plan[won], c, e);
	conn_close(c);
	if (rc == 0 && remember && !first) {
		snprintf(now.host, sizeof(now.host), "%s", host);
		now.port = plan[won].port;
		route_store(r->a->name, &now);
	} else if (rc == -1 && first) {
		route_store(r->a->name, NULL);
	}
	return rc;
}

/* The account's hosts in order, the remembered one first. */
static int
deliver_account(const struct deliver_req *r, struct err *e)
{
	const struct account *a = r->a;
	struct acct_via via;
	struct route rt;
	size_t i, start = 0;
	bool remember = a->nhosts * a->nports > 1, have;
	int rc = DELIVER_NOCONN;

	if (acct_via_open(a, &via, e) == -1) {
		acct_via_close(&via);
		return -1;
	}
	have = remember && route_load(a->name, &rt) == 1;
	for (i = 0; have && i < a->nhosts; i++)
		if (strcasecmp(a->hosts[i], rt.host) == 0)
			start = i;
	for (i = 0; i < a->nhosts && rc == DELIVER_NOCONN; i++) {
		err_init(e);
		rc = deliver_host(r, a->hosts[i == 0 ? start : i <= start ?
		    i - 1 : i], have ? &rt : NULL, remember, &via.via, e);
		if (rc == DELIVER_NOCONN)
			log_debug("%s", e->msg);
	}
	acct_via_close(&via);
	return rc == 0 ? 0 : -1;
}

int
deliver(const struct deliver_req *r, struct err *e)
{
	if (r->used != NULL)
		memset(r->used, 0, sizeof(*r->used));
	/* a relay installed but not configured yet keeps everything */
	if (r->a->hold) {
		err_set(e, EX_TEMPFAIL, "account %s is on hold (hold = on in "
		    "the configuration): the message waits in the queue until "
		    "the relay is configured (Debian: dpkg-reconfigure "
		    "outpost-mta)", r->a->name);
		e->flags |= ERR_HOLD;
		return -1;
	}
	return deliver_account(r, e);
}
