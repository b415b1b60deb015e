/*
 * setup_ispdb.c - a mail domain looked up in the generated ISPDB table
 * (binary search: the generator sorts the domains).  The table's
 * servers are vouched for by the ISPDB maintainers, so one outside the
 * mail domain (a hosting company's) is used without asking.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "setup.h"
#include "setup_ispdb.h"

static int
ispdb_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct ispdb_domain *)row)->domain);
}

int
setup_ispdb_find(const char *domain, const char *addr,
    struct setup_found *f)
{
	const struct ispdb_domain *d;
	const struct ispdb_server *s;
	struct setup_server *o;
	size_t i;

	d = bsearch(domain, ispdb_domains, ispdb_ndomains,
	    sizeof(ispdb_domains[0]), ispdb_cmp);
	if (d == NULL)
		return 0;
	f->nsrv = 0;
	for (i = 0; i < d->count && f->nsrv < SETUP_MAX_SERVERS; i++) {
		s = &ispdb_servers[d->first + i];
		o = &f->srv[f->nsrv];
		memset(o, 0, sizeof(*o));
		if (strlen(s->host) >= sizeof(o->host) ||
		    setup_user_fill(s->user, addr, o->user,
		    sizeof(o->user)) == -1)
			continue;
		strcpy(o->host, s->host);	/* style: allow strcpy */
		o->port = s->port;
		o->tls = s->tls;
		o->auth = s->auth;
		o->oauth2 = s->oauth2_issuer != NULL;
		f->nsrv++;
	}
	return f->nsrv > 0;
}
