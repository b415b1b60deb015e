/*
 * deliver.c - connect, start TLS when implicit, run the SMTP session.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "conn.h"
#include "deliver.h"
#include "log.h"
#include "smtp.h"
#include "tls.h"

/* The account's ports, in order (cfg resolved each one's TLS mode). */
static size_t
deliver_plan(const struct account *a, struct cfg_port *plan, size_t cap)
{
	size_t n = a->nports < cap ? a->nports : cap;

	memcpy(plan, a->ports, n * sizeof(*plan));
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
deliver_params(const struct deliver_req *r, const struct cfg_port *ep,
    struct smtp_params *p)
{
	const struct account *a = r->a;

	memset(p, 0, sizeof(*p));
	p->tls = ep->tls;
	p->tls_opts.host = a->host;
	p->tls_opts.trust_file = a->tls_trust_file;
	p->tls_opts.cert_file = a->tls_cert_file;
	p->tls_opts.key_file = a->tls_key_file;
	p->auth = a->auth;
	p->user = a->user;
	p->password = r->pw != NULL ? r->pw->buf : NULL;
	p->timeout = a->timeout;
	p->sender = r->sender;
	p->rcpts = r->rcpts;
	p->nrcpts = r->nrcpts;
	p->need_smtputf8 = r->need_smtputf8;
	p->eightbit = r->eightbit;
	p->spool_fd = r->spool_fd;
	p->size = r->size;
	p->more = r->more;
	p->next = r->next;
	p->next_arg = r->next_arg;
}

static int
deliver_one(const struct deliver_req *r, const struct cfg_port *ep,
    struct conn *c, struct err *e)
{
	struct smtp_params p;
	char literal[CONN_ADDR_MAX + 8], desc[128];
	deadline_t d = deadline_in((int64_t)r->a->timeout * 1000);

	deliver_params(r, ep, &p);
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
	return smtp_submit(c, &p, e);
}

int
deliver(const struct deliver_req *r, struct err *e)
{
	struct cfg_port plan[CFG_MAX_PORTS];
	struct conn *c = NULL;
	struct err cerr;
	size_t n, i;
	deadline_t d;
	int rc;

	n = deliver_plan(r->a, plan, sizeof(plan) / sizeof(plan[0]));
	for (i = 0; i < n; i++) {
		err_init(&cerr);
		d = deadline_in((int64_t)r->a->timeout * 1000);
		c = conn_open(r->a->host, plan[i].port, d, &cerr);
		if (c != NULL)
			break;
		log_debug("%s", cerr.msg);
		/* another port helps a refused connection, not the resolver */
		if (cerr.ex != EX_TEMPFAIL || (cerr.flags & ERR_RESOLVE))
			break;
	}
	if (c == NULL) {
		*e = cerr;
		return -1;
	}
	log_debug("connected to %s (%s)", c->addr, plan[i].tls ==
	    TLS_MODE_IMPLICIT ? "implicit TLS" : plan[i].tls ==
	    TLS_MODE_STARTTLS ? "STARTTLS" : "no TLS");
	rc = deliver_one(r, &plan[i], c, e);
	conn_close(c);
	return rc;
}
