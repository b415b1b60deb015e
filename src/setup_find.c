/*
 * setup_find.c - the sources of setup asked in order, the first that
 * answers wins:
 *
 *   1. a preset (provider.c) for the mail domain;
 *   2. the domain's autoconfig document over HTTPS: autoconfig.DOMAIN,
 *      then DOMAIN/.well-known (Thunderbird's order);
 *   3. the ISPDB table (setup_ispdb_data.c) for the domain;
 *   4. the MX: a preset for the MX host (Google Workspace, Microsoft
 *      365...), the ISPDB row of the MX's domain, else guesses (smtp.
 *      and mail.DOMAIN, then the MX host itself).
 *
 * A server outside the mail domain is marked foreign when only the
 * domain's own document or an unauthenticated MX answer names it: the
 * command shows it and asks before using it.  A preset or an ISPDB row
 * is vouched for by this source tree.  The address is not sent to the
 * autoconfig server (Thunderbird adds it as a query parameter; the
 * templates in the document make it unnecessary) and no password is
 * sent anywhere.
 *
 * Test builds: OUTPOST_TEST_AUTOCONFIG replaces https://autoconfig.DOMAIN
 * and https://DOMAIN in the two URLs (a local test server).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "provider.h"
#include "setup.h"

#define FIND_URL_MAX	(SETUP_HOST_MAX + 64)

/* The preset's servers: its ports in its order. */
static int
find_preset(const char *name, const char *addr, struct setup_found *f)
{
	const struct provider *p;
	char host[PROVIDER_HOST_MAX];
	const char *why;
	size_t i;

	if ((p = provider_find(name, host, sizeof(host), &why)) == NULL)
		return 0;
	f->preset = p->name;
	f->nsrv = 0;
	for (i = 0; i < PROVIDER_MAX_PORTS && p->ports[i].port != 0; i++) {
		struct setup_server *s = &f->srv[f->nsrv++];

		memset(s, 0, sizeof(*s));
		snprintf(s->host, sizeof(s->host), "%s", host);
		s->port = p->ports[i].port;
		s->tls = p->ports[i].tls;
		snprintf(s->user, sizeof(s->user), "%s",
		    p->user != NULL ? p->user : addr);
		s->auth = p->auth;
		s->oauth2 = p->oauth2 != NULL;
	}
	return f->nsrv > 0;
}

/* One autoconfig URL: 1 found, 0 not (the reason in the -v line). */
static int
find_url(const char *url, const char *addr, const char *domain,
    const struct setup_sources *src, struct setup_found *f)
{
	struct err e;
	char *doc;
	size_t len, i;

	err_init(&e);
	if ((doc = setup_http_get(url, src->timeout_ms, &len, &e)) == NULL) {
		setup_try(f, "autoconfig %s: %s", url, e.msg);
		return 0;
	}
	if (setup_xml_parse(doc, len, addr, f, &e) == -1) {
		free(doc);
		setup_try(f, "autoconfig %s: %s", url, e.msg);
		return 0;
	}
	free(doc);
	for (i = 0; i < f->nsrv; i++)
		f->srv[i].foreign = !setup_host_within(f->srv[i].host, domain);
	setup_try(f, "autoconfig %s: %zu outgoing server%s", url, f->nsrv,
	    f->nsrv == 1 ? "" : "s");
	return 1;
}

static int
find_autoconfig(const char *addr, const char *domain,
    const struct setup_sources *src, struct setup_found *f)
{
	char url[FIND_URL_MAX];
	const char *base = NULL;

#ifdef OUTPOST_TEST_HOOKS
	base = getenv("OUTPOST_TEST_AUTOCONFIG");
#endif
	if (base != NULL)
		snprintf(url, sizeof(url), "%s/mail/config-v1.1.xml", base);
	else
		snprintf(url, sizeof(url), "https://autoconfig.%s/mail/"
		    "config-v1.1.xml", domain);
	if (find_url(url, addr, domain, src, f))
		return 1;
	if (base != NULL)
		snprintf(url, sizeof(url), "%s/.well-known/autoconfig/mail/"
		    "config-v1.1.xml", base);
	else
		snprintf(url, sizeof(url), "https://%s/.well-known/"
		    "autoconfig/mail/config-v1.1.xml", domain);
	return find_url(url, addr, domain, src, f);
}

/* ISPDB rows of the MX host's domain or a parent of it. */
static int
find_ispdb_mx(const char *mx, const char *addr, struct setup_found *f)
{
	const char *d = strchr(mx, '.');

	for (; d != NULL && strchr(d + 1, '.') != NULL;
	    d = strchr(d + 1, '.'))
		if (setup_ispdb_find(d + 1, addr, f)) {
			setup_try(f, "ispdb %s (MX %s): %zu outgoing "
			    "server%s", d + 1, mx, f->nsrv,
			    f->nsrv == 1 ? "" : "s");
			return 1;
		}
	return 0;
}

/* Guesses: smtp. and mail.DOMAIN, then the MX, on 587 and 465. */
static int
find_guess(const char *addr, const char *domain, const char *mx,
    struct setup_found *f)
{
	static const char *const pre[] = { "smtp.", "mail.", "" };
	size_t i, j;

	f->nsrv = 0;
	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++) {
			struct setup_server *s = &f->srv[f->nsrv++];

			memset(s, 0, sizeof(*s));
			snprintf(s->host, sizeof(s->host), "%s%s", pre[i],
			    i < 2 ? domain : mx);
			s->port = j == 0 ? 587 : 465;
			s->tls = j == 0 ? TLS_MODE_STARTTLS :
			    TLS_MODE_IMPLICIT;
			snprintf(s->user, sizeof(s->user), "%s", addr);
			s->auth = true;
			s->foreign = !setup_host_within(s->host, domain);
		}
	setup_try(f, "guess: smtp.%s, mail.%s and %s on 587 and 465",
	    domain, domain, mx);
	return 1;
}

static int
find_mx(const char *addr, const char *domain, struct setup_found *f,
    struct err *e)
{
	char mx[SETUP_MAX_MX][SETUP_HOST_MAX];
	const char *preset;
	int n;

	if ((n = setup_mx(domain, mx, SETUP_MAX_MX, e)) == -1) {
		setup_try(f, "MX of %s: %s", domain, e->msg);
		return 0;
	}
	if (n == 0) {
		setup_try(f, "MX of %s: none", domain);
		return 0;
	}
	if ((preset = setup_preset_mx(mx[0])) != NULL &&
	    find_preset(preset, addr, f)) {
		setup_try(f, "MX of %s is %s: preset %s", domain, mx[0],
		    preset);
		f->source = "preset (MX)";
		return 1;
	}
	setup_try(f, "MX of %s is %s: no preset", domain, mx[0]);
	if (find_ispdb_mx(mx[0], addr, f)) {
		f->source = "ispdb (MX)";
		return 1;
	}
	f->source = "guess (MX)";
	return find_guess(addr, domain, mx[0], f);
}

int
setup_find(const char *addr, const struct setup_sources *src,
    struct setup_found *f, struct err *e)
{
	char local[SETUP_ADDR_MAX], domain[SETUP_HOST_MAX];
	const char *preset;

	memset(f, 0, sizeof(*f));
	if (setup_split(addr, local, sizeof(local), domain, sizeof(domain),
	    e) == -1)
		return -1;
	if ((preset = setup_preset_domain(domain)) != NULL &&
	    find_preset(preset, addr, f)) {
		setup_try(f, "preset %s for %s", preset, domain);
		f->source = "preset";
		return 0;
	}
	setup_try(f, "preset: none for %s", domain);
	if (src->autoconfig && find_autoconfig(addr, domain, src, f)) {
		f->source = "autoconfig";
		return 0;
	}
	if (src->ispdb && setup_ispdb_find(domain, addr, f)) {
		setup_try(f, "ispdb %s: %zu outgoing server%s", domain,
		    f->nsrv, f->nsrv == 1 ? "" : "s");
		f->source = "ispdb";
		return 0;
	}
	setup_try(f, "ispdb: no row for %s", domain);
	if (src->mx && find_mx(addr, domain, f, e))
		return 0;
	return err_set(e, EX_UNAVAILABLE, "setup: no settings found for %s "
	    "(outpost -v setup shows the sources tried; write the account by "
	    "hand, outpost.conf(5))", domain);
}
